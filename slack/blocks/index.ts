/**
 * Concord's Block Kit builders: pure functions from data to Slack's JSON (no I/O, no clock), each
 * returning a message (`text` for notifications, `blocks`) or a view, within Slack's limits.
 */
export * from './action-ids';
export * from './app-home';
export * from './auto-merge-digest';
export * from './customer-card';
export * from './deep-links';
export * from './describe';
export * from './disagreement-report';
export * from './elements';
export * from './ephemerals';
export * from './handoff-receipt';
export * from './help';
export * from './imported-proposals';
export * from './limits';
export * from './merge-proposal';
export * from './merge-queue';
export * from './merge-row';
export * from './message';
export * from './mrkdwn';
export * from './override-modal';
export * from './playbook-alerts';
