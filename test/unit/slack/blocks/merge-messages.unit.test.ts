import type { ActionsBlock, Button, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Entity, MergeRecord } from '../../../../functions/identity/graph/identity-graph';
import type { ProposalItem } from '../../../../functions/identity/identity.store';
import { formatSourceVersion, type SourceRecord } from '../../../../functions/shared/canonical';
import {
  ACTION_IDS,
  actionIdPattern,
  appHome,
  autoMergeDigest,
  checkMessage,
  checkView,
  decidedProposal,
  mergeProposal,
  mergeQueue,
  readMergeValue,
  readProposalValue,
  type DeepLinkConfig,
} from '../../../../slack/blocks';

const record = (sourceSystem: SourceRecord['sourceSystem'], externalId: string, fields: Record<string, unknown>): SourceRecord => {
  const version = formatSourceVersion(Date.UTC(2026, 0, 1));
  return {
    sourceKey: `${sourceSystem}#person#${externalId}`,
    sourceSystem,
    entityType: 'person',
    externalId,
    fields,
    fieldVersions: {},
    version,
    status: 'active',
    statusVersion: version,
    lastEventId: `evt-${externalId}`,
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    rev: 1,
  };
};

const links: DeepLinkConfig = { salesforce: { instanceUrl: 'https://acme.my.salesforce.com' } };
const a = record('salesforce', '003A', { firstName: 'Jane', lastName: 'Doe', email: 'jane@acme.com', phone: '+1 415 555 0100', concordId: 'per_A' });
const b = record('hubspot', '501', { firstName: 'Jayne', lastName: 'Doe', email: 'jane@acme.com', address: { city: 'Springfield' } });

const proposal = (overrides: Partial<ProposalItem> = {}): ProposalItem => ({
  proposalId: 'prp_01',
  kind: 'person',
  a: a.sourceKey,
  b: b.sourceKey,
  entityA: 'per_A',
  entityB: 'per_B',
  probability: 0.873,
  weight: 2.78,
  prior: -13.2,
  evidence: [
    { comparison: 'email', level: 'exact', weight: 12.1 },
    { comparison: 'first_name', level: 'similar', weight: 3.2 },
    { comparison: 'city', level: 'different', weight: -2.9 },
    { comparison: 'phone', level: 'missing', weight: 0 },
  ],
  reason: 'matched at p=0.873 (email exact, first_name similar, city different)',
  status: 'pending',
  createdAt: '2026-06-01T10:00:00Z',
  ...overrides,
});

const entity = (unifiedId: string, members: string[]): Entity => ({ unifiedId, kind: 'person', members, createdAt: '2026-01-01T00:00:00Z', status: 'active' });

const merge = (mergeId: string, overrides: Partial<MergeRecord> = {}): MergeRecord => ({
  mergeId,
  survivor: 'per_A',
  absorbed: 'per_B',
  moved: [b.sourceKey],
  before: { survivor: entity('per_A', [a.sourceKey]), absorbed: entity('per_B', [b.sourceKey]) },
  at: '2026-06-01T03:00:00Z',
  actor: { by: 'concord', reason: 'matched at p=0.998' },
  evidence: { probability: 0.998, fields: [{ comparison: 'email', level: 'exact', weight: 12.1 }] },
  ...overrides,
});

const texts = (blocks: readonly KnownBlock[]): string[] =>
  blocks.flatMap((blk) => {
    if (blk.type === 'section') return [...(blk.text ? [blk.text.text] : []), ...(blk.fields ?? []).map((f) => f.text)];
    if (blk.type === 'context') return blk.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []));
    if (blk.type === 'header') return [blk.text.text];
    return [];
  });

const buttonsOf = (blocks: readonly KnownBlock[]): Button[] =>
  blocks.flatMap((blk) => {
    if (blk.type === 'actions') return (blk as ActionsBlock).elements.filter((e): e is Button => e.type === 'button');
    if (blk.type === 'section' && (blk as SectionBlock).accessory?.type === 'button') return [(blk as SectionBlock).accessory as Button];
    return [];
  });

describe('a merge proposal', () => {
  const message = mergeProposal({ proposal: proposal(), records: { a, b }, links, entities: { a: { unifiedId: 'per_A', label: 'Jane Doe', members: [a.sourceKey, 'zendesk#person#9'] } } });

  it('puts both records side by side, each under its system, field by field', () => {
    const [first, second] = message.blocks.filter((blk): blk is SectionBlock => blk.type === 'section' && blk.fields !== undefined);
    expect(first?.fields?.map((f) => f.text)).toEqual([
      '*A* · <https://acme.my.salesforce.com/lightning/r/Contact/003A/view|Salesforce 003A>\n*Jane Doe*',
      '*B* · HubSpot `501`\n*Jayne Doe*',
      '*First name*\nJane',
      '*First name*\nJayne',
      '*Last name*\nDoe',
      '*Last name*\nDoe',
      '*Email*\njane@acme.com',
      '*Email*\njane@acme.com',
      '*Phone*\n+1 415 555 0100',
      '*Phone*\n_empty_',
    ]);
    expect(second?.fields?.map((f) => f.text)).toEqual(['*Address*\n_empty_', '*Address*\nSpringfield']);
    expect(texts(message.blocks)).toContain('A belongs to *Jane Doe* `per_A` with 1 other record (Salesforce, Zendesk)');
  });

  it("shows each field's evidence, strongest first, then the prior and the total", () => {
    expect(texts(message.blocks)).toContain(
      [
        '*Why they might be the same*',
        '✅ `+12.10` Email: exact',
        '✅ `+3.20` First name: similar',
        '❌ `-2.90` City: different',
        '➖ `+0.00` Phone: missing',
        '`-13.20` _prior: how rare a match between two random records is_',
        '*Total* `+2.78` bits → *87.3% likely the same*',
      ].join('\n'),
    );
  });

  it('offers Approve, Reject (asking first) and Not sure, each carrying the proposal id', () => {
    const buttons = buttonsOf(message.blocks);
    expect(buttons.map((btn) => [btn.action_id, btn.text.text, btn.style ?? 'default', readProposalValue(btn.value)])).toEqual([
      ['proposal_approve', 'Approve', 'primary', 'prp_01'],
      ['proposal_reject', 'Reject', 'danger', 'prp_01'],
      ['proposal_unsure', 'Not sure', 'default', 'prp_01'],
    ]);
    expect(buttons[1]?.confirm?.text.text).toBe('Concord will remember that these are different people and never propose or make this merge again.');
    expect(message.blocks.at(-1)).toMatchObject({ type: 'actions', block_id: 'proposal_actions' });
  });

  it('says who was not sure', () => {
    const withDoubt = mergeProposal({ proposal: proposal(), records: { a, b }, links, unsure: [{ by: 'U0ALICE', at: '2026-06-01T10:30:00Z' }] });
    expect(texts(withDoubt.blocks)).toContain('Not sure: <@U0ALICE> (<!date^1780309800^{date_short_pretty} {time}|2026-06-01 10:30 UTC>)');
  });

  it('notifies with both names and the strongest evidence', () => {
    expect(message.text).toBe('Same person? Jane Doe ↔ Jayne Doe: 87.3% likely (Email exact, First name similar)');
  });

  it('shows a record that is no longer stored by its key', () => {
    const gone = mergeProposal({ proposal: proposal(), records: { a }, links });
    expect(texts(gone.blocks)).toContain('*B* · HubSpot `501` _(no longer stored)_');
  });

  it("keeps Slack's limits", () => {
    expect(checkMessage(message)).toEqual([]);
  });
});

describe('the proposal after a decision', () => {
  const approved = proposal({ status: 'approved', decidedBy: 'slack:U0STEWARD', decidedAt: '2026-06-01T11:00:00Z', mergeId: 'mrg_01' });

  it('says who approved it and when, without decision buttons, and offers Undo', () => {
    const message = decidedProposal({ proposal: approved, records: { a, b }, links, merge: { mergeId: 'mrg_01' } });
    expect(texts(message.blocks)).toContain('✅ *Approved* by <@U0STEWARD> <!date^1780311600^{date_short_pretty} {time}|2026-06-01 11:00 UTC>. Merged as `mrg_01`.');
    const buttons = buttonsOf(message.blocks);
    expect(buttons.map((btn) => [btn.action_id, btn.text.text, readMergeValue(btn.value)])).toEqual([['merge_undo', 'Undo merge', 'mrg_01']]);
    expect(buttons[0]?.confirm?.title?.text).toBe('Undo this merge?');
    expect(message.text).toBe('Same person? Jane Doe ↔ Jayne Doe: approved by U0STEWARD at 2026-06-01 11:00 UTC');
    expect(checkMessage(message)).toEqual([]);
  });

  it('finds the merge on the proposal when the caller has no merge record at hand', () => {
    const message = decidedProposal({ proposal: approved, records: { a, b }, links });
    expect(buttonsOf(message.blocks).map((btn) => readMergeValue(btn.value))).toEqual(['mrg_01']);
  });

  it('after the undo, says who undid it and offers nothing more', () => {
    const message = decidedProposal({ proposal: approved, records: { a, b }, links, merge: { mergeId: 'mrg_01', undone: { by: 'U0BOB', at: '2026-06-02T09:00:00Z' } } });
    expect(texts(message.blocks).join('\n')).toContain('↩️ *Undone* by <@U0BOB> <!date^1780390800^{date_short_pretty} {time}|2026-06-02 09:00 UTC>');
    expect(buttonsOf(message.blocks)).toEqual([]);
    expect(message.text).toBe('Same person? Jane Doe ↔ Jayne Doe: merge undone by U0BOB at 2026-06-02 09:00 UTC');
  });

  it('after a rejection, says they stay apart, with no buttons', () => {
    const message = decidedProposal({ proposal: proposal({ status: 'rejected', decidedBy: 'cli:alice', decidedAt: '2026-06-01T11:00:00Z' }), records: { a, b }, links });
    expect(texts(message.blocks)).toContain(
      '🚫 *Rejected* by cli:alice <!date^1780311600^{date_short_pretty} {time}|2026-06-01 11:00 UTC>: they stay separate, and Concord will not propose this merge again.',
    );
    expect(buttonsOf(message.blocks)).toEqual([]);
  });

  it('gives a pending proposal its buttons back', () => {
    expect(decidedProposal({ proposal: proposal(), records: { a, b }, links })).toEqual(mergeProposal({ proposal: proposal(), records: { a, b }, links }));
  });
});

describe('the merge queue', () => {
  const many = Array.from({ length: 20 }, (_, i) => proposal({ proposalId: `prp_${i}` }));
  const records = new Map([a, b].map((r) => [r.sourceKey, r]));

  it('lists each proposal with its buttons, each button id unique and matched by its listener', () => {
    const message = mergeQueue({ proposals: many.slice(0, 2), records, links, canDecide: true });
    expect(texts(message.blocks)).toContain(
      '*Jane Doe* (<https://acme.my.salesforce.com/lightning/r/Contact/003A/view|Salesforce>) ↔ *Jayne Doe* (HubSpot `501`)\n*87.3%* likely the same · Email exact, First name similar · `prp_0` · <!date^1780308000^{date_short_pretty}|2026-06-01 10:00 UTC>',
    );
    const buttons = buttonsOf(message.blocks);
    expect(buttons.map((btn) => btn.action_id)).toEqual(['proposal_approve:0', 'proposal_reject:0', 'proposal_unsure:0', 'proposal_approve:1', 'proposal_reject:1', 'proposal_unsure:1']);
    expect(buttons.every((btn) => [ACTION_IDS.proposalApprove, ACTION_IDS.proposalReject, ACTION_IDS.proposalUnsure].some((id) => actionIdPattern(id).test(btn.action_id ?? '')))).toBe(true);
    expect(buttons.map((btn) => readProposalValue(btn.value))).toEqual(['prp_0', 'prp_0', 'prp_0', 'prp_1', 'prp_1', 'prp_1']);
  });

  it('shows the first ones and says how many more wait', () => {
    const message = mergeQueue({ proposals: many, records, links, total: 42, canDecide: true });
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Merge proposals waiting (42)', emoji: true } });
    expect(texts(message.blocks).at(-1)).toBe('…and 27 more proposals. Decide these first, or see them all with `concord merges --pending`.');
    expect(message.text).toBe('42 merge proposals waiting for a data steward.');
    expect(checkMessage(message)).toEqual([]);
  });

  it('gives no buttons to someone who cannot decide', () => {
    const message = mergeQueue({ proposals: many.slice(0, 3), records, links, canDecide: false });
    expect(buttonsOf(message.blocks)).toEqual([]);
    expect(texts(message.blocks)).toContain('Only data stewards can decide these; this list is for reading.');
  });

  it('says so when nothing waits', () => {
    expect(mergeQueue({ proposals: [], records, links, canDecide: true }).text).toBe('No merge proposals are waiting.');
  });
});

describe('the daily digest of automatic merges', () => {
  it('lists each merge with Undo, and an undone one with who undid it', () => {
    const message = autoMergeDigest({
      day: '2026-06-01',
      merges: [merge('mrg_1'), merge('mrg_2', { undone: { by: 'U0BOB', at: '2026-06-01T09:00:00Z' } })],
      labels: new Map([['per_A', 'Jane Doe']]),
    });
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Automatic merges on 2026-06-01', emoji: true } });
    expect(texts(message.blocks)).toContain(
      '`per_B` → *Jane Doe* `per_A` · 1 record moved\n99.8% likely · Email exact · by Concord (automatically) <!date^1780282800^{date_short_pretty} {time}|2026-06-01 03:00 UTC> · `mrg_1`',
    );
    expect(texts(message.blocks).join('\n')).toContain('↩️ Undone by <@U0BOB>');
    expect(buttonsOf(message.blocks).map((btn) => [btn.action_id, readMergeValue(btn.value)])).toEqual([['merge_undo:0', 'mrg_1']]);
    expect(message.text).toBe('2 automatic merges on 2026-06-01');
  });

  it("holds a busy day within Slack's limits", () => {
    const message = autoMergeDigest({ day: '2026-06-01', merges: Array.from({ length: 120 }, (_, i) => merge(`mrg_${i}`)) });
    expect(checkMessage(message)).toEqual([]);
    expect(texts(message.blocks).at(-1)).toBe('…and 80 more merges: `concord merges` lists them all.');
  });
});

describe('App Home', () => {
  const records = new Map([a, b].map((r) => [r.sourceKey, r]));
  const home = (isSteward: boolean, count = 3) =>
    appHome({
      isSteward,
      pending: Array.from({ length: count }, (_, i) => proposal({ proposalId: `prp_${i}` })),
      records,
      recentMerges: Array.from({ length: count }, (_, i) => merge(`mrg_${i}`)),
      exceptions: Array.from({ length: count }, (_, i) => ({ title: `Handoff ${i} waits <!here>`, detail: 'Two customers match the deal', at: '2026-06-01T08:00:00Z', link: 'https://app.example/x' })),
      links,
      now: new Date('2026-06-01T12:00:00Z'),
    });

  it('shows a steward the proposals waiting, recent merges with Undo and open exceptions', () => {
    const view = home(true);
    const headers = view.blocks.filter((blk): blk is HeaderBlock => blk.type === 'header').map((blk) => blk.text.text);
    expect(headers).toEqual(['Concord', 'Merge proposals waiting (3)', 'Recent merges', 'Open exceptions (3)']);
    expect(buttonsOf(view.blocks).map((btn) => btn.action_id)).toEqual([
      ...[0, 1, 2].flatMap((i) => [`proposal_approve:${i}`, `proposal_reject:${i}`, `proposal_unsure:${i}`]),
      'merge_undo:0',
      'merge_undo:1',
      'merge_undo:2',
    ]);
    expect(texts(view.blocks)).toContain('⚠️ <https://app.example/x|Handoff 0 waits &lt;!here&gt;>\nTwo customers match the deal\n<!date^1780300800^{date_short_pretty} {time}|2026-06-01 08:00 UTC>');
    expect(checkView(view)).toEqual([]);
  });

  it('shows everyone else the merges and exceptions, without the proposals', () => {
    const view = home(false);
    expect(texts(view.blocks).some((t) => t.startsWith('Merge proposals'))).toBe(false);
    expect(buttonsOf(view.blocks).map((btn) => btn.action_id)).toEqual(['merge_undo:0', 'merge_undo:1', 'merge_undo:2']);
  });

  it("stays within a Home view's 100 blocks however much there is", () => {
    const view = home(true, 60);
    expect(checkView(view)).toEqual([]);
    expect(texts(view.blocks)).toContain('…and 50 more proposals: `/concord queue` after these');
  });
});
