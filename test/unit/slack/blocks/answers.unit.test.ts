import type { KnownBlock } from '@slack/types';
import type { DisagreementSummary } from '../../../../functions/identity/golden/disagreements';
import { checkMessage, disagreementReport, helpMessage, notFound, refused } from '../../../../slack/blocks';

const texts = (blocks: readonly KnownBlock[]): string[] =>
  blocks.flatMap((blk) => {
    if (blk.type === 'section') return [...(blk.text ? [blk.text.text] : []), ...(blk.fields ?? []).map((f) => f.text)];
    if (blk.type === 'context') return blk.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []));
    return [];
  });

describe('the disagreement report', () => {
  const summary: DisagreementSummary = {
    disagreements: 7,
    entities: 4,
    byField: [
      { entityKind: 'account', field: 'address', count: 4 },
      { entityKind: 'person', field: 'email', count: 2 },
      { entityKind: 'account', field: 'lifecycleStage', count: 1 },
    ],
    bySystemPair: [
      { pair: 'hubspot↔salesforce', count: 5 },
      { pair: 'netsuite↔stripe', count: 2 },
    ],
    byFieldAndSystemPair: [
      { entityKind: 'account', field: 'address', pair: 'hubspot↔salesforce', count: 3 },
      { entityKind: 'person', field: 'email', pair: 'hubspot↔salesforce', count: 2 },
    ],
  };

  it('counts disagreements per field, per system pair, and per both', () => {
    const message = disagreementReport({ summary });
    expect(texts(message.blocks)).toEqual([
      '*7 disagreements on 4 unified entities*. A disagreement is one field of one customer or person on which two systems hold different values.',
      '*By field*\n`4` account address\n`2` person email\n`1` account lifecycle stage',
      '*By system pair*\n`5` HubSpot ↔ Salesforce\n`2` NetSuite ↔ Stripe',
      '*By field and system pair*\n`3` account address: HubSpot ↔ Salesforce\n`2` person email: HubSpot ↔ Salesforce',
      "Each customer's disagreements are on their card (`/concord lookup …`); the whole report, entity by entity: `concord report disagreements`.",
    ]);
    expect(message.text).toBe('Where the systems disagree: 7 disagreements on 4 unified entities.');
    expect(checkMessage(message)).toEqual([]);
  });

  it('shows the most frequent rows and says how many more there are', () => {
    const wide: DisagreementSummary = { ...summary, byField: Array.from({ length: 30 }, (_, i) => ({ entityKind: 'account' as const, field: `field${i}`, count: 30 - i })) };
    const byField = texts(disagreementReport({ summary: wide, rows: 5 }).blocks)[1]?.split('\n');
    expect(byField).toHaveLength(1 + 5 + 1);
    expect(byField?.at(-1)).toBe('…and 25 more rows');
  });

  it('says so when every system agrees', () => {
    const none = disagreementReport({ summary: { disagreements: 0, entities: 0, byField: [], bySystemPair: [], byFieldAndSystemPair: [] } });
    expect(none.text).toBe('No disagreements: every system agrees on every compared field.');
  });
});

describe('help', () => {
  it('lists every /concord command', () => {
    const message = helpMessage();
    expect(texts(message.blocks)[0]?.split('\n').slice(1)).toEqual([
      '`/concord lookup QUERY`: a customer or person: by name, domain, email, phone, an id in any system, or a unified id (cus_…, per_…)',
      '`/concord queue`: merge proposals waiting for a data steward',
      '`/concord report`: where the systems still disagree, per field and pair of systems',
      '`/concord undo MERGE_ID`: undo a merge exactly (mrg_…); data stewards only',
      '`/concord help`: this list',
    ]);
    expect(message.text).toBe('Concord commands: /concord lookup QUERY, /concord queue, /concord report, /concord undo MERGE_ID, /concord help');
  });

  it('answers unknown input with help, saying what was not understood, escaped', () => {
    const message = helpMessage('“<!channel>” is not a /concord command');
    expect(texts(message.blocks)[0]).toBe('🤔 “&lt;!channel&gt;” is not a /concord command. Here is what I can do:');
    expect(message.text).toBe('“&lt;!channel&gt;” is not a /concord command. Try /concord help.');
    expect(checkMessage(message)).toEqual([]);
  });
});

describe('ephemeral answers', () => {
  it('says nothing matched, and what to try, without echoing markup', () => {
    const message = notFound({ kind: 'customer', query: '<@U0ADMIN> acme' });
    expect(texts(message.blocks)).toEqual([
      '🔍 No customer or person matches “&lt;@U0ADMIN&gt; acme”. Try a name, a domain, an email, a phone number, an id in any system, or a unified id (`cus_…`, `per_…`).',
    ]);
    expect(message.text).toBe('No customer or person matches “&lt;@U0ADMIN&gt; acme”.');
    expect(notFound({ kind: 'merge', mergeId: 'mrg_404' }).text).toBe('There is no merge mrg_404.');
  });

  it('tells a non-steward who can decide, and that nothing changed', () => {
    expect(texts(refused({ kind: 'not-steward', action: 'decide merges', stewardsChannel: '#data-stewards' }).blocks)).toEqual([
      '🔒 Only data stewards can decide merges: ask in #data-stewards. Nothing was changed.',
    ]);
    expect(refused({ kind: 'not-steward', action: 'undo merges', stewardsChannel: 'C0STEWARDS' }).blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '🔒 Only data stewards can undo merges: ask in <#C0STEWARDS>. Nothing was changed.', verbatim: true } },
    ]);
  });

  it('says who decided first when a second click arrives', () => {
    expect(texts(refused({ kind: 'already-decided', status: 'approved', by: 'U0ALICE', at: '2026-06-01T11:00:00Z' }).blocks)).toEqual([
      'This proposal was already approved by <@U0ALICE> <!date^1780311600^{date_short_pretty} {time}|2026-06-01 11:00 UTC>; your click changed nothing.',
    ]);
    expect(refused({ kind: 'already-undone', mergeId: 'mrg_1', by: 'U0BOB', at: '2026-06-02T09:00:00Z' }).text).toBe('mrg_1 was already undone at 2026-06-02 09:00 UTC.');
  });

  it('explains a refused undo and a form that went stale', () => {
    expect(refused({ kind: 'cannot-undo', mergeId: 'mrg_1', reason: 'the entity that absorbed per_B no longer exists' }).text).toBe(
      'Cannot undo mrg_1: the entity that absorbed per_B no longer exists.',
    );
    expect(texts(refused({ kind: 'changed-since', what: 'Acme Corp' }).blocks)).toEqual(['Acme Corp changed since you opened this. Nothing was saved; open it again to see it as it is now.']);
  });
});
