/**
 * A fake of Salesforce's REST API, sObject Rows resource, for Account, Contact and Lead:
 * `GET | PATCH | DELETE /services/data/vNN.N/sobjects/{type}/{id}`.
 *
 * As Salesforce: a Bearer token is required (401 INVALID_SESSION_ID); ids are 15 or 18
 * alphanumerics with the type's key prefix (001, 003, 00Q; else 400 MALFORMED_ID); a PATCH needs a
 * JSON object of fields the object has (400 INVALID_FIELD names the first unknown one) and
 * answers 204; a DELETE sends the record to the recycle bin (204), after which it is 404
 * ENTITY_IS_DELETED. Errors are `[{ message, errorCode, fields }]`.
 */
import { route, bearerTokenOf, isFakeResponse, firstBadField, isJsonContent, jsonObjectOf, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';
import type { RecordStore } from '../record-store';

type Sobject = 'Account' | 'Contact' | 'Lead';

const KEY_PREFIX: Readonly<Record<Sobject, string>> = { Account: '001', Contact: '003', Lead: '00Q' };

/** Enough standard fields to be realistic, and the custom fields Concord's setup adds. */
const FIELDS: Readonly<Record<Sobject, ReadonlySet<string>>> = {
  Account: new Set(['Name', 'Phone', 'Website', 'Industry', 'AccountNumber', 'Concord_Id__c', 'Concord_Domain__c']),
  Contact: new Set(['FirstName', 'LastName', 'Email', 'Phone', 'Title', 'AccountId', 'Concord_Id__c', 'Concord_Role__c']),
  Lead: new Set(['FirstName', 'LastName', 'Email', 'Phone', 'Company', 'Title', 'Concord_Id__c']),
};

export const ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
export const API_VERSION = /^v\d+\.\d$/;

const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'INVALID_SESSION_ID',
  403: 'REQUEST_LIMIT_EXCEEDED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'REQUEST_ENTITY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVER_UNAVAILABLE',
};

export const salesforceError = (status: number, errorCode: string, message: string): FakeResponse => ({ status, body: [{ message, errorCode, fields: [] }] });

const isSobject = (name: string): name is Sobject => Object.hasOwn(KEY_PREFIX, name);

/** The live record a request names, or Salesforce's refusal. */
const locate = (request: FakeRequest, records: RecordStore): { sobject: Sobject; id: string; key: string } | FakeResponse => {
  const { version = '', sobject = '', id = '' } = request.params;
  if (!API_VERSION.test(version) || !isSobject(sobject)) return salesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (!ID.test(id) || !id.startsWith(KEY_PREFIX[sobject])) return salesforceError(400, 'MALFORMED_ID', `${sobject} ID: id value of incorrect type: ${id}`);
  // An 18-character id is the 15-character one plus a case checksum: both name one record.
  const key = `${sobject}/${id.slice(0, 15)}`;
  if (records.get(key).state !== 'live') return salesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return { sobject, id, key };
};

const getRecord = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  if (isFakeResponse(found)) return found;
  const url = `/services/data/${request.params.version}/sobjects/${found.sobject}/${found.id}`;
  return { status: 200, body: { attributes: { type: found.sobject, url }, Id: found.id, ...records.get(found.key).fields } };
};

const patchRecord = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  if (isFakeResponse(found)) return found;
  if (!isJsonContent(request)) return salesforceError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  const fields = jsonObjectOf(request);
  if (fields === undefined) return salesforceError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values');
  const bad = firstBadField(fields, FIELDS[found.sobject]);
  if (bad?.reason === 'unknown') return salesforceError(400, 'INVALID_FIELD', `No such column '${bad.name}' on sobject of type ${found.sobject}`);
  if (bad?.reason === 'not-scalar') return salesforceError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${bad.name} from a JSON object or array`);
  records.patch(found.key, fields);
  return { status: 204 };
};

/** To the recycle bin: gone from every read, and ENTITY_IS_DELETED from now on. */
const deleteRecord = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  if (isFakeResponse(found)) return found;
  records.setState(found.key, 'deleted');
  return { status: 204 };
};

const RECORD_PATH = '/services/data/:version/sobjects/:sobject/:id';

export const createSalesforceFake = (): FakeSystem => ({
  name: 'salesforce',
  error: (status, message) => salesforceError(status, ERROR_CODES[status] ?? 'UNKNOWN_EXCEPTION', message),
  authenticate: (request) => (bearerTokenOf(request) === undefined ? salesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid') : undefined),
  routes: [route('GET', RECORD_PATH, getRecord), route('PATCH', RECORD_PATH, patchRecord), route('DELETE', RECORD_PATH, deleteRecord)],
});
