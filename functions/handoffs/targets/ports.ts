/**
 * The outbound ports of the handoffs: the systems a playbook creates records in. Adapters
 * (./netsuite.ts, ./salesforce.ts, ./asana.ts, ./google-calendar.ts, ./ses.ts) implement them over
 * each vendor's API; locally they point at the sandbox (local/sandbox/targets/).
 *
 * Every create is safe to repeat: it carries a key derived from the handoff and its step, and the
 * adapter either hands that key to the vendor as an idempotency key / external id (NetSuite's
 * `eid:`, Salesforce's external-id upsert, Google Calendar's client-chosen event id) or looks the
 * record up by it before creating (Asana). So a crash between "created in the target" and
 * "recorded here" finds the record on the next attempt instead of making a second one.
 *
 * A vendor's refusal or outage is an expected outcome, returned with a retry classification; an
 * adapter throws only for a bug of ours.
 */

export type TargetSystem = 'erp' | 'crm' | 'pm' | 'calendar' | 'email';

/** A record a step made (or found already made) in a target system. */
export interface TargetRecord {
  system: TargetSystem;
  /** The vendor's name for the record type: 'customer', 'salesOrder', 'Opportunity', 'project', 'event', 'email'. */
  kind: string;
  /** The vendor's id of the record (NetSuite internal id, Salesforce 18-char id, Asana gid, event id, SES MessageId). */
  id: string;
  /** Where a person opens it (the vendor's UI); for an email, undefined. */
  url?: string;
  /** True when the record was found by its key rather than created by this call. */
  existed: boolean;
}

export type TargetFailure = {
  status: 'failed';
  /** Whether the same call may succeed later (outage, throttling, timeout). */
  retryable: boolean;
  /**
   * The call may have taken effect although it failed (a timeout or a 5xx after the request was
   * sent). Harmless for a keyed create; for an email it means it may have gone out.
   */
  outcomeUnknown?: boolean;
  detail: string;
  /** The last HTTP request made, for the audit log and for support. */
  request?: { method: string; url: string };
};

export type TargetResult = { status: 'done'; record: TargetRecord } | TargetFailure;

export type LookupResult<T> = { status: 'done'; value: T } | TargetFailure;

/** NetSuite-shaped ERP: customer and sales order, both upserted by external id. */
export interface ErpPort {
  upsertCustomer(input: {
    /** Becomes the record's externalId; the upsert key. */
    externalId: string;
    companyName: string;
    unifiedId: string;
    email?: string;
    phone?: string;
    currency?: string;
  }): Promise<TargetResult>;
  upsertSalesOrder(input: {
    externalId: string;
    /** The ERP customer's internal id (from upsertCustomer). */
    customerId: string;
    unifiedId: string;
    /** The CRM opportunity this order closes, as "<system>:<id>". */
    opportunityRef: string;
    currency: string;
    orderDate: string;
    lines: { item: string; quantity: number; amount: number }[];
    memo?: string;
  }): Promise<TargetResult>;
}

/** Salesforce-shaped CRM: opportunities upserted by an external-id field, and updates of existing ones. */
export interface CrmPort {
  upsertOpportunity(input: {
    /** The value of the external-id field (Concord_Handoff_Key__c); the upsert key. */
    externalKey: string;
    /** The CRM id of the account the opportunity belongs to. */
    accountId: string;
    name: string;
    amount: number;
    currency: string;
    closeDate: string;
    stage: string;
    type: string;
    ownerEmail?: string;
    description?: string;
  }): Promise<TargetResult>;
  /** Sets fields on an existing opportunity (a converted lead's context and owner). */
  updateOpportunity(input: {
    id: string;
    /** An idempotency key for the vendor's logs; an update is naturally repeatable. */
    key: string;
    fields: { description?: string; leadSource?: string; ownerEmail?: string; nextStep?: string };
  }): Promise<TargetResult>;
}

/** Asana-shaped project tool. */
export interface PmPort {
  /** A project from a template, found by `externalRef` when an earlier attempt made it already. */
  createProjectFromTemplate(input: {
    externalRef: string;
    templateId: string;
    name: string;
    ownerEmail?: string;
    /** ISO date the project starts. */
    startOn: string;
    notes: string;
  }): Promise<TargetResult>;
  /** Whether the project is completed (the onboarding → customer success trigger polls this). */
  projectStatus(id: string): Promise<LookupResult<{ completed: boolean; completedAt?: string; url?: string }>>;
}

export interface BusyInterval {
  start: string;
  end: string;
}

/** Google-Calendar-shaped calendar: free/busy, and events with a client-chosen id. */
export interface CalendarPort {
  freeBusy(input: { calendars: string[]; timeMin: string; timeMax: string }): Promise<LookupResult<Record<string, BusyInterval[]>>>;
  insertEvent(input: {
    /** Client-chosen id (base32hex, 5–1024 chars), derived from the handoff: a repeat answers 409 and is found. */
    eventId: string;
    /** The organizer's calendar. */
    calendarId: string;
    summary: string;
    description: string;
    start: string;
    end: string;
    attendees: string[];
  }): Promise<TargetResult>;
}

/**
 * SES-shaped email. SES has no idempotency key, so sending is at most once: the executor claims
 * the step before calling, and an attempt whose outcome is unknown is an exception for a person,
 * never a second email.
 */
export interface EmailPort {
  send(input: { from: string; to: string[]; replyTo?: string; subject: string; text: string; html?: string; key: string }): Promise<TargetResult>;
}

export interface HandoffTargets {
  erp: ErpPort;
  crm: CrmPort;
  pm: PmPort;
  calendar: CalendarPort;
  email: EmailPort;
}
