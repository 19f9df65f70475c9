/**
 * A fake of Zendesk Support's API v2 for organizations and users:
 * `GET | PUT | DELETE /api/v2/organizations/{id}`, `GET | PUT | DELETE /api/v2/users/{id}` and
 * `GET | DELETE /api/v2/deleted_users/{id}` (a `.json` suffix on the id is accepted, as Zendesk does).
 *
 * As Zendesk: an API token (Basic `<email>/token:<token>`) or OAuth token (Bearer) is required
 * (401 `{ error: "Couldn't authenticate you" }`); ids are digits; a PUT takes the record under
 * its wrapper key (`{ organization: {…} }`, `{ user: {…} }`), merges `organization_fields` /
 * `user_fields` key by key, and answers 200 with the record; unknown attributes or custom field
 * keys are 422 RecordInvalid (this fake is stricter than Zendesk, which drops unknown custom
 * field keys silently, so a misnamed field shows up in tests).
 * Users are deleted in two steps: `DELETE /users/{id}` soft-deletes (200, `active: false`), then
 * `DELETE /deleted_users/{id}` deletes for good (200), and only a soft-deleted user can be; an
 * organization's DELETE is 204. Errors are `{ error: "RecordNotFound", description }`.
 */
import { route, basicCredentialsOf, bearerTokenOf, firstBadField, isFakeResponse, isPlainObject, jsonObjectOf, unknownKeys, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';
import type { RecordStore } from '../record-store';

interface Resource {
  collection: 'organizations' | 'users';
  wrapper: 'organization' | 'user';
  customFields: 'organization_fields' | 'user_fields';
  attributes: ReadonlySet<string>;
}

const ORGANIZATIONS: Resource = {
  collection: 'organizations',
  wrapper: 'organization',
  customFields: 'organization_fields',
  attributes: new Set(['name', 'notes', 'details', 'external_id', 'domain_names', 'tags', 'organization_fields']),
};
const USERS: Resource = {
  collection: 'users',
  wrapper: 'user',
  customFields: 'user_fields',
  attributes: new Set(['name', 'email', 'phone', 'external_id', 'organization_id', 'tags', 'user_fields']),
};

/** The custom fields Concord's setup adds, by key. */
const CUSTOM_FIELD_KEYS: ReadonlySet<string> = new Set(['concord_id']);

const ZENDESK_ID = /^(\d+)(?:\.json)?$/;

const ERROR_NAMES: Readonly<Record<number, string>> = { 400: 'InvalidEndpoint', 403: 'Forbidden', 404: 'RecordNotFound', 409: 'RecordConflict', 413: 'RequestTooLarge', 422: 'RecordInvalid', 429: 'TooManyRequests' };

const zendeskError = (status: number, error: string, description?: string): FakeResponse => ({ status, body: description === undefined ? { error } : { error, description } });
const notFound = (): FakeResponse => zendeskError(404, 'RecordNotFound', 'Not found');

/** The record a request names in a collection, in any state, or 404. */
const locate = (request: FakeRequest, resource: Resource): { id: number; key: string } | FakeResponse => {
  const digits = ZENDESK_ID.exec(request.params.id ?? '')?.[1];
  return digits === undefined ? notFound() : { id: Number(digits), key: `${resource.collection}/${digits}` };
};

const recordBody = (resource: Resource, id: number, records: RecordStore, key: string) => {
  const record = records.get(key);
  return { [resource.wrapper]: { id, ...(resource === USERS ? { active: record.state === 'live' } : {}), [resource.customFields]: {}, ...record.fields } };
};

/** Why Zendesk would refuse these attributes, or undefined. */
const attributesProblem = (resource: Resource, attributes: Record<string, unknown>): string | undefined => {
  const unknown = unknownKeys(attributes, resource.attributes);
  if (unknown.length > 0) return `${unknown[0]} is not an attribute of ${resource.wrapper}`;
  const custom = attributes[resource.customFields];
  if (custom !== undefined && !isPlainObject(custom)) return `${resource.customFields} must be an object`;
  const bad = custom === undefined ? undefined : firstBadField(custom, CUSTOM_FIELD_KEYS);
  if (bad === undefined) return undefined;
  return bad.reason === 'unknown' ? `${resource.customFields}.${bad.name} is not a custom field of ${resource.wrapper}s` : `${resource.customFields}.${bad.name} must be a text, number or boolean value`;
};

const getRecord =
  (resource: Resource) =>
  (request: FakeRequest, { records }: FakeContext): FakeResponse => {
    const found = locate(request, resource);
    if (isFakeResponse(found)) return found;
    if (records.get(found.key).state === 'erased' || (resource === ORGANIZATIONS && records.get(found.key).state !== 'live')) return notFound();
    return { status: 200, body: recordBody(resource, found.id, records, found.key) };
  };

const updateRecord =
  (resource: Resource) =>
  (request: FakeRequest, { records }: FakeContext): FakeResponse => {
    const found = locate(request, resource);
    if (isFakeResponse(found)) return found;
    if (records.get(found.key).state !== 'live') return notFound();
    const attributes = jsonObjectOf(request)?.[resource.wrapper];
    if (!isPlainObject(attributes)) return zendeskError(400, 'InvalidEndpoint', `Parameter ${resource.wrapper} is required and must be an object`);
    const problem = attributesProblem(resource, attributes);
    if (problem !== undefined) return { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: problem }] } } };
    const current = records.get(found.key).fields;
    const customFields = { ...(current[resource.customFields] as Record<string, unknown> | undefined), ...(attributes[resource.customFields] as Record<string, unknown> | undefined) };
    records.patch(found.key, { ...attributes, [resource.customFields]: customFields });
    return { status: 200, body: recordBody(resource, found.id, records, found.key) };
  };

const deleteOrganization = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, ORGANIZATIONS);
  if (isFakeResponse(found)) return found;
  if (records.get(found.key).state !== 'live') return notFound();
  records.setState(found.key, 'deleted');
  return { status: 204 };
};

const softDeleteUser = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, USERS);
  if (isFakeResponse(found)) return found;
  if (records.get(found.key).state !== 'live') return notFound();
  records.setState(found.key, 'deleted');
  return { status: 200, body: recordBody(USERS, found.id, records, found.key) };
};

const deletedUserBody = (id: number, records: RecordStore, key: string) => ({ deleted_user: { id, active: false, ...records.get(key).fields } });

const getDeletedUser = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, USERS);
  if (isFakeResponse(found)) return found;
  if (records.get(found.key).state !== 'deleted') return notFound();
  return { status: 200, body: deletedUserBody(found.id, records, found.key) };
};

/** Only a soft-deleted user can be deleted for good. */
const permanentlyDeleteUser = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const found = locate(request, USERS);
  if (isFakeResponse(found)) return found;
  if (records.get(found.key).state !== 'deleted') return notFound();
  const body = deletedUserBody(found.id, records, found.key);
  records.setState(found.key, 'erased');
  return { status: 200, body };
};

const hasCredentials = (request: FakeRequest): boolean => bearerTokenOf(request) !== undefined || (basicCredentialsOf(request) ?? '').includes(':');

export const createZendeskFake = (): FakeSystem => ({
  name: 'zendesk',
  error: (status, message) => (status === 401 ? zendeskError(401, "Couldn't authenticate you") : zendeskError(status, ERROR_NAMES[status] ?? 'InternalError', message)),
  authenticate: (request) => (hasCredentials(request) ? undefined : zendeskError(401, "Couldn't authenticate you")),
  routes: [
    route('GET', '/api/v2/organizations/:id', getRecord(ORGANIZATIONS)),
    route('PUT', '/api/v2/organizations/:id', updateRecord(ORGANIZATIONS)),
    route('DELETE', '/api/v2/organizations/:id', deleteOrganization),
    route('GET', '/api/v2/users/:id', getRecord(USERS)),
    route('PUT', '/api/v2/users/:id', updateRecord(USERS)),
    route('DELETE', '/api/v2/users/:id', softDeleteUser),
    route('GET', '/api/v2/deleted_users/:id', getDeletedUser),
    route('DELETE', '/api/v2/deleted_users/:id', permanentlyDeleteUser),
  ],
});
