/**
 * The ERP port over NetSuite's REST record service (SuiteTalk REST, `record/v1`), with the same
 * credentials as the write-back adapter (an OAuth 2.0 access token as Bearer) and the same error
 * reading (../../identity/writeback/vendors/netsuite.ts).
 *
 * Both records are upserted by external id: `PUT /services/rest/record/v1/{customer|salesOrder}/eid:<key>`
 * creates the record when no record of that type has the external id and updates it otherwise, so a
 * repeated step finds what an earlier attempt made instead of making a second one. The upsert
 * answers 204 without saying which of the two it did, so the adapter reads the record by its
 * external id first: found means `existed`, and gives the internal id; not found means the PUT
 * creates it, and a read after the PUT learns the new internal id.
 *
 * Two steps with the same key at once can both read "not found" and both PUT; NetSuite keeps one
 * record per external id, so both end on it (both then say existed: false). The executor's step
 * claim keeps that from happening in the first place.
 *
 * NetSuite takes references (currency, item, customer) as internal ids, `{ "id": "2" }`. The port
 * speaks ISO currency codes and the playbook's item names, so the config maps them
 * (`currencyIds`, `itemIds`); a value that is already an internal id (digits) is sent as it is.
 */
import { z } from 'zod';
import { exchangeForJson, joinUrl, jsonPayload, readJsonAnswer, vendorConfigSchema, type VendorFailure } from '../../identity/writeback/vendor-http';
import { describeNetsuiteError, NETSUITE_UNIFIED_ID_FIELD } from '../../identity/writeback/vendors/netsuite';
import type { ErpPort, TargetFailure, TargetResult } from './ports';

const InternalId = z.string().regex(/^\d+$/, 'a NetSuite internal id is digits');
const RecordLinkTemplate = z.string().includes('{id}');

export const NetsuiteErpConfig = vendorConfigSchema(z.object({ accessToken: z.string().min(1) })).extend({
  /** Where a person opens each record, `{id}` standing for the internal id. */
  recordUrl: z.object({ customer: RecordLinkTemplate, salesOrder: RecordLinkTemplate }),
  /** ISO currency code → the currency record's internal id in this account. */
  currencyIds: z.record(z.string(), InternalId).default({}),
  /** The playbook's item name → the item's internal id in this account. */
  itemIds: z.record(z.string(), InternalId).default({}),
  /** Set in OneWorld accounts, where a new customer needs a subsidiary. */
  subsidiaryId: InternalId.optional(),
});
export type NetsuiteErpConfig = z.infer<typeof NetsuiteErpConfig>;

/** The sales order's custom body fields, next to the customer's `custentity_concord_id`. */
export const NETSUITE_ORDER_UNIFIED_ID_FIELD = 'custbody_concord_id';
export const NETSUITE_ORDER_OPPORTUNITY_FIELD = 'custbody_concord_opportunity';

const RECORD_SERVICE = '/services/rest/record/v1';

type ErpKind = 'customer' | 'salesOrder';

/** NetSuite's rule for external ids; anything else it refuses, so the adapter says so without asking. */
const EXTERNAL_ID = /^[A-Za-z0-9_-]+$/;

const FoundRecord = z.object({ id: InternalId });

type Lookup<T> = { status: 'read'; value: T } | VendorFailure;

const refused = (detail: string): TargetFailure => ({ status: 'failed', retryable: false, detail });

/** A name the config maps to an internal id, or one that is an internal id already. */
const internalIdOf = (ids: Readonly<Record<string, string>>, name: string): string | undefined => ids[name] ?? (/^\d+$/.test(name) ? name : undefined);

const linkTo = (template: string, id: string): string => template.replaceAll('{id}', encodeURIComponent(id));

/** The date part of an ISO date or timestamp: NetSuite's `trandate` is a date. */
const dateOnly = (value: string): string => /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0] ?? value;

export const createNetsuiteErp = (config: NetsuiteErpConfig): ErpPort => {
  const headers = { authorization: `Bearer ${config.credentials.accessToken}`, accept: 'application/json' };
  const byExternalId = (kind: ErpKind, externalId: string): string => joinUrl(config.baseUrl, `${RECORD_SERVICE}/${kind}/eid:${encodeURIComponent(externalId)}`);

  /** The internal id of the record with this external id; undefined while there is none. */
  const findInternalId = async (kind: ErpKind, externalId: string): Promise<Lookup<string | undefined>> => {
    const answer = await exchangeForJson(config, { method: 'GET', url: byExternalId(kind, externalId), headers }, { describeError: describeNetsuiteError, readStatuses: [404] });
    if (answer.status === 'failed') return answer;
    if (answer.httpStatus === 404) return { status: 'read', value: undefined };
    const read = readJsonAnswer(answer, FoundRecord, `a ${kind} with an internal id`);
    return read.status === 'failed' ? read : { status: 'read', value: read.value.id };
  };

  const upsert = async (kind: ErpKind, externalId: string, fields: Record<string, unknown>): Promise<TargetResult> => {
    if (!EXTERNAL_ID.test(externalId)) return refused(`a NetSuite external id holds only letters, digits, "_" and "-": "${externalId}"`);
    const before = await findInternalId(kind, externalId);
    if (before.status === 'failed') return before;

    // Without `replace=item`, NetSuite adds the request's lines to the order's: a repeated upsert
    // would double every line. With it, the order holds exactly the lines sent.
    const query = kind === 'salesOrder' ? '?replace=item' : '';
    const put = await exchangeForJson(config, { method: 'PUT', url: `${byExternalId(kind, externalId)}${query}`, ...jsonPayload(headers, fields) }, { describeError: describeNetsuiteError });
    if (put.status === 'failed') return put;

    const after = before.value === undefined ? await findInternalId(kind, externalId) : before;
    if (after.status === 'failed') return after;
    if (after.value === undefined) return { status: 'failed', retryable: true, detail: `NetSuite took the ${kind} upsert but does not find eid:${externalId} yet`, request: put.request };
    return { status: 'done', record: { system: 'erp', kind, id: after.value, url: linkTo(config.recordUrl[kind], after.value), existed: before.value !== undefined } };
  };

  return {
    upsertCustomer: (input) => {
      const currency = input.currency === undefined ? undefined : internalIdOf(config.currencyIds, input.currency);
      if (input.currency !== undefined && currency === undefined) return Promise.resolve(refused(`no NetSuite currency id for "${input.currency}" (add it to currencyIds)`));
      return upsert('customer', input.externalId, {
        companyname: input.companyName,
        [NETSUITE_UNIFIED_ID_FIELD]: input.unifiedId,
        ...(input.email === undefined ? {} : { email: input.email }),
        ...(input.phone === undefined ? {} : { phone: input.phone }),
        ...(currency === undefined ? {} : { currency: { id: currency } }),
        ...(config.subsidiaryId === undefined ? {} : { subsidiary: { id: config.subsidiaryId } }),
      });
    },

    upsertSalesOrder: (input) => {
      const currency = internalIdOf(config.currencyIds, input.currency);
      if (currency === undefined) return Promise.resolve(refused(`no NetSuite currency id for "${input.currency}" (add it to currencyIds)`));
      const unknownItem = input.lines.find((line) => internalIdOf(config.itemIds, line.item) === undefined);
      if (unknownItem !== undefined) return Promise.resolve(refused(`no NetSuite item id for "${unknownItem.item}" (add it to itemIds)`));
      return upsert('salesOrder', input.externalId, {
        entity: { id: input.customerId },
        trandate: dateOnly(input.orderDate),
        currency: { id: currency },
        [NETSUITE_ORDER_UNIFIED_ID_FIELD]: input.unifiedId,
        [NETSUITE_ORDER_OPPORTUNITY_FIELD]: input.opportunityRef,
        ...(input.memo === undefined ? {} : { memo: input.memo }),
        item: { items: input.lines.map((line) => ({ item: { id: internalIdOf(config.itemIds, line.item) }, quantity: line.quantity, amount: line.amount })) },
      });
    },
  };
};
