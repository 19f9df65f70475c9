/**
 * Zendesk Support (REST API v2), base URL `https://<subdomain>.zendesk.com`; authenticated with an
 * API token (Basic `<email>/token:<token>`) or an OAuth access token (Bearer).
 *
 * Write: `PUT /api/v2/organizations/{id}` with
 * `{ "organization": { "organization_fields": { "concord_id": "<unified id>" } } }`, or
 * `PUT /api/v2/users/{id}` with `{ "user": { "user_fields": { "concord_id": "<unified id>" } } }`;
 * 200 with the record. `concord_id` is a custom organization field and a custom user field that
 * Concord's setup adds (as it adds Concord_Id__c in Salesforce). Not `external_id`, although it
 * looks made for this:
 * - Zendesk requires `external_id` to be unique per account, and duplicates inside Zendesk (two
 *   users for one person) are exactly what unification finds: the second write of the shared
 *   unified id would be refused;
 * - the connector reads an organization's `external_id` as its customer number, and customers
 *   often fill it from their ERP; overwriting it would destroy that and feed the unified id back
 *   as a customer number.
 * A PUT that sets the value already held changes nothing; Zendesk's `Idempotency-Key` applies to
 * ticket creation only, so none is sent.
 *
 * Erasure:
 * - a user: `DELETE /api/v2/users/{id}` (soft delete), then `DELETE /api/v2/deleted_users/{id}`,
 *   Zendesk's permanent deletion for privacy requests, which needs the soft delete first. A 404 on
 *   the first step means the user is already soft-deleted (or gone), so the second runs anyway;
 *   a 404 on the second means the user is already permanently deleted: done.
 * - an organization: `DELETE /api/v2/organizations/{id}` (204); 404 means already deleted.
 */
import { z } from 'zod';
import type { EntityType } from '../../../shared/canonical';
import type { WriteBack } from '../ports';
import { errorDescriber, exchange, joinUrl, jsonPayload, type VendorConfig, type VendorRequest } from '../vendor-http';
import { writeBackOf } from '../write-back-of';

export type ZendeskCredentials = { email: string; apiToken: string } | { oauthToken: string };

export type ZendeskConfig = VendorConfig<ZendeskCredentials>;

/** The key of the custom organization field and custom user field that hold the unified id. */
export const ZENDESK_UNIFIED_ID_FIELD = 'concord_id';

type ZendeskResource = { collection: 'organizations'; wrapper: 'organization'; fields: 'organization_fields' } | { collection: 'users'; wrapper: 'user'; fields: 'user_fields' };

const resourceOf = (entityType: EntityType): ZendeskResource | undefined => {
  if (entityType === 'account') return { collection: 'organizations', wrapper: 'organization', fields: 'organization_fields' };
  if (entityType === 'person') return { collection: 'users', wrapper: 'user', fields: 'user_fields' };
  return undefined;
};

const authorizationOf = (credentials: ZendeskCredentials): string =>
  'oauthToken' in credentials
    ? `Bearer ${credentials.oauthToken}`
    : `Basic ${Buffer.from(`${credentials.email}/token:${credentials.apiToken}`, 'utf8').toString('base64')}`;

/**
 * Zendesk answers errors as `{ error: "RecordNotFound", description }`, or with `error` an object
 * `{ title, message }`; a 401 may carry only `{ error: "Couldn't authenticate you" }`.
 */
const ZendeskError = z.object({
  error: z.union([z.string(), z.object({ title: z.string(), message: z.string().optional() })]),
  description: z.string().optional(),
});
const describeZendeskError = errorDescriber(ZendeskError, ({ error, description }) => {
  const code = typeof error === 'string' ? error : error.title;
  const text = typeof error === 'string' ? description : (error.message ?? description);
  return text === undefined ? code : `${code}: ${text}`;
});

export const createZendeskWriteBack = (config: ZendeskConfig): WriteBack => {
  const apiUrl = (path: string): string => joinUrl(config.baseUrl, `/api/v2${path}`);
  const headers = { authorization: authorizationOf(config.credentials), accept: 'application/json' };
  const deleteRequest = (path: string): VendorRequest => ({ method: 'DELETE', url: apiUrl(path), headers });
  const gone = { describeError: describeZendeskError, goneIsDone: true };

  const eraseUser = async (externalId: string) => {
    const id = encodeURIComponent(externalId);
    const softDeleted = await exchange(config, deleteRequest(`/users/${id}`), gone);
    if (softDeleted.status !== 'done') return softDeleted;
    return exchange(config, deleteRequest(`/deleted_users/${id}`), gone);
  };

  return writeBackOf('Zendesk', {
    targetOf: resourceOf,
    write: (resource, { externalId, unifiedId }) =>
      exchange(
        config,
        {
          method: 'PUT',
          url: apiUrl(`/${resource.collection}/${encodeURIComponent(externalId)}`),
          ...jsonPayload(headers, { [resource.wrapper]: { [resource.fields]: { [ZENDESK_UNIFIED_ID_FIELD]: unifiedId } } }),
        },
        { describeError: describeZendeskError },
      ),
    erase: (resource, { externalId }) =>
      resource.collection === 'users' ? eraseUser(externalId) : exchange(config, deleteRequest(`/organizations/${encodeURIComponent(externalId)}`), gone),
  });
};
