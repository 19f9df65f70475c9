/**
 * A fake of HubSpot's CRM API v3 for companies and contacts:
 * `GET | PATCH | DELETE /crm/v3/objects/{companies|contacts}/{id}` and
 * `POST /crm/v3/objects/contacts/gdpr-delete`.
 *
 * As HubSpot: a Bearer token is required (401 INVALID_AUTHENTICATION); ids are digits; a PATCH
 * needs `{ properties: { name: scalar } }` naming properties that exist (400 VALIDATION_ERROR
 * otherwise) and answers 200 with the object; a DELETE archives (204, also when already
 * archived); gdpr-delete takes `{ objectId, idProperty? }` and erases the contact for good (204),
 * 404 when there is none. Errors are `{ status: "error", message, correlationId, category }`.
 */
import { randomUUID } from 'node:crypto';
import { route, isFakeResponse, bearerTokenOf, firstBadField, isPlainObject, jsonObjectOf, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';
import type { RecordStore } from '../record-store';

type HubspotObject = 'companies' | 'contacts';

const PROPERTIES: Readonly<Record<HubspotObject, ReadonlySet<string>>> = {
  companies: new Set(['name', 'domain', 'website', 'phone', 'industry', 'concord_id', 'concord_owner_email']),
  contacts: new Set(['firstname', 'lastname', 'email', 'phone', 'jobtitle', 'concord_id']),
};

const CATEGORIES: Readonly<Record<number, string>> = {
  400: 'VALIDATION_ERROR',
  401: 'INVALID_AUTHENTICATION',
  403: 'MISSING_SCOPES',
  404: 'OBJECT_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'VALIDATION_ERROR',
  429: 'RATE_LIMITS',
};

const hubspotError = (status: number, category: string, message: string): FakeResponse => ({
  status,
  body: { status: 'error', message, correlationId: randomUUID(), category },
});

const DIGITS = /^\d+$/;

const isHubspotObject = (name: string): name is HubspotObject => Object.hasOwn(PROPERTIES, name);

const objectBody = (object: HubspotObject, id: string, records: RecordStore) => ({
  id,
  properties: records.get(`${object}/${id}`).fields,
  archived: false,
});

/** The live object a request names, or HubSpot's refusal. */
const locate = (request: FakeRequest, records: RecordStore): { object: HubspotObject; id: string } | FakeResponse => {
  const { objectType = '', id = '' } = request.params;
  if (!isHubspotObject(objectType)) return hubspotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${objectType}`);
  if (!DIGITS.test(id) || records.get(`${objectType}/${id}`).state !== 'live') return hubspotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
  return { object: objectType, id };
};

const propertiesProblem = (object: HubspotObject, properties: unknown): string | undefined => {
  if (!isPlainObject(properties)) return 'properties must be an object of property values';
  const bad = firstBadField(properties, PROPERTIES[object]);
  if (bad === undefined) return undefined;
  return bad.reason === 'unknown' ? `Property values were not valid: Property "${bad.name}" does not exist` : `Property values were not valid: "${bad.name}" must be a string, number or boolean`;
};

const getObject = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  return isFakeResponse(found) ? found : { status: 200, body: objectBody(found.object, found.id, records) };
};

const patchObject = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, records);
  if (isFakeResponse(found)) return found;
  const properties = jsonObjectOf(request)?.properties;
  const problem = propertiesProblem(found.object, properties);
  if (problem !== undefined) return hubspotError(400, 'VALIDATION_ERROR', problem);
  records.patch(`${found.object}/${found.id}`, properties as Record<string, unknown>);
  return { status: 200, body: objectBody(found.object, found.id, records) };
};

const archiveObject = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const { objectType = '', id = '' } = request.params;
  if (!isHubspotObject(objectType)) return hubspotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${objectType}`);
  const key = `${objectType}/${id}`;
  if (DIGITS.test(id) && records.get(key).state === 'live') records.setState(key, 'deleted');
  return { status: 204 };
};

/** The contact keys a gdpr-delete names: by id, or every contact holding that email. */
const contactKeysNamed = (objectId: string, idProperty: string | undefined, records: RecordStore): string[] => {
  if (idProperty === 'email') return records.list().filter((r) => r.key.startsWith('contacts/') && r.state !== 'erased' && r.fields.email === objectId).map((r) => r.key);
  return DIGITS.test(objectId) && records.get(`contacts/${objectId}`).state !== 'erased' ? [`contacts/${objectId}`] : [];
};

const gdprDelete = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const body = jsonObjectOf(request);
  const { objectId, idProperty } = body ?? {};
  if (typeof objectId !== 'string' || objectId === '') return hubspotError(400, 'VALIDATION_ERROR', 'objectId is required and must be a string');
  if (idProperty !== undefined && idProperty !== 'email') return hubspotError(400, 'VALIDATION_ERROR', 'idProperty must be "email" when given');
  const keys = contactKeysNamed(objectId, idProperty, records);
  // By email HubSpot also blocklists an address it does not know, so that is a success too.
  if (keys.length === 0 && idProperty === undefined) return hubspotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
  for (const key of keys) records.setState(key, 'erased');
  return { status: 204 };
};

export const createHubspotFake = (): FakeSystem => ({
  name: 'hubspot',
  error: (status, message) => hubspotError(status, CATEGORIES[status] ?? 'INTERNAL_ERROR', message),
  authenticate: (request) =>
    bearerTokenOf(request) === undefined ? hubspotError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.') : undefined,
  routes: [
    route('POST', '/crm/v3/objects/contacts/gdpr-delete', gdprDelete),
    route('GET', '/crm/v3/objects/:objectType/:id', getObject),
    route('PATCH', '/crm/v3/objects/:objectType/:id', patchObject),
    route('DELETE', '/crm/v3/objects/:objectType/:id', archiveObject),
  ],
});
