/**
 * A fake of NetSuite's REST record service for customers and contacts:
 * `GET | PATCH | DELETE /services/rest/record/v1/{customer|contact}/{id}`.
 *
 * As NetSuite: an OAuth token is required, Bearer (OAuth 2.0) or `OAuth …` (token-based auth)
 * (401 INVALID_LOGIN); ids are internal ids (digits) or `eid:<external id>`; a PATCH needs a JSON
 * object of fields the record has (400 INVALID_CONTENT otherwise), changes only those, and
 * answers 204 with the record's `Location`; a DELETE is permanent (204), after which the record is
 * 404 NONEXISTENT_ID. Errors are problem details: `{ type, title, status, "o:errorDetails": [{
 * detail, "o:errorCode" }] }`.
 */
import { STATUS_CODES } from 'node:http';
import { route, isFakeResponse, bearerTokenOf, firstBadField, isJsonContent, jsonObjectOf, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';
import type { RecordStore } from '../record-store';

type RecordType = 'customer' | 'contact';

export const FIELDS: Readonly<Record<RecordType, ReadonlySet<string>>> = {
  customer: new Set(['entityid', 'companyname', 'email', 'phone', 'url', 'comments', 'custentity_concord_id']),
  contact: new Set(['entityid', 'firstname', 'lastname', 'email', 'phone', 'title', 'company', 'custentity_concord_id']),
};

const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'INVALID_CONTENT',
  401: 'INVALID_LOGIN',
  403: 'INSUFFICIENT_PERMISSION',
  404: 'NONEXISTENT_ID',
  405: 'INVALID_REQUEST',
  429: 'CONCURRENCY_LIMIT_EXCEEDED',
};

const RECORD_ID = /^(?:\d+|eid:.+)$/;

export const netsuiteError = (status: number, errorCode: string, detail: string): FakeResponse => ({
  status,
  body: {
    type: `https://www.rfc-editor.org/rfc/rfc9110.html#status.${status}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    'o:errorDetails': [{ detail, 'o:errorCode': errorCode }],
  },
});

const isRecordType = (name: string): name is RecordType => Object.hasOwn(FIELDS, name);

export const NO_SUCH_RECORD = 'The record instance does not exist. Provide a valid record instance ID.';

/** The live record a request names, or NetSuite's refusal. */
const locate = (request: FakeRequest, records: RecordStore): { type: RecordType; id: string; key: string } | FakeResponse => {
  const { recordType = '', id = '' } = request.params;
  if (!isRecordType(recordType)) return netsuiteError(404, 'INVALID_RCRD_TYPE', `Record type '${recordType}' does not exist.`);
  const key = `${recordType}/${id}`;
  if (!RECORD_ID.test(id) || records.get(key).state !== 'live') return netsuiteError(404, 'NONEXISTENT_ID', NO_SUCH_RECORD);
  return { type: recordType, id, key };
};

const fieldsProblem = (type: RecordType, fields: Record<string, unknown> | undefined): string | undefined => {
  if (fields === undefined) return 'The request body must be a JSON object of field values.';
  const bad = firstBadField(fields, FIELDS[type]);
  if (bad === undefined) return undefined;
  return bad.reason === 'unknown' ? `Invalid field name: ${bad.name}. The field does not exist on the ${type} record.` : `Invalid value for the field ${bad.name}.`;
};

export const getRecord = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  if (isFakeResponse(found)) return found;
  return { status: 200, body: { links: [{ rel: 'self', href: `/services/rest/record/v1/${found.key}` }], id: found.id, ...records.get(found.key).fields } };
};

const patchRecord = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  if (isFakeResponse(found)) return found;
  if (!isJsonContent(request)) return netsuiteError(415, 'INVALID_CONTENT_TYPE', 'The Content-Type must be application/json.');
  const fields = jsonObjectOf(request);
  const problem = fieldsProblem(found.type, fields);
  if (problem !== undefined) return netsuiteError(400, 'INVALID_CONTENT', problem);
  records.patch(found.key, fields as Record<string, unknown>);
  return { status: 204, headers: { location: `/services/rest/record/v1/${found.key}` } };
};

const deleteRecord = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  if (isFakeResponse(found)) return found;
  records.setState(found.key, 'erased');
  return { status: 204 };
};

/** Bearer for OAuth 2.0; `OAuth realm=…, oauth_signature=…` for token-based authentication. */
const hasOauthCredentials = (request: FakeRequest): boolean => bearerTokenOf(request) !== undefined || /^OAuth\s+\S/.test(request.headers.authorization ?? '');

export const createNetsuiteFake = (): FakeSystem => ({
  name: 'netsuite',
  error: (status, message) => netsuiteError(status, ERROR_CODES[status] ?? 'UNEXPECTED_ERROR', message),
  authenticate: (request) => (hasOauthCredentials(request) ? undefined : netsuiteError(401, 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail.')),
  routes: [
    route('GET', '/services/rest/record/v1/:recordType/:id', getRecord),
    route('PATCH', '/services/rest/record/v1/:recordType/:id', patchRecord),
    route('DELETE', '/services/rest/record/v1/:recordType/:id', deleteRecord),
  ],
});
