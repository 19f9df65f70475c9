/**
 * What the handoffs ask of NetSuite, added to its fake (../fakes/netsuite.ts) with `withRoutes`:
 * customers and sales orders upserted by external id, and read by internal or external id.
 * - `PUT /services/rest/record/v1/{customer|salesOrder}/eid:<external id>`: NetSuite's upsert. No
 *   record of the type has the external id → one is created with the next internal id; one has it →
 *   that one is updated. Either way 204 with the record's `Location`, and no word of which.
 * - `GET /services/rest/record/v1/{customer|salesOrder}/{id | eid:<external id>}`: the record with
 *   its `id` and `externalId`, or 404 NONEXISTENT_ID.
 *
 * As NetSuite: an external id holds letters, digits, `_` and `-`; a body field the record does not
 * have is refused (400 INVALID_CONTENT), as is a reference that is not `{ "id": "<internal id>" }`;
 * a new customer needs `companyname`, a new sales order a customer (`entity`, which must exist) and
 * at least one line (400 USER_ERROR); an update leaves out fields as they were, and adds the
 * request's order lines to the order's unless `?replace=item` asks to replace them.
 *
 * Customers keep the base fake's rule that every internal id names a live customer (write-back
 * patches customers the sandbox never saw), so a GET by internal id and an order's `entity` accept
 * any of them; an external id names only a record an upsert made. Sales orders exist once made.
 * Records are kept under `<type>/<internal id>`, with the external id among their fields.
 */
import { isJsonContent, isPlainObject, jsonObjectOf, route, type FakeContext, type FakeRequest, type FakeResponse, type FakeRoute } from '../fake-system';
import { FIELDS as BASE_FIELDS, getRecord as getBaseRecord, netsuiteError, NO_SUCH_RECORD } from '../fakes/netsuite';
import type { RecordStore, StoredRecord } from '../record-store';

type UpsertType = 'customer' | 'salesOrder';

const RECORD_SERVICE = '/services/rest/record/v1';
const EXTERNAL_ID = /^eid:([A-Za-z0-9_-]+)$/;
const INTERNAL_ID = /^\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface RecordRules {
  fields: ReadonlySet<string>;
  /** Fields that point at another record: `{ "id": "<internal id>" }`. */
  references: ReadonlySet<string>;
  /** What NetSuite asks for before it saves a new record, with the label its message uses. */
  required: readonly { field: string; label: string }[];
  /** Where the sandbox's own internal ids start: apart from the ids the local world's records carry. */
  firstId: number;
}

const RULES: Readonly<Record<UpsertType, RecordRules>> = {
  customer: {
    fields: new Set([...BASE_FIELDS.customer, 'currency', 'subsidiary']),
    references: new Set(['currency', 'subsidiary']),
    required: [{ field: 'companyname', label: 'Company Name' }],
    firstId: 700_000,
  },
  salesOrder: {
    fields: new Set(['entity', 'trandate', 'currency', 'subsidiary', 'memo', 'otherrefnum', 'custbody_concord_id', 'custbody_concord_opportunity', 'item']),
    references: new Set(['entity', 'currency', 'subsidiary']),
    required: [{ field: 'entity', label: 'Customer' }],
    firstId: 5_000_000,
  },
};

const LINE_FIELDS: ReadonlySet<string> = new Set(['item', 'quantity', 'amount', 'rate', 'description']);

const invalidContent = (detail: string): FakeResponse => netsuiteError(400, 'INVALID_CONTENT', detail);

const isReference = (value: unknown): boolean => isPlainObject(value) && typeof value.id === 'string' && INTERNAL_ID.test(value.id);

const hasType = (key: string, type: UpsertType): boolean => key.startsWith(`${type}/`);

/** The live record of this type whose external id this is. */
const findByExternalId = (records: RecordStore, type: UpsertType, externalId: string): StoredRecord | undefined =>
  records.list().find((record) => hasType(record.key, type) && record.state === 'live' && record.fields.externalId === externalId);

/** One past the highest internal id of the type so far, and never below the sandbox's range. */
const nextInternalId = (records: RecordStore, type: UpsertType): string => {
  const taken = records
    .list()
    .filter((record) => hasType(record.key, type))
    .map((record) => Number(record.key.slice(type.length + 1)))
    .filter((id) => Number.isInteger(id) && id >= RULES[type].firstId);
  return String(Math.max(RULES[type].firstId, ...taken) + 1);
};

const internalIdOf = (record: StoredRecord): string => record.key.slice(record.key.indexOf('/') + 1);

/** The order's lines as NetSuite's sublist object holds them, or why they are not. */
const orderLinesProblem = (item: unknown): string | undefined => {
  if (!isPlainObject(item) || !Array.isArray(item.items)) return 'Invalid value for the field item: a sublist is { "items": [ … ] }.';
  for (const [index, line] of item.items.entries()) {
    if (!isPlainObject(line)) return `Invalid value for line ${index + 1} of the sublist item.`;
    const unknown = Object.keys(line).find((name) => !LINE_FIELDS.has(name));
    if (unknown !== undefined) return `Invalid field name: ${unknown}. The field does not exist on the item sublist.`;
    if (!isReference(line.item)) return `Invalid value for the field item on line ${index + 1}: a reference is { "id": "<internal id>" }.`;
    if (typeof line.quantity !== 'number' || line.quantity <= 0) return `Invalid value for the field quantity on line ${index + 1}.`;
    if (line.amount !== undefined && typeof line.amount !== 'number') return `Invalid value for the field amount on line ${index + 1}.`;
  }
  return undefined;
};

/** NetSuite's refusal of a body, or undefined when it would save it. */
const fieldsProblem = (type: UpsertType, fields: Record<string, unknown>, records: RecordStore, creating: boolean): FakeResponse | undefined => {
  const rules = RULES[type];
  const unknown = Object.keys(fields).find((name) => !rules.fields.has(name));
  if (unknown !== undefined) return invalidContent(`Invalid field name: ${unknown}. The field does not exist on the ${type} record.`);
  const badReference = [...rules.references].find((name) => fields[name] !== undefined && !isReference(fields[name]));
  if (badReference !== undefined) return invalidContent(`Invalid value for the field ${badReference}: a reference is { "id": "<internal id>" }.`);
  const notText = Object.keys(fields).find((name) => !rules.references.has(name) && name !== 'item' && fields[name] !== null && typeof fields[name] !== 'string');
  if (notText !== undefined) return invalidContent(`Invalid value for the field ${notText}.`);
  if (fields.trandate !== undefined && !DATE.test(fields.trandate as string)) return invalidContent('Invalid value for the field trandate: a date is YYYY-MM-DD.');
  if (fields.item !== undefined) {
    const problem = orderLinesProblem(fields.item);
    if (problem !== undefined) return invalidContent(problem);
  }
  const entity = (fields.entity as { id?: string } | undefined)?.id;
  if (entity !== undefined && records.get(`customer/${entity}`).state !== 'live') return netsuiteError(400, 'INVALID_KEY_OR_REF', `Invalid entity reference key ${entity}.`);
  if (!creating) return undefined;
  const missing = rules.required.filter(({ field }) => fields[field] === undefined).map(({ label }) => label);
  if (missing.length > 0) return netsuiteError(400, 'USER_ERROR', `Please enter value(s) for: ${missing.join(', ')}`);
  if (type === 'salesOrder' && ((fields.item as { items?: unknown[] } | undefined)?.items ?? []).length === 0) {
    return netsuiteError(400, 'USER_ERROR', 'You must enter at least one line item for this transaction.');
  }
  return undefined;
};

/** An update's fields over the record's: the order lines replaced when `replace` names them, else added. */
const mergedFields = (before: Record<string, unknown>, update: Record<string, unknown>, replace: readonly string[]): Record<string, unknown> => {
  const kept = (before.item as { items?: unknown[] } | undefined)?.items;
  const sent = (update.item as { items?: unknown[] } | undefined)?.items;
  if (kept === undefined || sent === undefined || replace.includes('item')) return update;
  return { ...update, item: { items: [...kept, ...sent] } };
};

const upsert =
  (type: UpsertType) =>
  (request: FakeRequest, { records }: FakeContext): FakeResponse => {
    const externalId = EXTERNAL_ID.exec(request.params.id ?? '')?.[1];
    if (externalId === undefined) return netsuiteError(400, 'INVALID_ID', 'An upsert names its record by external ID: eid:<letters, digits, _ and ->.');
    if (!isJsonContent(request)) return netsuiteError(415, 'INVALID_CONTENT_TYPE', 'The Content-Type must be application/json.');
    const fields = jsonObjectOf(request);
    if (fields === undefined) return invalidContent('The request body must be a JSON object of field values.');
    const existing = findByExternalId(records, type, externalId);
    const problem = fieldsProblem(type, fields, records, existing === undefined);
    if (problem !== undefined) return problem;

    const key = existing?.key ?? `${type}/${nextInternalId(records, type)}`;
    const replace = (request.query.get('replace') ?? '').split(',');
    records.patch(key, { ...mergedFields(existing?.fields ?? {}, fields, replace), externalId });
    return { status: 204, headers: { location: `${RECORD_SERVICE}/${key}` } };
  };

const recordBody = (record: StoredRecord): FakeResponse => ({
  status: 200,
  body: { links: [{ rel: 'self', href: `${RECORD_SERVICE}/${record.key}` }], id: internalIdOf(record), ...record.fields },
});

/** By external id, a record an upsert made; by internal id, what the type's rule says exists. */
const read =
  (type: UpsertType, byInternalId: (request: FakeRequest, context: FakeContext, id: string) => FakeResponse) =>
  (request: FakeRequest, context: FakeContext): FakeResponse => {
    const id = request.params.id ?? '';
    const externalId = EXTERNAL_ID.exec(id)?.[1];
    if (externalId === undefined) return byInternalId(request, context, id);
    const found = findByExternalId(context.records, type, externalId);
    return found === undefined ? netsuiteError(404, 'NONEXISTENT_ID', NO_SUCH_RECORD) : recordBody(found);
  };

const customerByInternalId = (request: FakeRequest, context: FakeContext, id: string): FakeResponse =>
  getBaseRecord({ ...request, params: { recordType: 'customer', id } }, context);

const salesOrderByInternalId = (_request: FakeRequest, { records }: FakeContext, id: string): FakeResponse => {
  const found = INTERNAL_ID.test(id) ? records.find(`salesOrder/${id}`) : undefined;
  return found?.state === 'live' ? recordBody(found) : netsuiteError(404, 'NONEXISTENT_ID', NO_SUCH_RECORD);
};

export const netsuiteHandoffRoutes: FakeRoute[] = [
  route('PUT', `${RECORD_SERVICE}/customer/:id`, upsert('customer')),
  route('GET', `${RECORD_SERVICE}/customer/:id`, read('customer', customerByInternalId)),
  route('PUT', `${RECORD_SERVICE}/salesOrder/:id`, upsert('salesOrder')),
  route('GET', `${RECORD_SERVICE}/salesOrder/:id`, read('salesOrder', salesOrderByInternalId)),
];
