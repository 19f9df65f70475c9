/**
 * The one object callers hold for write-back and erasure: it implements both ports and hands each
 * call to the adapter of the record's source system.
 *
 * A system without configuration is skipped, not failed: a deployment may ingest from a system
 * without being granted write access to it, and retrying would never help. A blank external id
 * is refused before any request, as it would address the collection instead of a record (a PATCH
 * or DELETE on `/sobjects/Account/`).
 */
import type { SourceSystem } from '../../shared/canonical';
import type { ErasureRequest, RecordRef, UnifiedIdWrite, WriteBack, WriteResult } from './ports';
import { failed, skipped } from './vendor-http';
import { createGenericWriteBack, type GenericConfig } from './vendors/generic';
import { createHubspotWriteBack, type HubspotConfig } from './vendors/hubspot';
import { createNetsuiteWriteBack, type NetsuiteConfig } from './vendors/netsuite';
import { createSalesforceWriteBack, type SalesforceConfig } from './vendors/salesforce';
import { createStripeWriteBack, type StripeConfig } from './vendors/stripe';
import { createZendeskWriteBack, type ZendeskConfig } from './vendors/zendesk';

export interface WriteBackConfigBySystem {
  salesforce: SalesforceConfig;
  hubspot: HubspotConfig;
  stripe: StripeConfig;
  zendesk: ZendeskConfig;
  netsuite: NetsuiteConfig;
  generic: GenericConfig;
}

const ADAPTER_FACTORIES: { [S in SourceSystem]: (config: WriteBackConfigBySystem[S]) => WriteBack } = {
  salesforce: createSalesforceWriteBack,
  hubspot: createHubspotWriteBack,
  stripe: createStripeWriteBack,
  zendesk: createZendeskWriteBack,
  netsuite: createNetsuiteWriteBack,
  generic: createGenericWriteBack,
};

const adapterFor = <S extends SourceSystem>(system: S, config: WriteBackConfigBySystem[S]): WriteBack => ADAPTER_FACTORIES[system](config);

const configuredAdapters = (configBySystem: Partial<WriteBackConfigBySystem>): Map<SourceSystem, WriteBack> => {
  const adapters = new Map<SourceSystem, WriteBack>();
  for (const system of Object.keys(ADAPTER_FACTORIES) as SourceSystem[]) {
    const config = configBySystem[system];
    if (config !== undefined) adapters.set(system, adapterFor(system, config));
  }
  return adapters;
};

export const createWriteBack = (configBySystem: Partial<WriteBackConfigBySystem>): WriteBack => {
  const adapters = configuredAdapters(configBySystem);

  const dispatch = (ref: RecordRef, call: (adapter: WriteBack) => Promise<WriteResult>): Promise<WriteResult> => {
    if (ref.externalId.trim() === '') return Promise.resolve(failed(false, 'the external id is blank'));
    const adapter = adapters.get(ref.sourceSystem);
    if (adapter === undefined) return Promise.resolve(skipped(`write-back to ${ref.sourceSystem} is not configured`));
    return call(adapter);
  };

  return {
    writeUnifiedId: (write: UnifiedIdWrite) => dispatch(write, (adapter) => adapter.writeUnifiedId(write)),
    requestErasure: (request: ErasureRequest) => dispatch(request, (adapter) => adapter.requestErasure(request)),
  };
};
