/**
 * NetSuite (SuiteTalk REST web services, record service v1), base URL
 * `https://<account>.suitetalk.api.netsuite.com`, with an OAuth 2.0 access token as Bearer (the
 * machine-to-machine client-credentials flow yields one; token-based OAuth 1.0 signing is not
 * implemented here).
 *
 * Write: `PATCH /services/rest/record/v1/{customer|contact}/{id}` with
 * `{ "custentity_concord_id": "<unified id>" }`; 204 No Content. Fields left out of a PATCH are
 * unchanged. `custentity_concord_id` is the entity custom field Concord's NetSuite script sends
 * and the connector reads back as `concordId`; an entity field applies to customers and contacts
 * alike.
 *
 * NetSuite honours `X-NetSuite-Idempotency-Key` only on asynchronous requests (`Prefer:
 * respond-async`), which answer with a job to poll. A synchronous PATCH of the same value is
 * idempotent by itself, so no key is sent.
 *
 * Erasure: `DELETE /services/rest/record/v1/{customer|contact}/{id}` (204), a permanent deletion
 * in NetSuite; a 404 means it is already gone. NetSuite refuses to delete an entity that
 * transactions reference; that 400 is a permanent failure for a person to resolve.
 */
import { z } from 'zod';
import type { EntityType } from '../../../shared/canonical';
import type { WriteBack } from '../ports';
import { errorDescriber, exchange, joinUrl, jsonPayload, type VendorConfig } from '../vendor-http';
import { writeBackOf } from '../write-back-of';

export interface NetsuiteCredentials {
  accessToken: string;
}

export type NetsuiteConfig = VendorConfig<NetsuiteCredentials>;

/** The entity field the NetSuite connector reads as `concordId`. */
export const NETSUITE_UNIFIED_ID_FIELD = 'custentity_concord_id';

type NetsuiteRecordType = 'customer' | 'contact';

const recordTypeOf = (entityType: EntityType): NetsuiteRecordType | undefined =>
  entityType === 'account' ? 'customer' : entityType === 'person' ? 'contact' : undefined;

/** NetSuite answers errors as RFC 7807 problem details with `o:errorDetails`. */
const NetsuiteError = z.object({
  title: z.string(),
  'o:errorDetails': z.array(z.object({ detail: z.string(), 'o:errorCode': z.string() })).optional(),
});
export const describeNetsuiteError = errorDescriber(NetsuiteError, (e) => {
  const first = e['o:errorDetails']?.[0];
  return first === undefined ? e.title : `${first['o:errorCode']}: ${first.detail}`;
});

export const createNetsuiteWriteBack = (config: NetsuiteConfig): WriteBack => {
  const recordUrl = (type: NetsuiteRecordType, externalId: string): string =>
    joinUrl(config.baseUrl, `/services/rest/record/v1/${type}/${encodeURIComponent(externalId)}`);
  const headers = { authorization: `Bearer ${config.credentials.accessToken}`, accept: 'application/json' };

  return writeBackOf('NetSuite', {
    targetOf: recordTypeOf,
    write: (type, { externalId, unifiedId }) =>
      exchange(
        config,
        { method: 'PATCH', url: recordUrl(type, externalId), ...jsonPayload(headers, { [NETSUITE_UNIFIED_ID_FIELD]: unifiedId }) },
        { describeError: describeNetsuiteError },
      ),
    erase: (type, { externalId }) =>
      exchange(config, { method: 'DELETE', url: recordUrl(type, externalId), headers }, { describeError: describeNetsuiteError, goneIsDone: true }),
  });
};
