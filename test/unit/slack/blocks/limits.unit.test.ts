import type { KnownBlock, ModalView } from '@slack/types';
import { assertMessageWithinLimits, assertViewWithinLimits, checkMessage, checkView, SlackLimitError } from '../../../../slack/blocks/limits';

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(text) });
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({ type: 'button' as const, text: plain('Go'), action_id: actionId, value: 'v', ...extra });

const rulesOf = (blocks: KnownBlock[]) => checkMessage({ blocks }).map((v) => `${v.path} ${v.rule}`);

describe("a message within Slack's limits", () => {
  it('passes a message that keeps every limit', () => {
    const blocks: KnownBlock[] = [
      { type: 'header', text: plain('h'.repeat(150)) },
      { type: 'section', text: mrkdwn('x'.repeat(3000)), accessory: button('a') },
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('f'.repeat(2000))) },
      { type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) },
      { type: 'actions', block_id: 'b'.repeat(255), elements: Array.from({ length: 25 }, (_, i) => button(`act${i}`)) },
    ];
    expect(checkMessage({ text: 'fallback', blocks })).toEqual([]);
  });

  it('counts blocks: 50 in a message', () => {
    expect(rulesOf(Array.from({ length: 50 }, () => section('x')))).toEqual([]);
    expect(checkMessage({ blocks: Array.from({ length: 51 }, () => section('x')) })).toEqual([{ path: 'blocks', rule: 'messageBlocks', limit: 50, actual: 51 }]);
  });

  it('finds each text too long, with where it is', () => {
    const blocks: KnownBlock[] = [
      section('x'.repeat(3001)),
      { type: 'section', fields: [mrkdwn('ok'), mrkdwn('f'.repeat(2001))] },
      { type: 'header', text: plain('h'.repeat(151)) },
      { type: 'actions', elements: [button('a', { text: plain('b'.repeat(76)), value: 'v'.repeat(2001), url: `https://x.test/${'u'.repeat(3000)}` })] },
    ];
    expect(rulesOf(blocks)).toEqual([
      'blocks[0].text.text sectionText',
      'blocks[1].fields[1].text fieldText',
      'blocks[2].text.text headerText',
      'blocks[3].elements[0].text.text buttonText',
      'blocks[3].elements[0].value buttonValue',
      'blocks[3].elements[0].url buttonUrl',
    ]);
  });

  it('counts fields, context elements and actions', () => {
    expect(
      rulesOf([
        { type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) },
        { type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) },
        { type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`a${i}`)) },
      ]),
    ).toEqual(['blocks[0].fields sectionFields', 'blocks[1].elements contextElements', 'blocks[2].elements actionsElements']);
  });

  it('wants action ids and block ids unique across the message, and within 255 characters', () => {
    expect(
      rulesOf([
        { type: 'actions', block_id: 'row', elements: [button('approve'), button('approve')] },
        { type: 'actions', block_id: 'row', elements: [button('x'.repeat(256))] },
      ]),
    ).toEqual(['blocks[0].elements[1].action_id duplicateActionId', 'blocks[1].block_id duplicateBlockId', 'blocks[1].elements[0].action_id actionId']);
  });

  it('refuses empty texts, sections with nothing, header and button text that is not plain', () => {
    expect(
      rulesOf([
        section(''),
        { type: 'section' } as KnownBlock,
        { type: 'header', text: mrkdwn('h') } as unknown as KnownBlock,
        { type: 'actions', elements: [] },
      ]),
    ).toEqual(['blocks[0].text.text emptyText', 'blocks[1] sectionWithoutText', 'blocks[2].text.type plainTextRequired', 'blocks[3].elements emptyElements']);
  });

  it('checks confirm dialogs and select options', () => {
    const confirm = { title: plain('t'.repeat(101)), text: mrkdwn('x'.repeat(301)), confirm: plain('c'.repeat(31)), deny: plain('d') };
    const option = (value: string) => ({ text: plain('o'), value });
    expect(
      rulesOf([
        { type: 'actions', elements: [button('a', { confirm })] },
        {
          type: 'section',
          text: mrkdwn('pick'),
          accessory: { type: 'static_select', action_id: 's', options: [option('x'.repeat(151)), option('b')], initial_option: option('missing') },
        },
      ]),
    ).toEqual([
      'blocks[0].elements[0].confirm.title.text confirmTitle',
      'blocks[0].elements[0].confirm.text.text confirmText',
      'blocks[0].elements[0].confirm.confirm.text confirmButton',
      'blocks[1].accessory.options[0].value optionValue',
      'blocks[1].accessory.initial_option initialOptionMissing',
    ]);
  });

  it('throws a SlackLimitError naming every violation', () => {
    expect(() => assertMessageWithinLimits({ blocks: [section('x'.repeat(3001))] })).toThrow(SlackLimitError);
    expect(() => assertMessageWithinLimits({ blocks: [section('x'.repeat(3001))] })).toThrow('blocks[0].text.text: sectionText 3001 > 3000');
    const ok = { text: 't', blocks: [section('x')] };
    expect(assertMessageWithinLimits(ok)).toBe(ok);
  });
});

describe("a view within Slack's limits", () => {
  const modal = (extra: Partial<ModalView> = {}): ModalView => ({ type: 'modal', title: plain('Override a value'), blocks: [section('x')], ...extra });

  it('holds 100 blocks, a 24-character title and buttons, 3,000 characters of private metadata', () => {
    expect(checkView(modal({ blocks: Array.from({ length: 100 }, () => section('x')), private_metadata: 'm'.repeat(3000) }))).toEqual([]);
    expect(
      checkView(
        modal({
          title: plain('t'.repeat(25)),
          submit: plain('s'.repeat(25)),
          close: plain('c'.repeat(25)),
          private_metadata: 'm'.repeat(3001),
          callback_id: 'c'.repeat(256),
          blocks: Array.from({ length: 101 }, () => section('x')),
        }),
      ).map((v) => v.rule),
    ).toEqual(['viewBlocks', 'privateMetadata', 'callbackId', 'viewTitle', 'viewButton', 'viewButton']);
  });

  it('wants a submit button when the modal has inputs, and checks the inputs', () => {
    const input: KnownBlock = { type: 'input', label: plain('l'.repeat(2001)), element: { type: 'plain_text_input', action_id: 'v', max_length: 3001 } };
    expect(checkView(modal({ blocks: [input] })).map((v) => `${v.path} ${v.rule}`)).toEqual([
      'blocks[0].label.text inputLabel',
      'blocks[0].element.max_length plainTextInput',
      'submit submitRequired',
    ]);
  });

  it('applies the same block rules to App Home', () => {
    expect(checkView({ type: 'home', blocks: Array.from({ length: 101 }, () => section('x')) })).toEqual([{ path: 'blocks', rule: 'viewBlocks', limit: 100, actual: 101 }]);
    expect(() => assertViewWithinLimits({ type: 'home', blocks: [section('')] })).toThrow(SlackLimitError);
  });
});
