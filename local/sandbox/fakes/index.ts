/** The fakes of the systems Concord writes unified ids back to, fresh (empty state) on every call. */
import type { FakeSystem } from '../fake-system';
import { createGenericFake } from './generic';
import { createHubspotFake } from './hubspot';
import { createNetsuiteFake } from './netsuite';
import { createSalesforceFake } from './salesforce';
import { createStripeFake } from './stripe';
import { createZendeskFake } from './zendesk';

export const writeBackFakes = (): FakeSystem[] => [
  createSalesforceFake(),
  createHubspotFake(),
  createStripeFake(),
  createZendeskFake(),
  createNetsuiteFake(),
  createGenericFake(),
];

export { SANDBOX_GENERIC_SIGNING_SECRET } from './generic';
