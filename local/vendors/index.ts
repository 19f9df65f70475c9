import type { SourceSystem } from '../../functions/shared/canonical';
import { genericSimulator } from './generic';
import { hubspotSimulator } from './hubspot';
import { netsuiteSimulator } from './netsuite';
import { salesforceSimulator } from './salesforce';
import { stripeSimulator } from './stripe';
import type { VendorSimulator } from './vendor-simulator';
import { zendeskSimulator } from './zendesk';

export const simulators: Readonly<Record<SourceSystem, VendorSimulator>> = {
  salesforce: salesforceSimulator,
  hubspot: hubspotSimulator,
  stripe: stripeSimulator,
  zendesk: zendeskSimulator,
  netsuite: netsuiteSimulator,
  generic: genericSimulator,
};
