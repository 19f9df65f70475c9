/**
 * Salesforce (REST API, sObject Rows resource).
 *
 * Write: `PATCH /services/data/vXX.X/sobjects/{Account|Contact|Lead}/{id}` with
 * `{ "Concord_Id__c": "<unified id>" }`, Bearer token (an OAuth access token for the instance
 * URL); 204 No Content on success. The field is the one the CDC connector reads back as
 * `concordId` (SALESFORCE_CUSTOM_FIELDS), so the unified id Concord writes is the one it later
 * sees again. A person is a Lead when its id has the Lead key prefix 00Q, as in the connector.
 * Writing the same value twice changes nothing, so the REST API's lack of an idempotency key
 * costs nothing here.
 *
 * Erasure: `DELETE /services/data/vXX.X/sobjects/{type}/{id}` (204; 404 means already deleted).
 * Why not the alternatives:
 * - the Individual object's ShouldForget flag deletes nothing: it records the wish for the org's
 *   own processes, and needs Data Protection and Privacy set up in each org;
 * - Bulk API 2.0 `hardDelete` bypasses the Recycle Bin but needs the "Bulk API Hard Delete"
 *   permission, which admins rarely grant an integration user, and is an asynchronous job to
 *   poll.
 * A DELETE removes the record from every query and API read at once and emits the CDC DELETE
 * that Concord's own ingest expects for an erase; Salesforce purges it from the Recycle Bin after
 * 15 days (or sooner, when an admin empties it). Concord blanks its own copy regardless.
 */
import { z } from 'zod';
import type { EntityType } from '../../../shared/canonical';
import { SALESFORCE_CUSTOM_FIELDS } from '../../../ingest/connectors/salesforce';
import type { WriteBack } from '../ports';
import { errorDescriber, exchange, joinUrl, jsonPayload, type VendorConfig } from '../vendor-http';
import { writeBackOf } from '../write-back-of';

export interface SalesforceCredentials {
  accessToken: string;
}

export interface SalesforceConfig extends VendorConfig<SalesforceCredentials> {
  /** REST API version, e.g. "v62.0". */
  apiVersion?: string;
}

export const SALESFORCE_API_VERSION = 'v62.0';
export const SALESFORCE_UNIFIED_ID_FIELD = SALESFORCE_CUSTOM_FIELDS.concordId;
const LEAD_KEY_PREFIX = '00Q';

type Sobject = 'Account' | 'Contact' | 'Lead';

const sobjectOf = (entityType: EntityType, externalId: string): Sobject | undefined => {
  if (entityType === 'account') return 'Account';
  if (entityType === 'person') return externalId.startsWith(LEAD_KEY_PREFIX) ? 'Lead' : 'Contact';
  return undefined;
};

/** Salesforce answers errors as `[{ errorCode, message, fields? }]`. */
const SalesforceErrors = z.array(z.object({ errorCode: z.string(), message: z.string() })).min(1);
export const describeSalesforceError = errorDescriber(SalesforceErrors, (errors) => errors.map((e) => `${e.errorCode}: ${e.message}`).join('; '));

export const createSalesforceWriteBack = (config: SalesforceConfig): WriteBack => {
  const recordUrl = (sobject: Sobject, externalId: string): string =>
    joinUrl(config.baseUrl, `/services/data/${config.apiVersion ?? SALESFORCE_API_VERSION}/sobjects/${sobject}/${encodeURIComponent(externalId)}`);
  const headers = { authorization: `Bearer ${config.credentials.accessToken}`, accept: 'application/json' };

  return writeBackOf('Salesforce', {
    targetOf: sobjectOf,
    write: (sobject, { externalId, unifiedId }) =>
      exchange(
        config,
        { method: 'PATCH', url: recordUrl(sobject, externalId), ...jsonPayload(headers, { [SALESFORCE_UNIFIED_ID_FIELD]: unifiedId }) },
        { describeError: describeSalesforceError },
      ),
    erase: (sobject, { externalId }) =>
      exchange(config, { method: 'DELETE', url: recordUrl(sobject, externalId), headers }, { describeError: describeSalesforceError, goneIsDone: true }),
  });
};
