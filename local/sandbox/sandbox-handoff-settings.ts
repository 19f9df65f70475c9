/**
 * The handoffs' settings in the local runtime: every target pointed at its fake on the sandbox,
 * links that open the sandbox's view of each record, and a sample CS roster. They go through the
 * same schema as the AWS secret (functions/handoffs/handoff-settings.ts), so the local path is the
 * AWS path. HANDOFF_SETTINGS (JSON) in the environment replaces them whole.
 */
import { HandoffSettings } from '../../functions/handoffs/handoff-settings';
import { sandboxWriteBackSettings } from './sandbox-write-back-settings';
import { ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID, ASANA_ONBOARDING_TEMPLATE_GID, ASANA_SANDBOX_TEAM_GID } from './targets/asana';

/** The sample CS team: one per region for mid-market and smaller, one for enterprise everywhere. */
export const SANDBOX_CS_ROSTER = [
  { email: 'maya.chen@concord.example', name: 'Maya Chen', segments: ['enterprise'], capacity: 25 },
  { email: 'lukas.meyer@concord.example', name: 'Lukas Meyer', segments: ['mid-market', 'smb'], regions: ['emea'], capacity: 60 },
  { email: 'sofia.garcia@concord.example', name: 'Sofia García', segments: ['mid-market', 'smb'], regions: ['amer', 'apac'], capacity: 60 },
  { email: 'noah.williams@concord.example', name: 'Noah Williams', segments: ['mid-market', 'smb'], capacity: 80 },
];

export const sandboxHandoffSettings = (sandboxUrl: string, env: NodeJS.ProcessEnv = {}): HandoffSettings => {
  if (env.HANDOFF_SETTINGS) return HandoffSettings.parse(JSON.parse(env.HANDOFF_SETTINGS));
  const view = (system: string, kind: string) => `${sandboxUrl}/sandbox/${system}/records/${kind}/{id}`;
  // NetSuite and Salesforce are the write-back fakes: the same URLs and the tokens they accept.
  const writeBack = sandboxWriteBackSettings(sandboxUrl);
  // A fake on the same machine answers at once; an answer this late means something is stuck.
  const timeoutMs = 5000;
  return HandoffSettings.parse({
    targets: {
      erp: {
        baseUrl: writeBack.NETSUITE_REST_URL as string,
        credentials: { accessToken: writeBack.NETSUITE_ACCESS_TOKEN as string },
        timeoutMs,
        recordUrl: { customer: view('netsuite', 'customer'), salesOrder: view('netsuite', 'salesOrder') },
        currencyIds: { USD: '1', GBP: '2', EUR: '4' },
        itemIds: { Platform: '310', 'Analytics Add-on': '311', 'Professional Services': '312', 'Premium Support': '313', 'Integrations Pack': '314', 'Platform subscription': '310' },
      },
      crm: {
        baseUrl: writeBack.SALESFORCE_INSTANCE_URL as string,
        credentials: { accessToken: writeBack.SALESFORCE_ACCESS_TOKEN as string },
        timeoutMs,
        recordUrl: { Opportunity: view('salesforce', 'Opportunity') },
      },
      pm: { baseUrl: `${sandboxUrl}/asana/api/1.0`, credentials: { accessToken: 'local-asana-token' }, timeoutMs, teamGid: ASANA_SANDBOX_TEAM_GID, projectUrl: view('asana', 'project') },
      calendar: { baseUrl: `${sandboxUrl}/google-calendar`, credentials: { accessToken: 'local-google-token' }, timeoutMs },
      email: { region: 'us-east-1', endpoint: `${sandboxUrl}/ses`, credentials: { accessKeyId: 'AKIASANDBOXLOCAL', secretAccessKey: 'local-sandbox-secret' }, timeoutMs, messageUrl: view('ses', 'email') },
    },
    projectTemplates: { 'onboarding-standard': ASANA_ONBOARDING_TEMPLATE_GID, 'onboarding-enterprise': ASANA_ENTERPRISE_ONBOARDING_TEMPLATE_GID },
    roster: SANDBOX_CS_ROSTER,
    kickoff: { timeZone: 'UTC', workingHours: { start: 9, end: 17 } },
  });
};
