/**
 * What the handoffs ask of Salesforce, added to its fake (../fakes/salesforce.ts) with `withRoutes`:
 * - `PATCH /services/data/vNN.N/sobjects/Opportunity/Concord_Handoff_Key__c/<value>`: the upsert by
 *   external-id field. No opportunity has the value → one is created: 201 `{ id, success, errors,
 *   created: true }`; one has it → it is updated: 200 `{ …, created: false }` from API 46.0 on, 204
 *   with no body before (where the 201 has no `created` either).
 * - `GET …/sobjects/Opportunity/Concord_Handoff_Key__c/<value>`: that opportunity, or 404 NOT_FOUND.
 * - `GET | PATCH …/sobjects/Opportunity/<id>`: read or update one by id (PATCH answers 204).
 * - `GET /services/data/vNN.N/query?q=<SOQL>`: the query the CRM adapter asks, active Users by
 *   email (`SELECT … FROM User WHERE Email = '…' [AND IsActive = …] [LIMIT n]`); other SOQL is
 *   400 MALFORMED_QUERY here.
 * - `POST …/sobjects/User`: a user (Username, LastName and Email required here), so that an owner's
 *   address can be found; 400 DUPLICATE_USERNAME for a username taken.
 *
 * As Salesforce: a field the object does not have is 400 INVALID_FIELD; a new opportunity needs
 * Name, StageName and CloseDate (400 REQUIRED_FIELD_MISSING); AccountId must be an account id
 * (MALFORMED_ID) not deleted, OwnerId an existing user (INVALID_CROSS_REFERENCE_KEY); ids are 18
 * characters with the object's key prefix (006 Opportunity, 005 User) and its case checksum, and a
 * 15-character id names the same record. As in the base fake, every well-formed opportunity id
 * names a live record (a converted lead's opportunity was made in Salesforce, not here); an
 * external-id value names only one an upsert made. Records are kept under `Opportunity/<id>` and
 * `User/<id>`, with the 18-character id.
 */
import { salesforceChecksum } from '../../../bench/generate/ids';
import { firstBadField, isFakeResponse, isJsonContent, jsonObjectOf, route, type FakeContext, type FakeRequest, type FakeResponse, type FakeRoute } from '../fake-system';
import { API_VERSION, ID, salesforceError } from '../fakes/salesforce';
import type { RecordStore, StoredRecord } from '../record-store';

type CreatedSobject = 'Opportunity' | 'User';

const KEY_PREFIX: Readonly<Record<CreatedSobject, string>> = { Opportunity: '006', User: '005' };

const HANDOFF_KEY_FIELD = 'Concord_Handoff_Key__c';

const OPPORTUNITY_FIELDS: ReadonlySet<string> = new Set([
  'Name',
  'AccountId',
  'Amount',
  'CurrencyIsoCode',
  'CloseDate',
  'StageName',
  'Type',
  'OwnerId',
  'Description',
  'LeadSource',
  'NextStep',
  'Probability',
  'Concord_Id__c',
  HANDOFF_KEY_FIELD,
]);
const REQUIRED_ON_CREATE = ['Name', 'StageName', 'CloseDate'];

const USER_FIELDS: ReadonlySet<string> = new Set(['Username', 'LastName', 'FirstName', 'Email', 'Alias', 'IsActive', 'ProfileId', 'TimeZoneSidKey', 'LocaleSidKey', 'EmailEncodingKey', 'LanguageLocaleKey']);
const USER_REQUIRED = ['Username', 'LastName', 'Email'];

/** API 46.0 is where the upsert began to answer an update with 200 and a body saying `created`. */
const FIRST_VERSION_WITH_CREATED_FLAG = 46;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NOT_FOUND = 'The requested resource does not exist';

/** The 18-character id of a 15- or 18-character one. */
const id18Of = (id: string): string => id.slice(0, 15) + salesforceChecksum(id.slice(0, 15));

const isIdOf = (sobject: CreatedSobject | 'Account', id: unknown): id is string =>
  typeof id === 'string' && ID.test(id) && id.startsWith(sobject === 'Account' ? '001' : KEY_PREFIX[sobject]);

/** A fresh id with the object's key prefix, on a pod of its own so it meets no id the local world made. */
const nextId = (records: RecordStore, sobject: CreatedSobject): string => {
  for (let n = records.size + 1; ; n += 1) {
    const id = id18Of(`${KEY_PREFIX[sobject]}Sb0${n.toString(36).toUpperCase().padStart(9, '0')}`);
    if (records.find(`${sobject}/${id}`) === undefined) return id;
  }
};

const recordsOf = (records: RecordStore, sobject: CreatedSobject): StoredRecord[] => records.list().filter((record) => record.key.startsWith(`${sobject}/`) && record.state === 'live');

const idOf = (record: StoredRecord): string => record.key.slice(record.key.indexOf('/') + 1);

const versionNumber = (version: string): number => Number(version.slice(1));

const fieldError = (status: number, errorCode: string, message: string, field: string): FakeResponse => ({ status, body: [{ message, errorCode, fields: [field] }] });

/** Salesforce's refusal of an opportunity's fields, or undefined when it would save them. */
const opportunityProblem = (fields: Record<string, unknown>, records: RecordStore, creating: boolean): FakeResponse | undefined => {
  const bad = firstBadField(fields, OPPORTUNITY_FIELDS);
  if (bad?.reason === 'unknown') return salesforceError(400, 'INVALID_FIELD', `No such column '${bad.name}' on sobject of type Opportunity`);
  if (bad?.reason === 'not-scalar') return salesforceError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${bad.name} from a JSON object or array`);
  for (const name of ['Amount', 'Probability']) {
    if (fields[name] !== undefined && fields[name] !== null && typeof fields[name] !== 'number') {
      return salesforceError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of double from VALUE_STRING value ${String(fields[name])}`);
    }
  }
  if (fields.CloseDate !== undefined && !(typeof fields.CloseDate === 'string' && DATE.test(fields.CloseDate))) {
    return salesforceError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of date from VALUE_STRING value ${String(fields.CloseDate)}`);
  }
  if (fields.AccountId !== undefined && !isIdOf('Account', fields.AccountId)) return fieldError(400, 'MALFORMED_ID', `Account ID: id value of incorrect type: ${String(fields.AccountId)}`, 'AccountId');
  // The base fake keeps accounts under their 15-character id.
  if (typeof fields.AccountId === 'string' && records.get(`Account/${fields.AccountId.slice(0, 15)}`).state !== 'live') return fieldError(400, 'ENTITY_IS_DELETED', 'entity is deleted', 'AccountId');
  if (fields.OwnerId !== undefined && !(isIdOf('User', fields.OwnerId) && records.find(`User/${id18Of(fields.OwnerId)}`)?.state === 'live')) {
    return fieldError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${String(fields.OwnerId)}`, 'OwnerId');
  }
  const missing = creating ? REQUIRED_ON_CREATE.filter((name) => fields[name] === undefined || fields[name] === null) : [];
  if (missing.length > 0) return { status: 400, body: [{ message: `Required fields are missing: [${missing.join(', ')}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: missing }] };
  return undefined;
};

/** The JSON object a write sends, or Salesforce's refusal of the body. */
const writtenFields = (request: FakeRequest): { fields: Record<string, unknown> } | { refusal: FakeResponse } => {
  if (!isJsonContent(request)) return { refusal: salesforceError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json') };
  const fields = jsonObjectOf(request);
  return fields === undefined ? { refusal: salesforceError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values') } : { fields };
};

const findByHandoffKey = (records: RecordStore, value: string): StoredRecord | undefined => recordsOf(records, 'Opportunity').find((record) => record.fields[HANDOFF_KEY_FIELD] === value);

/** The record as the sObject Rows resource answers it, narrowed to `?fields=` when asked. */
const recordBody = (request: FakeRequest, sobject: CreatedSobject, id: string, fields: Record<string, unknown>): FakeResponse => {
  const asked = request.query.get('fields')?.split(',').map((name) => name.trim());
  const shown = asked === undefined ? fields : Object.fromEntries(Object.entries(fields).filter(([name]) => asked.includes(name)));
  return { status: 200, body: { attributes: { type: sobject, url: `/services/data/${request.params.version}/sobjects/${sobject}/${id}` }, Id: id, ...shown } };
};

/** The refusal of a path's version and external-id field, when either is wrong. */
const externalIdPathProblem = (request: FakeRequest): FakeResponse | undefined => {
  const { version = '', field = '' } = request.params;
  if (!API_VERSION.test(version)) return salesforceError(404, 'NOT_FOUND', NOT_FOUND);
  if (field !== HANDOFF_KEY_FIELD) return salesforceError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${field}`);
  return undefined;
};

const upsertByHandoffKey = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const pathProblem = externalIdPathProblem(request);
  if (pathProblem !== undefined) return pathProblem;
  const written = writtenFields(request);
  if ('refusal' in written) return written.refusal;
  const { fields } = written;
  const value = request.params.value ?? '';
  const existing = findByHandoffKey(records, value);
  const problem = opportunityProblem(fields, records, existing === undefined);
  if (problem !== undefined) return problem;

  const id = existing === undefined ? nextId(records, 'Opportunity') : idOf(existing);
  records.patch(`Opportunity/${id}`, { ...fields, [HANDOFF_KEY_FIELD]: value });
  const flagged = versionNumber(request.params.version ?? '') >= FIRST_VERSION_WITH_CREATED_FLAG;
  if (existing === undefined) return { status: 201, body: { id, success: true, errors: [], ...(flagged ? { created: true } : {}) } };
  return flagged ? { status: 200, body: { id, success: true, errors: [], created: false } } : { status: 204 };
};

const getByHandoffKey = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const pathProblem = externalIdPathProblem(request);
  if (pathProblem !== undefined) return pathProblem;
  const found = findByHandoffKey(records, request.params.value ?? '');
  return found === undefined ? salesforceError(404, 'NOT_FOUND', NOT_FOUND) : recordBody(request, 'Opportunity', idOf(found), found.fields);
};

/** The opportunity a by-id path names, or Salesforce's refusal. */
const locateOpportunity = (request: FakeRequest, records: RecordStore): { id: string; key: string } | FakeResponse => {
  const { version = '', id = '' } = request.params;
  if (!API_VERSION.test(version)) return salesforceError(404, 'NOT_FOUND', NOT_FOUND);
  if (!isIdOf('Opportunity', id)) return salesforceError(400, 'MALFORMED_ID', `Opportunity ID: id value of incorrect type: ${id}`);
  const key = `Opportunity/${id18Of(id)}`;
  if (records.get(key).state !== 'live') return salesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return { id: id18Of(id), key };
};

const getOpportunity = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locateOpportunity(request, records);
  return isFakeResponse(found) ? found : recordBody(request, 'Opportunity', found.id, records.get(found.key).fields);
};

const patchOpportunity = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locateOpportunity(request, records);
  if (isFakeResponse(found)) return found;
  const written = writtenFields(request);
  if ('refusal' in written) return written.refusal;
  const problem = opportunityProblem(written.fields, records, false);
  if (problem !== undefined) return problem;
  records.patch(found.key, written.fields);
  return { status: 204 };
};

const createUser = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  if (!API_VERSION.test(request.params.version ?? '')) return salesforceError(404, 'NOT_FOUND', NOT_FOUND);
  const written = writtenFields(request);
  if ('refusal' in written) return written.refusal;
  const { fields } = written;
  const bad = firstBadField(fields, USER_FIELDS);
  if (bad !== undefined) return salesforceError(400, 'INVALID_FIELD', `No such column '${bad.name}' on sobject of type User`);
  const missing = USER_REQUIRED.filter((name) => typeof fields[name] !== 'string' || fields[name] === '');
  if (missing.length > 0) return { status: 400, body: [{ message: `Required fields are missing: [${missing.join(', ')}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: missing }] };
  if (recordsOf(records, 'User').some((user) => user.fields.Username === fields.Username)) {
    return fieldError(400, 'DUPLICATE_USERNAME', 'Duplicate Username. The username already exists in this or another Salesforce organization.', 'Username');
  }
  const id = nextId(records, 'User');
  records.patch(`User/${id}`, { IsActive: true, ...fields });
  return { status: 201, body: { id, success: true, errors: [] } };
};

/** The one SOQL shape served: `SELECT <fields> FROM User WHERE Email = '<address>' [AND IsActive = <bool>] [LIMIT <n>]`. */
const USER_BY_EMAIL = /^SELECT\s+([\w\s,]+?)\s+FROM\s+User\s+WHERE\s+Email\s*=\s*'((?:[^'\\]|\\.)*)'(?:\s+AND\s+IsActive\s*=\s*(true|false))?(?:\s+LIMIT\s+(\d+))?\s*$/i;

const SELECTABLE_USER_FIELDS: ReadonlySet<string> = new Set(['Id', ...USER_FIELDS]);

const query = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  if (!API_VERSION.test(request.params.version ?? '')) return salesforceError(404, 'NOT_FOUND', NOT_FOUND);
  const soql = request.query.get('q') ?? '';
  const parsed = USER_BY_EMAIL.exec(soql.trim());
  if (parsed === null) return salesforceError(400, 'MALFORMED_QUERY', `the sandbox answers only SELECT … FROM User WHERE Email = '…' [AND IsActive = …] [LIMIT n]: ${soql}`);
  const [, selectList = '', quoted = '', active, limit] = parsed;
  const selected = selectList.split(',').map((name) => name.trim());
  const unknown = selected.find((name) => !SELECTABLE_USER_FIELDS.has(name));
  if (unknown !== undefined) return salesforceError(400, 'INVALID_FIELD', `No such column '${unknown}' on entity 'User'`);

  // SOQL compares text case-insensitively; `\'` and `\\` are the literal's escapes.
  const email = quoted.replace(/\\(.)/g, '$1').toLowerCase();
  const matches = recordsOf(records, 'User')
    .filter((user) => String(user.fields.Email).toLowerCase() === email && (active === undefined || user.fields.IsActive === (active.toLowerCase() === 'true')))
    .slice(0, limit === undefined ? undefined : Number(limit));
  const rows = matches.map((user) => {
    const id = idOf(user);
    const values = Object.fromEntries(selected.filter((name) => name !== 'Id').map((name) => [name, user.fields[name] ?? null]));
    return { attributes: { type: 'User', url: `/services/data/${request.params.version}/sobjects/User/${id}` }, ...(selected.includes('Id') ? { Id: id } : {}), ...values };
  });
  return { status: 200, body: { totalSize: rows.length, done: true, records: rows } };
};

const SOBJECTS = '/services/data/:version/sobjects';

export const salesforceHandoffRoutes: FakeRoute[] = [
  route('PATCH', `${SOBJECTS}/Opportunity/:field/:value`, upsertByHandoffKey),
  route('GET', `${SOBJECTS}/Opportunity/:field/:value`, getByHandoffKey),
  route('GET', `${SOBJECTS}/Opportunity/:id`, getOpportunity),
  route('PATCH', `${SOBJECTS}/Opportunity/:id`, patchOpportunity),
  route('POST', `${SOBJECTS}/User`, createUser),
  route('GET', '/services/data/:version/query', query),
];
