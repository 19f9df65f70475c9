/**
 * The handoffs' settings: each target system's adapter configuration, the CS roster the owner rule
 * picks from, and the kickoff's working hours. On AWS they are one Secrets Manager secret
 * (HANDOFF_SETTINGS_ARN, `concord/handoffs`); locally the runtime points every target at the sandbox.
 */
import { z } from 'zod';
import { CsManager } from './cs-owner';
import { AsanaPmConfig, createAsanaPm } from './targets/asana';
import { createGoogleCalendar, GoogleCalendarConfig } from './targets/google-calendar';
import { createNetsuiteErp, NetsuiteErpConfig } from './targets/netsuite';
import type { HandoffTargets } from './targets/ports';
import { createSalesforceCrm, SalesforceCrmConfig } from './targets/salesforce';
import { createSesEmail, SesEmailConfig } from './targets/ses';

export const HandoffSettings = z
  .object({
    targets: z
      .object({
        erp: NetsuiteErpConfig.optional(),
        crm: SalesforceCrmConfig.optional(),
        pm: AsanaPmConfig.optional(),
        calendar: GoogleCalendarConfig.optional(),
        email: SesEmailConfig.optional(),
      })
      .strict(),
    /** The playbooks' project template names → the PM tool's template ids. */
    projectTemplates: z.record(z.string(), z.string().min(1)).default({}),
    roster: z.array(CsManager).default([]),
    kickoff: z
      .object({ timeZone: z.string().default('UTC'), workingHours: z.object({ start: z.number().int().min(0).max(23), end: z.number().int().min(1).max(24) }).default({ start: 9, end: 17 }) })
      .default({ timeZone: 'UTC', workingHours: { start: 9, end: 17 } }),
  })
  .strict();
export type HandoffSettings = z.infer<typeof HandoffSettings>;

/**
 * The adapters of the configured targets. A target left out is absent, and a playbook needing it is
 * refused at load; calling one anyway is a bug, so the placeholder throws.
 */
export const createHandoffTargets = (settings: HandoffSettings): { targets: HandoffTargets; configured: Set<string> } => {
  const t = settings.targets;
  const missing = (name: string) =>
    new Proxy({}, { get: (_, method) => () => Promise.reject(new Error(`the ${name} target is not configured (called ${String(method)})`)) });
  const configured = new Set(Object.entries(t).filter(([, v]) => v !== undefined).map(([k]) => k));
  return {
    configured,
    targets: {
      erp: t.erp ? createNetsuiteErp(t.erp) : (missing('erp') as HandoffTargets['erp']),
      crm: t.crm ? createSalesforceCrm(t.crm) : (missing('crm') as HandoffTargets['crm']),
      pm: t.pm ? createAsanaPm(t.pm) : (missing('pm') as HandoffTargets['pm']),
      calendar: t.calendar ? createGoogleCalendar(t.calendar) : (missing('calendar') as HandoffTargets['calendar']),
      email: t.email ? createSesEmail(t.email) : (missing('email') as HandoffTargets['email']),
    },
  };
};
