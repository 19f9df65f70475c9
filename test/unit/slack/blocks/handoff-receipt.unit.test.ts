import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock, UsersSelect } from '@slack/types';
import type { HandoffItem, StepState } from '../../../../functions/handoffs/handoff';
import {
  ACTION_IDS,
  appHome,
  checkMessage,
  checkView,
  handoffHomeException,
  handoffReceipt,
  ownerNoticeMessage,
  playbookPausedAlert,
  playbookResumedAlert,
  playbookResumedNote,
  readHandoffValue,
  readPlaybookValue,
  type ReceiptPlaybook,
} from '../../../../slack/blocks';

const playbook: ReceiptPlaybook = {
  title: 'Closed-won → ERP and onboarding',
  receivingTeam: 'Onboarding',
  steps: [
    { id: 'erp-customer', kind: 'erp.customer' },
    { id: 'erp-sales-order', kind: 'erp.salesOrder' },
    { id: 'cs-owner', kind: 'cs.assignOwner' },
    { id: 'kickoff', kind: 'calendar.kickoff' },
  ],
};

const pending: StepState = { status: 'pending', attempts: 0, records: [], values: {} };

const handoff = (overrides: Partial<HandoffItem> = {}): HandoffItem => ({
  handoffId: 'hof_abc-DEF_123',
  playbook: 'closed-won',
  trigger: { kind: 'opportunityWon', key: 'salesforce#opportunity#006A', title: 'Opportunity Acme — Platform closed-won', occurredAt: '2026-06-01T09:00:00.000Z' },
  status: 'running',
  accountName: 'Acme Corp',
  stepOrder: ['erp-customer', 'erp-sales-order', 'cs-owner', 'kickoff'],
  steps: {
    'erp-customer': {
      status: 'done',
      attempts: 1,
      records: [{ system: 'netsuite', kind: 'customer', id: '4711', url: 'https://sandbox.example/netsuite/customer/4711', existed: false }],
      values: {},
      summary: 'Customer Acme Corp',
    },
    'erp-sales-order': { status: 'failed', attempts: 3, records: [], values: {}, error: 'NetSuite answered 503' },
    'cs-owner': { status: 'done', attempts: 1, records: [], values: { email: 'maya.chen@concord.example', name: 'Maya Chen' }, summary: 'CS owner: Maya Chen' },
    kickoff: pending,
  },
  history: [],
  createdAt: '2026-06-01T09:00:01.000Z',
  updatedAt: '2026-06-01T09:00:05.000Z',
  version: 7,
  ...overrides,
});

const exception = { reason: 'step-failed' as const, detail: 'erp-sales-order failed 3 times: NetSuite answered 503', at: '2026-06-01T09:01:00.000Z', stepId: 'erp-sales-order' };

const textOf = (block: KnownBlock): string => {
  if (block.type === 'header') return (block as HeaderBlock).text.text;
  if (block.type === 'section') {
    const s = block as SectionBlock;
    return [s.text?.text ?? '', ...(s.fields ?? []).map((f) => f.text)].join('\n');
  }
  if (block.type === 'context') return (block as ContextBlock).elements.map((e) => ('text' in e ? e.text : '')).join(' ');
  return '';
};
const allText = (blocks: readonly KnownBlock[]) => blocks.map(textOf).join('\n');
const elementsOf = (blocks: readonly KnownBlock[]) => [
  ...blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements),
  ...blocks.flatMap((b) => (b.type === 'section' && (b as SectionBlock).accessory ? [(b as SectionBlock).accessory!] : [])),
];
const actionIdsOf = (blocks: readonly KnownBlock[]) => elementsOf(blocks).map((e) => (e as { action_id?: string }).action_id);

describe('the handoff receipt', () => {
  it('names the playbook and account, and gives one line per step in order: done with its links, failed with its error, waiting', () => {
    const { blocks, text } = handoffReceipt({ handoff: handoff(), playbook });
    expect((blocks[0] as HeaderBlock).text.text).toBe('Closed-won → ERP and onboarding · Acme Corp');
    expect(text).toBe('Closed-won → ERP and onboarding · Acme Corp: running');
    const steps = blocks.map(textOf).find((t) => t.startsWith('*Steps*'))!.split('\n');
    expect(steps).toEqual([
      '*Steps*',
      '✅ *ERP customer* — Customer Acme Corp · <https://sandbox.example/netsuite/customer/4711|Customer 4711>',
      '❌ *ERP sales order* — NetSuite answered 503',
      '✅ *CS owner assigned* — CS owner: Maya Chen',
      '⏳ *Kickoff meeting* _(waiting)_',
    ]);
  });

  it('says who owns what next: the CS owner from the cs-owner step, and the receiving team', () => {
    const shown = allText(handoffReceipt({ handoff: handoff(), playbook }).blocks);
    expect(shown).toContain('*CS owner*\nMaya Chen (maya.chen@concord.example)');
    expect(shown).toContain('*Receiving team*\nOnboarding');
  });

  it('shows an open exception with Retry, Assign and Resolve (which asks first), all naming the handoff', () => {
    const { blocks } = handoffReceipt({ handoff: handoff({ status: 'exception', exception: { ...exception, assignee: 'U0SUCCESS' } }), playbook });
    const shown = allText(blocks);
    expect(shown).toContain('⚠️ *A step failed*\nerp-sales-order failed 3 times: NetSuite answered 503\nAssigned to <@U0SUCCESS>');
    const exceptionActions = blocks.find((b): b is ActionsBlock => b.type === 'actions')!;
    expect(readHandoffValue(exceptionActions.block_id)).toBe('hof_abc-DEF_123');
    const [retry, assign, resolve] = exceptionActions.elements as [Button, UsersSelect, Button];
    expect([retry.action_id, assign.action_id, resolve.action_id]).toEqual([ACTION_IDS.handoffRetry, ACTION_IDS.handoffAssign, ACTION_IDS.handoffResolve]);
    expect(readHandoffValue(retry.value)).toBe('hof_abc-DEF_123');
    expect(assign).toMatchObject({ type: 'users_select', initial_user: 'U0SUCCESS' });
    expect(resolve.confirm?.title?.text).toBe('Resolve by hand?');
  });

  it('keeps a resolved exception on record without its buttons, saying who resolved it', () => {
    const resolved = handoff({
      status: 'resolved',
      exception,
      history: [{ at: '2026-06-01T10:00:00.000Z', by: 'U0ADMIN', action: 'resolved', detail: 'order keyed in by hand' }],
    });
    const { blocks } = handoffReceipt({ handoff: resolved, playbook });
    expect(allText(blocks)).toMatch(/✔️ Resolved by <@U0ADMIN> <!date\^\d+\^[^|]+\|2026-06-01 10:00 UTC>: order keyed in by hand/);
    expect(actionIdsOf(blocks)).not.toEqual(expect.arrayContaining([ACTION_IDS.handoffRetry, ACTION_IDS.handoffResolve, ACTION_IDS.handoffAssign]));
  });

  it('offers the receiving team Confirm until someone confirms, then says who and when', () => {
    const open = handoffReceipt({ handoff: handoff({ status: 'completed' }), playbook });
    expect(actionIdsOf(open.blocks)).toEqual([ACTION_IDS.handoffConfirm]);
    expect(allText(open.blocks)).toContain('Onboarding: confirm you have taken this over.');

    const confirmed = handoffReceipt({ handoff: handoff({ status: 'completed', confirmation: { by: 'U0SUCCESS', at: '2026-06-02T08:30:00.000Z' } }), playbook });
    expect(actionIdsOf(confirmed.blocks)).toEqual([]);
    expect(allText(confirmed.blocks)).toMatch(/✅ Confirmed by <@U0SUCCESS> <!date\^\d+\^[^|]+\|2026-06-02 08:30 UTC>/);
    expect(confirmed.text).toContain('completed, confirmed');
  });

  it('has nothing to confirm on a skipped handoff', () => {
    expect(actionIdsOf(handoffReceipt({ handoff: handoff({ status: 'skipped' }), playbook }).blocks)).toEqual([]);
  });

  it('escapes what the CRM and the targets said: no pings, no spoofed links, no mentions', () => {
    const hostile = handoff({
      accountName: '<!channel> Acme',
      trigger: { ...handoff().trigger, title: '<https://evil.example|Reset your password>' },
      status: 'exception',
      exception: { ...exception, detail: '<@U0ADMIN> please wire the money' },
      steps: {
        ...handoff().steps,
        'erp-customer': { ...handoff().steps['erp-customer']!, summary: '<!here> done', records: [{ system: 'netsuite', kind: 'customer', id: '1', url: 'javascript:alert(1)', existed: true }] },
        'erp-sales-order': { ...handoff().steps['erp-sales-order']!, error: '<!everyone> 503' },
      },
    });
    const { blocks, text } = handoffReceipt({ handoff: hostile, playbook });
    const mrkdwn = blocks.filter((b) => b.type !== 'header').map(textOf).join('\n');
    expect(mrkdwn).not.toMatch(/<!(channel|here|everyone)>|<@U0ADMIN>|<https:\/\/evil|<javascript/);
    expect(mrkdwn).toContain('&lt;!here&gt; done');
    expect(mrkdwn).toContain('Customer 1 _(already there)_');
    expect(text).toContain('&lt;!channel&gt; Acme');
  });

  it('stays within Block Kit limits with many long steps', () => {
    const stepOrder = Array.from({ length: 40 }, (_, i) => `step-${i}`);
    const long = 'x'.repeat(5000);
    const steps = Object.fromEntries(
      stepOrder.map((id): [string, StepState] => [id, { status: 'done', attempts: 1, values: {}, summary: long, records: Array.from({ length: 5 }, (_, n) => ({ system: 'asana', kind: 'project', id: `${n}`, url: `https://a.example/${long}`, existed: false })) }]),
    );
    const { blocks, text } = handoffReceipt({ handoff: handoff({ stepOrder, steps, accountName: long, status: 'exception', exception: { ...exception, detail: long } }), playbook });
    expect(checkMessage({ text, blocks })).toEqual([]);
    expect(allText(blocks)).toMatch(/…and \d+ more steps/);
  });

  it('still draws a handoff whose playbook is no longer shipped', () => {
    const { blocks } = handoffReceipt({ handoff: handoff() });
    expect((blocks[0] as HeaderBlock).text.text).toBe('closed-won · Acme Corp');
    expect(allText(blocks)).toContain('*erp-customer*');
    expect(allText(blocks)).toContain('*CS owner*\nMaya Chen');
  });
});

describe('handoff exceptions on App Home', () => {
  it('are listed with the quarantined deliveries, escaped there', () => {
    const row = handoffHomeException({ handoff: handoff({ status: 'exception', accountName: '<!channel> Acme', exception }), playbook });
    expect(row).toEqual({
      title: 'Handoff stopped: Closed-won → ERP and onboarding · <!channel> Acme',
      detail: 'A step failed: erp-sales-order failed 3 times: NetSuite answered 503',
      at: '2026-06-01T09:01:00.000Z',
    });
    const view = appHome({ isSteward: false, pending: [], records: new Map(), recentMerges: [], exceptions: [row], links: {}, now: new Date('2026-06-01T12:00:00Z') });
    expect(checkView(view)).toEqual([]);
    const shown = JSON.stringify(view);
    expect(shown).toContain('Handoff stopped');
    expect(shown).not.toContain('<!channel>');
  });
});

describe('playbook alerts', () => {
  const paused = { playbook: 'closed-won', title: 'Closed-won → ERP and onboarding', reason: '3 of the last 4 handoffs failed', at: '2026-06-01T11:00:00.000Z' };

  it('puts a paused playbook to the channel with Resume, which asks first', () => {
    const alert = playbookPausedAlert(paused);
    expect(checkMessage(alert)).toEqual([]);
    expect(allText(alert.blocks)).toContain('3 of the last 4 handoffs failed');
    const [resume] = elementsOf(alert.blocks) as Button[];
    expect(resume!.action_id).toBe(ACTION_IDS.playbookResume);
    expect(readPlaybookValue(resume!.value)).toBe('closed-won');
    expect(resume!.confirm).toBeDefined();
  });

  it('says who resumed it and drops the button once resumed', () => {
    const alert = playbookResumedAlert(paused, { by: 'U0ADMIN', at: '2026-06-01T11:30:00.000Z', released: 2 });
    expect(elementsOf(alert.blocks)).toEqual([]);
    expect(allText(alert.blocks)).toMatch(/▶️ Resumed by <@U0ADMIN> <!date[^>]+>: 2 held handoffs released\./);
    expect(playbookResumedNote(paused, { by: 'concord-cli', at: '2026-06-01T11:30:00.000Z', released: 1 }).text).toBe('Playbook Closed-won → ERP and onboarding resumed by concord-cli');
  });
});

describe('the owner notice', () => {
  it('is the handoff’s text, escaped', () => {
    expect(ownerNoticeMessage('Closed-won: <!channel> Acme is yours now.')).toEqual({
      text: 'Closed-won: &lt;!channel&gt; Acme is yours now.',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Closed-won: &lt;!channel&gt; Acme is yours now.', verbatim: true } }],
    });
  });
});
