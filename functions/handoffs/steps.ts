/**
 * What each step kind does: `preview` says what it would create, where and for whom (the dry run
 * prints it; it touches nothing), `execute` does it through the target ports with the step's key.
 * Steps read the handoff's context and the values of the steps before them; they never read the
 * clock or make ids themselves.
 */
import type { ContextPerson, HandoffContext } from './facts';
import { regionOf, segmentOf } from './facts';
import type { StepState, TargetRecordItem } from './handoff';
import type { CsAssignment } from './handoff.store';
import { pickCsOwner, whyNoCsOwner, type CsManager } from './cs-owner';
import type { TemplateValues } from './playbook';
import type { StepKind } from './step-kinds';
import type { HandoffTargets, TargetResult } from './targets/ports';
import { firstFreeSlot } from './targets/free-slot';
import { eventIdFor } from './targets/google-calendar';

export interface StepRun {
  handoffId: string;
  stepId: string;
  /** The step's idempotency key / external reference. */
  key: string;
  playbookTitle: string;
  template: TemplateValues;
  context: HandoffContext;
  /** The state of the earlier step of a kind, if the playbook has one. */
  earlier(kind: StepKind): StepState | undefined;
  now: Date;
}

export type StepOutcome =
  | { status: 'done'; records: TargetRecordItem[]; values: Record<string, unknown>; summary: string }
  | { status: 'failed'; retryable: boolean; detail: string; outcomeUnknown?: boolean };

export interface StepPreview {
  /** Where: 'erp (NetSuite)', 'Slack'. */
  where: string;
  /** What: 'upsert customer "Acme" (externalId concord-acc_…)'. */
  what: string;
  /** Who owns or sends it, when the step decides that. */
  who?: string;
}

export interface KickoffSettings {
  timeZone: string;
  workingHours: { start: number; end: number };
}

export interface StepDeps {
  targets: HandoffTargets;
  roster: readonly CsManager[];
  /** A playbook's project template name → the PM tool's template id (a name not listed is taken as an id). */
  projectTemplates: Readonly<Record<string, string>>;
  kickoff: KickoffSettings;
  csOwners: {
    loads(emails: readonly string[]): Promise<Record<string, number>>;
    assignment(accountId: string): Promise<CsAssignment | undefined>;
    assign(assignment: CsAssignment): Promise<CsAssignment>;
  };
  /** Tells a person in Slack (a DM by email); delivered once per key. */
  notify(notice: { key: string; email: string; text: string; handoffId: string }): Promise<void>;
}

export interface StepRunner {
  preview(run: StepRun): StepPreview;
  execute(run: StepRun, deps: StepDeps): Promise<StepOutcome>;
}

const failed = (detail: string, retryable = false): StepOutcome => ({ status: 'failed', retryable, detail });

const fromTarget = (result: TargetResult, summary: (record: TargetRecordItem) => string, values: (record: TargetRecordItem) => Record<string, unknown> = () => ({})): StepOutcome =>
  result.status === 'done'
    ? { status: 'done', records: [result.record], values: { id: result.record.id, ...values(result.record) }, summary: summary(result.record) }
    : { ...failed(result.detail, result.retryable), ...(result.outcomeUnknown ? { outcomeUnknown: true } : {}) };

const money = (amount: number | undefined, currency: string | undefined): string =>
  amount === undefined ? 'no amount' : new Intl.NumberFormat('en-US', { style: 'currency', currency: currency ?? 'USD', maximumFractionDigits: 0 }).format(amount);

const fullName = (p: ContextPerson): string => p.name || p.email || p.unifiedId;

/** Buyers and sponsors first: who a welcome email and a kickoff are for. */
const buyers = (context: HandoffContext): ContextPerson[] => {
  const withEmail = context.contacts.filter((c) => c.email);
  const decisive = withEmail.filter((c) => c.role === 'buyer' || c.role === 'executive_sponsor');
  return decisive.length > 0 ? decisive : withEmail.slice(0, 1);
};

const recordIn = (context: HandoffContext, system: string) => context.account.records.find((r) => r.system === system);

const csOwnerOf = (run: StepRun): { email: string; name: string } | undefined => {
  const values = run.earlier('cs.assignOwner')?.values ?? (run.context.previous?.outputs.csOwner as Record<string, unknown> | undefined);
  return typeof values?.email === 'string' ? { email: values.email, name: String(values.name ?? values.email) } : undefined;
};

const fill = (text: string, values: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

const dateOnly = (iso: string): string => iso.slice(0, 10);

const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * 86_400_000);

/** `days` working days after `from` (weekends skipped), as the end of the kickoff search window. */
const businessDaysAfter = (from: Date, days: number): Date => {
  let at = from;
  for (let left = days; left > 0; ) {
    at = addDays(at, 1);
    const weekday = at.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at;
};

const runners: Record<StepKind, StepRunner> = {
  'crm.leadContext': {
    preview: (run) => {
      const opp = run.context.opportunity;
      return { where: `crm (${opp?.system ?? 'none'})`, what: `update opportunity ${opp?.name ?? '(none found)'} with the converted lead's context`, who: run.context.account.ownerEmail };
    },
    async execute(run, deps) {
      const opp = run.context.opportunity;
      if (!opp) return failed('the account has no open opportunity to carry the lead onto');
      if (opp.system !== 'salesforce') return failed(`the opportunity lives in ${opp.system}; the CRM target is Salesforce`);
      const contacts = run.context.contacts.map((c) => `${fullName(c)}${c.title ? ` (${c.title})` : ''}${c.role ? ` — ${c.role.replace('_', ' ')}` : ''}`);
      const description = [`Converted lead: ${run.context.account.name}.`, opp.leadSource ? `Lead source: ${opp.leadSource}.` : '', contacts.length > 0 ? `Contacts: ${contacts.join('; ')}.` : '']
        .filter(Boolean)
        .join(' ');
      const owner = run.context.account.ownerEmail ?? opp.ownerEmail;
      const result = await deps.targets.crm.updateOpportunity({
        id: opp.externalId,
        key: run.key,
        fields: { description, ...(opp.leadSource ? { leadSource: opp.leadSource } : {}), ...(owner ? { ownerEmail: owner } : {}), nextStep: 'Discovery call with the buyer' },
      });
      return fromTarget(result, () => `Opportunity ${opp.name} carries the lead's context${owner ? `, owned by ${owner}` : ''}`, () => ({ ownerEmail: owner }));
    },
  },

  'erp.customer': {
    preview: (run) => ({ where: 'erp (NetSuite)', what: `upsert customer "${run.context.account.name}" (externalId concord-${run.context.account.unifiedId})` }),
    async execute(run, deps) {
      const { account } = run.context;
      const contact = buyers(run.context)[0];
      const result = await deps.targets.erp.upsertCustomer({
        externalId: `concord-${account.unifiedId}`,
        companyName: account.name,
        unifiedId: account.unifiedId,
        ...(contact?.email ? { email: contact.email } : {}),
        ...(run.context.opportunity?.currency ? { currency: run.context.opportunity.currency } : {}),
      });
      return fromTarget(result, (r) => `ERP customer ${r.id} for ${account.name}${r.existed ? ' (already there)' : ''}`);
    },
  },

  'erp.salesOrder': {
    preview: (run) => {
      const opp = run.context.opportunity;
      return { where: 'erp (NetSuite)', what: `upsert sales order for ${money(opp?.amount, opp?.currency)} (${opp?.productLine ?? run.template.erpItem ?? 'no item'}) for the ERP customer` };
    },
    async execute(run, deps) {
      const opp = run.context.opportunity;
      const customerId = run.earlier('erp.customer')?.values.id;
      if (!opp) return failed('no opportunity to make a sales order from');
      if (typeof customerId !== 'string') return failed('the ERP customer step has no customer id');
      if (opp.amount === undefined || !opp.currency) return failed(`opportunity ${opp.name} has no amount or currency`);
      const item = opp.productLine ?? run.template.erpItem;
      if (!item) return failed(`opportunity ${opp.name} names no product line and the template no default item`);
      const result = await deps.targets.erp.upsertSalesOrder({
        externalId: `concord-${run.handoffId}`,
        customerId,
        unifiedId: run.context.account.unifiedId,
        opportunityRef: `${opp.system}:${opp.externalId}`,
        currency: opp.currency,
        orderDate: opp.closeDate ?? dateOnly(run.now.toISOString()),
        lines: [{ item, quantity: 1, amount: opp.amount }],
        memo: `${opp.name} — closed-won`,
      });
      return fromTarget(result, (r) => `Sales order ${r.id} for ${money(opp.amount, opp.currency)}${r.existed ? ' (already there)' : ''}`);
    },
  },

  'cs.assignOwner': {
    preview: (run) => {
      const fit = { segment: segmentOf(run.context.account.employees), region: regionOf(run.context.account.country) };
      return { where: 'Concord', what: `assign a CS owner for segment ${fit.segment ?? '(unknown)'}, region ${fit.region ?? '(unknown)'} (least loaded first)` };
    },
    async execute(run, deps) {
      const accountId = run.context.account.unifiedId;
      const existing = await deps.csOwners.assignment(accountId);
      const chosen =
        existing ??
        (await (async () => {
          const fit = { segment: segmentOf(run.context.account.employees), region: regionOf(run.context.account.country) };
          const manager = pickCsOwner(deps.roster, await deps.csOwners.loads(deps.roster.map((m) => m.email)), fit);
          if (!manager) return whyNoCsOwner(deps.roster, fit);
          return deps.csOwners.assign({ accountId, email: manager.email, name: manager.name, handoffId: run.handoffId, at: run.now.toISOString() });
        })());
      if (typeof chosen === 'string') return failed(chosen);
      return { status: 'done', records: [], values: { email: chosen.email, name: chosen.name }, summary: `CS owner: ${chosen.name}${existing && existing.handoffId !== run.handoffId ? ' (already the owner)' : ''}` };
    },
  },

  'pm.project': {
    preview: (run) => ({ where: 'pm (Asana)', what: `project "${run.context.account.name} — Onboarding" from template ${run.template.projectTemplate ?? '(none)'}`, who: csOwnerOf(run)?.email }),
    async execute(run, deps) {
      const owner = csOwnerOf(run);
      const opp = run.context.opportunity;
      const result = await deps.targets.pm.createProjectFromTemplate({
        externalRef: run.key,
        templateId: deps.projectTemplates[run.template.projectTemplate ?? ''] ?? run.template.projectTemplate ?? '',
        name: `${run.context.account.name} — Onboarding`,
        ...(owner ? { ownerEmail: owner.email } : {}),
        startOn: dateOnly(run.now.toISOString()),
        notes: [`Concord handoff ${run.handoffId}.`, opp ? `Closed-won: ${opp.name}, ${money(opp.amount, opp.currency)}.` : '', `Customer: ${run.context.account.name} (${run.context.account.unifiedId}).`].filter(Boolean).join(' '),
      });
      return fromTarget(result, (r) => `Onboarding project ${r.id}${r.existed ? ' (already there)' : ''}`);
    },
  },

  'email.welcome': {
    preview: (run) => {
      const sender = run.template.sender === 'accountOwner' ? run.context.account.ownerEmail : (csOwnerOf(run)?.email ?? '(the CS owner assigned before)');
      return { where: 'email (SES)', what: `welcome email "${run.template.emailSubject ?? ''}" to ${buyers(run.context).map((b) => b.email).join(', ') || '(no contact with an email)'}`, who: sender };
    },
    async execute(run, deps) {
      const owner = csOwnerOf(run);
      const from = run.template.sender === 'accountOwner' ? run.context.account.ownerEmail : owner?.email;
      if (!from) return failed(run.template.sender === 'accountOwner' ? 'the account has no owner to send from' : 'no CS owner to send from');
      const to = buyers(run.context);
      if (to.length === 0) return failed(`${run.context.account.name} has no contact with an email`);
      const project = run.earlier('pm.project')?.records[0]?.url ?? '';
      const names = { account: run.context.account.name, contact: fullName(to[0] as ContextPerson).split(' ')[0] ?? '', sender: owner?.name ?? from, project };
      const result = await deps.targets.email.send({
        from,
        to: to.map((p) => p.email as string),
        replyTo: from,
        subject: fill(run.template.emailSubject ?? '', names),
        text: fill(run.template.emailBody ?? '', names),
        key: run.key,
      });
      return fromTarget(result, () => `Welcome email from ${from} to ${to.map((p) => p.email).join(', ')}`, () => ({ from, to: to.map((p) => p.email) }));
    },
  },

  'calendar.kickoff': {
    preview: (run) => ({
      where: 'calendar (Google)',
      what: `${run.template.kickoffMinutes ?? 60}-minute kickoff in the first free slot within ${run.template.kickoffWithinDays ?? 5} business days, with ${buyers(run.context).map((b) => b.email).join(', ') || '(no contact)'}`,
      who: csOwnerOf(run)?.email,
    }),
    async execute(run, deps) {
      const owner = csOwnerOf(run);
      if (!owner) return failed('no CS owner to organize the kickoff');
      const guests = buyers(run.context).map((p) => p.email as string);
      if (guests.length === 0) return failed(`${run.context.account.name} has no contact with an email to invite`);
      const from = addDays(new Date(`${dateOnly(run.now.toISOString())}T00:00:00.000Z`), 1);
      const to = businessDaysAfter(from, run.template.kickoffWithinDays ?? 5);
      const calendars = [owner.email, ...guests];
      const busy = await deps.targets.calendar.freeBusy({ calendars, timeMin: from.toISOString(), timeMax: to.toISOString() });
      if (busy.status !== 'done') return failed(busy.detail, busy.retryable);
      const slot = firstFreeSlot({
        busy: calendars.map((c) => busy.value[c] ?? []),
        from: from.toISOString(),
        to: to.toISOString(),
        durationMinutes: run.template.kickoffMinutes ?? 60,
        workingHours: deps.kickoff.workingHours,
        timeZone: deps.kickoff.timeZone,
        stepMinutes: 30,
      });
      if (!slot) return failed(`no free ${run.template.kickoffMinutes ?? 60}-minute slot for ${calendars.join(', ')} before ${dateOnly(to.toISOString())}`);
      const result = await deps.targets.calendar.insertEvent({
        eventId: eventIdFor(run.key),
        calendarId: owner.email,
        summary: `${run.context.account.name} kickoff`,
        description: `Kickoff for ${run.context.account.name}, organized by ${owner.name} (Concord handoff ${run.handoffId}).`,
        start: slot.start,
        end: slot.end,
        attendees: guests,
      });
      return fromTarget(result, () => `Kickoff ${slot.start.slice(0, 16).replace('T', ' ')} UTC with ${guests.join(', ')}`, () => ({ start: slot.start, end: slot.end }));
    },
  },

  'cs.takeover': {
    preview: (run) => ({ where: 'Concord + Slack', what: `takeover record for ${run.context.account.name}: products, ${run.context.contacts.length} contacts, ${run.context.openTickets.length} open tickets`, who: csOwnerOf(run)?.email }),
    async execute(run, deps) {
      const owner = csOwnerOf(run) ?? (await deps.csOwners.assignment(run.context.account.unifiedId));
      if (!owner) return failed('the account has no CS owner to take it over');
      const products = [run.context.opportunity?.productLine, ...(Array.isArray(run.context.previous?.outputs.products) ? (run.context.previous.outputs.products as string[]) : [])].filter(
        (p): p is string => typeof p === 'string' && p !== '',
      );
      const values = {
        owner: { email: owner.email, name: owner.name },
        products: [...new Set(products)],
        contacts: run.context.contacts.map((c) => ({ name: fullName(c), email: c.email, title: c.title, role: c.role })),
        openTickets: run.context.openTickets.map((t) => ({ subject: t.subject, priority: t.priority, status: t.status })),
      };
      return {
        status: 'done',
        records: [],
        values,
        summary: `${owner.name} takes over ${run.context.account.name}: ${values.contacts.length} contacts, ${values.openTickets.length} open tickets${values.products.length > 0 ? `, ${values.products.join(', ')}` : ''}`,
      };
    },
  },

  'crm.renewalOpportunity': {
    preview: (run) => {
      const sub = run.context.subscription;
      return { where: 'crm (Salesforce)', what: `renewal opportunity for ${money(sub?.amount, sub?.currency)} closing ${sub ? dateOnly(sub.currentPeriodEnd) : '?'}`, who: run.context.account.ownerEmail };
    },
    async execute(run, deps) {
      const sub = run.context.subscription;
      if (!sub) return failed('no subscription to renew');
      const crmAccount = recordIn(run.context, 'salesforce');
      if (!crmAccount) return failed(`${run.context.account.name} has no Salesforce account to put the renewal on`);
      const owner = (await deps.csOwners.assignment(run.context.account.unifiedId))?.email ?? run.context.account.ownerEmail;
      const closeDate = dateOnly(sub.currentPeriodEnd);
      const result = await deps.targets.crm.upsertOpportunity({
        externalKey: run.key,
        accountId: crmAccount.externalId,
        name: `${run.context.account.name} — Renewal ${closeDate.slice(0, 4)}`,
        amount: sub.amount ?? 0,
        currency: sub.currency ?? 'USD',
        closeDate,
        stage: run.template.renewalStage ?? 'Prospecting',
        type: 'Renewal',
        ...(owner ? { ownerEmail: owner } : {}),
        description: `${sub.plan ?? 'Subscription'} × ${sub.quantity ?? 1}, term ends ${closeDate}. Opened by Concord (${run.handoffId}).`,
      });
      return fromTarget(result, (r) => `Renewal opportunity ${r.id} for ${money(sub.amount, sub.currency)}, closing ${closeDate}${owner ? `, owner ${owner}` : ''}`, () => ({ ownerEmail: owner }));
    },
  },

  'slack.notifyOwner': {
    preview: (run) => ({ where: 'Slack', what: 'a direct message to the owner with the handoff', who: ownerToTell(run) }),
    async execute(run, deps) {
      const email = ownerToTell(run);
      if (!email) return failed('no owner to tell: the account has no owner');
      await deps.notify({ key: run.key, email, handoffId: run.handoffId, text: `${run.playbookTitle}: ${run.context.account.name} is yours now.` });
      return { status: 'done', records: [], values: { email }, summary: `${email} told in Slack` };
    },
  },
};

/** Who hears of the handoff: whoever an earlier step made the owner, else the CS owner, else the account's owner. */
const ownerToTell = (run: StepRun): string | undefined => {
  const named = ['crm.renewalOpportunity', 'crm.leadContext', 'cs.takeover', 'cs.assignOwner'] as const;
  for (const kind of named) {
    const values = run.earlier(kind)?.values;
    const email = values?.ownerEmail ?? (values?.owner as { email?: string } | undefined)?.email ?? values?.email;
    if (typeof email === 'string') return email;
  }
  return csOwnerOf(run)?.email ?? run.context.opportunity?.ownerEmail ?? run.context.account.ownerEmail;
};

export const runnerOf = (kind: StepKind): StepRunner => runners[kind];
