import type { SourceSystem } from '../../shared/canonical';
import type { Connector } from '../connector';
import { genericConnector } from './generic';
import { hubspotConnector } from './hubspot';
import { netsuiteConnector } from './netsuite';
import { salesforceConnector } from './salesforce';
import { stripeConnector } from './stripe';
import { zendeskConnector } from './zendesk';

export const connectors: Readonly<Record<SourceSystem, Connector>> = {
  salesforce: salesforceConnector,
  hubspot: hubspotConnector,
  stripe: stripeConnector,
  zendesk: zendeskConnector,
  netsuite: netsuiteConnector,
  generic: genericConnector,
};
