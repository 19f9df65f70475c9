/**
 * Renders canonical changes the way Concord's NetSuite User Event script posts them (see
 * docs/connectors/netsuite.md): one record per request, signed with
 * `X-Concord-Signature: t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * The first change to a record in a call is a `create` carrying the record as known so far;
 * later ones are `xedit`s carrying only the changed fields, as NetSuite's inline edits do.
 * Deletes and erases are both `delete` (NetSuite has no privacy erasure of its own). NetSuite
 * keeps no `sequence`, and has no place for an account's industry, size, revenue or owner; a
 * `domain` travels as the customer's web address when no website is given.
 */
import { createHash } from 'node:crypto';
import type { Account, Invoice, Order } from '../../functions/shared/canonical';
import { NETSUITE_SIGNATURE_HEADER, netsuiteSignatureOf } from '../../functions/ingest/connectors/netsuite';
import type { DeliveryOptions, OutboundWebhook, SourceChange, VendorSimulator } from './vendor-simulator';

const ACCOUNT = 'TSTDRV1234567';
const RECORD_TYPE = { account: 'customer', order: 'salesorder', invoice: 'invoice' } as const;

const uuidOf = (...parts: unknown[]): string => {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** Only the keys that were given: an xedit names just what changed. */
const given = <T extends Record<string, unknown>>(record: T): Partial<T> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;

const customerOf = (fields: Partial<Account>) =>
  given({
    entityid: fields.customerNumber,
    companyname: fields.name,
    isperson: fields.name === undefined ? undefined : false,
    phone: fields.phone,
    url: fields.website ?? (fields.domain === undefined ? undefined : `https://${fields.domain}`),
    addressbook:
      fields.address === undefined
        ? undefined
        : [
            {
              defaultbilling: true,
              defaultshipping: true,
              label: 'Billing',
              addressbookaddress: given({ addr1: fields.address.street, city: fields.address.city, state: fields.address.region, zip: fields.address.postalCode, country: fields.address.country }),
            },
          ],
    vatregnumber: fields.taxId,
    custentity_concord_id: fields.concordId,
    // NetSuite's stages stop at customer: an expanded or churned account is still a customer there.
    stage: fields.lifecycleStage === undefined ? undefined : fields.lifecycleStage === 'lead' ? 'LEAD' : fields.lifecycleStage === 'prospect' ? 'PROSPECT' : 'CUSTOMER',
  });

const salesOrderOf = (fields: Partial<Order>) =>
  given({ tranid: fields.orderNumber, entity: fields.accountRef, total: fields.amount, currency: fields.currency, status: fields.status, trandate: fields.orderDate });

const invoiceOf = (fields: Partial<Invoice>) =>
  given({
    tranid: fields.number,
    entity: fields.accountRef,
    total: fields.amount,
    amountremaining: fields.amountDue,
    currency: fields.currency,
    status: fields.status,
    duedate: fields.dueDate,
  });

const recordOf = (change: SourceChange, fields: Record<string, unknown>): Record<string, unknown> => {
  switch (change.entityType) {
    case 'account':
      return customerOf(fields as Partial<Account>);
    case 'order':
      return salesOrderOf(fields as Partial<Order>);
    case 'invoice':
      return invoiceOf(fields as Partial<Invoice>);
    default:
      throw new Error(`netsuiteSimulator: Concord's NetSuite script sends no ${change.entityType} records`);
  }
};

const deliveries = (changes: readonly SourceChange[], options: DeliveryOptions): OutboundWebhook[] => {
  const snapshots = new Map<string, Record<string, unknown>>();
  const t = Math.floor(options.now.getTime() / 1000);
  return changes.map((change, index) => {
    if (!(change.entityType in RECORD_TYPE)) throw new Error(`netsuiteSimulator: Concord's NetSuite script sends no ${change.entityType} records`);
    const recordType = RECORD_TYPE[change.entityType as keyof typeof RECORD_TYPE];
    const key = `${change.entityType}#${change.externalId}`;
    const before = snapshots.get(key);
    const after = { ...before, ...(change.fields as Record<string, unknown>) };
    let eventType: 'create' | 'xedit' | 'delete';
    let record: Record<string, unknown>;
    if (change.changeKind !== 'upsert') {
      snapshots.delete(key);
      eventType = 'delete';
      record = { id: change.externalId };
    } else {
      snapshots.set(key, after);
      eventType = before === undefined ? 'create' : 'xedit';
      record = { id: change.externalId, ...recordOf(change, before === undefined ? after : (change.fields as Record<string, unknown>)) };
    }
    const body = JSON.stringify({
      deliveryId: uuidOf(index, change.entityType, change.externalId, change.changeKind, change.fields, change.occurredAt.toISOString()),
      account: ACCOUNT,
      eventType,
      recordType,
      lastModified: change.occurredAt.toISOString(),
      record,
    });
    return {
      method: 'POST',
      path: '/webhooks/netsuite',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'NetSuite SuiteScript (concord_ue_webhook)',
        [NETSUITE_SIGNATURE_HEADER]: `t=${t},v1=${netsuiteSignatureOf(options.secret, t, body)}`,
      },
      body,
    };
  });
};

export const netsuiteSimulator: VendorSimulator = {
  system: 'netsuite',
  entityTypes: ['account', 'order', 'invoice'],
  deliveries,
};
