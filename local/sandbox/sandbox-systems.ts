/**
 * Every fake system the local runtime hosts: the write-back vendors, with NetSuite and Salesforce
 * also taking the handoffs' sales orders and opportunities, and the handoffs' own targets (Asana,
 * Google Calendar, SES).
 */
import type { FakeSystem } from './fake-system';
import { withRoutes } from './fake-system';
import { writeBackFakes } from './fakes';
import { netsuiteHandoffRoutes } from './targets/netsuite-orders';
import { handoffTargetFakes } from './targets/pm-calendar-email';
import { salesforceHandoffRoutes } from './targets/salesforce-opportunities';

const HANDOFF_ROUTES: Readonly<Record<string, Parameters<typeof withRoutes>[1]>> = { netsuite: netsuiteHandoffRoutes, salesforce: salesforceHandoffRoutes };

export const sandboxSystems = (): FakeSystem[] => [
  ...writeBackFakes().map((system) => (HANDOFF_ROUTES[system.name] ? withRoutes(system, HANDOFF_ROUTES[system.name] ?? []) : system)),
  ...handoffTargetFakes(),
];
