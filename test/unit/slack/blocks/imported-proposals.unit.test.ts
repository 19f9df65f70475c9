import { checkMessage, importedProposals } from '../../../../slack/blocks';

describe('importedProposals', () => {
  it("announces a backfill's proposals once, with their count and where they wait, within Slack's limits", () => {
    const message = importedProposals({ kind: 'person', count: 9063, at: '2026-11-25T02:00:00.000Z' });
    expect(message.text).toContain('9,063 merge proposals between people');
    expect(JSON.stringify(message.blocks)).toContain('/concord queue');
    expect(checkMessage(message)).toEqual([]);
    expect(importedProposals({ kind: 'account', count: 1, at: '2026-11-25T02:00:00.000Z' }).text).toContain('1 merge proposal between customers');
  });
});
