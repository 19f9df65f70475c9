/**
 * HubSpot (CRM API v3), with a private app's or OAuth access token as Bearer.
 *
 * Write: `PATCH /crm/v3/objects/{companies|contacts}/{id}` with
 * `{ "properties": { "concord_id": "<unified id>" } }`; 200 with the object. `concord_id` is the
 * custom property the webhook connector reads back as `concordId` (HUBSPOT_CUSTOM_PROPERTIES).
 * HubSpot's CRM API takes no idempotency key; setting a property to the value it already holds
 * changes nothing.
 *
 * Erasure:
 * - a contact: `POST /crm/v3/objects/contacts/gdpr-delete` with `{ "objectId": "<id>" }` (204),
 *   HubSpot's permanent, GDPR-compliant deletion of the contact and its associated content;
 * - a company: HubSpot has no privacy deletion for companies (they hold no personal data of their
 *   own), so `DELETE /crm/v3/objects/companies/{id}` archives it — the most HubSpot offers; it
 *   stays restorable for 90 days, and the result says so.
 * A 404 means the record is already gone: done.
 */
import { z } from 'zod';
import type { EntityType } from '../../../shared/canonical';
import { HUBSPOT_CUSTOM_PROPERTIES } from '../../../ingest/connectors/hubspot';
import type { WriteBack } from '../ports';
import { errorDescriber, exchange, joinUrl, jsonPayload, type VendorConfig } from '../vendor-http';
import { writeBackOf } from '../write-back-of';

export interface HubspotCredentials {
  accessToken: string;
}

export type HubspotConfig = VendorConfig<HubspotCredentials>;

export const HUBSPOT_UNIFIED_ID_PROPERTY = HUBSPOT_CUSTOM_PROPERTIES.concordId;

type HubspotObject = 'companies' | 'contacts';

const objectOf = (entityType: EntityType): HubspotObject | undefined =>
  entityType === 'account' ? 'companies' : entityType === 'person' ? 'contacts' : undefined;

/** HubSpot answers errors as `{ status: "error", message, category, correlationId }`. */
const HubspotError = z.object({ message: z.string(), category: z.string().optional() });
const describeHubspotError = errorDescriber(HubspotError, (e) => (e.category === undefined ? e.message : `${e.category}: ${e.message}`));

const COMPANY_ARCHIVED = 'archived: HubSpot has no privacy deletion for companies; it keeps an archived company restorable for 90 days';

export const createHubspotWriteBack = (config: HubspotConfig): WriteBack => {
  const objectsUrl = (path: string): string => joinUrl(config.baseUrl, `/crm/v3/objects${path}`);
  const headers = { authorization: `Bearer ${config.credentials.accessToken}`, accept: 'application/json' };
  const gone = { describeError: describeHubspotError, goneIsDone: true };

  const eraseContact = (externalId: string) =>
    exchange(config, { method: 'POST', url: objectsUrl('/contacts/gdpr-delete'), ...jsonPayload(headers, { objectId: externalId }) }, gone);

  const archiveCompany = async (externalId: string) => {
    const result = await exchange(config, { method: 'DELETE', url: objectsUrl(`/companies/${encodeURIComponent(externalId)}`), headers }, gone);
    return result.status === 'done' && result.detail === undefined ? { ...result, detail: COMPANY_ARCHIVED } : result;
  };

  return writeBackOf('HubSpot', {
    targetOf: objectOf,
    write: (object, { externalId, unifiedId }) =>
      exchange(
        config,
        {
          method: 'PATCH',
          url: objectsUrl(`/${object}/${encodeURIComponent(externalId)}`),
          ...jsonPayload(headers, { properties: { [HUBSPOT_UNIFIED_ID_PROPERTY]: unifiedId } }),
        },
        { describeError: describeHubspotError },
      ),
    erase: (object, { externalId }) => (object === 'contacts' ? eraseContact(externalId) : archiveCompany(externalId)),
  });
};
