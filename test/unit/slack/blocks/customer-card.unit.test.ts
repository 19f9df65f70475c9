import type { InputBlock, KnownBlock, SectionBlock } from '@slack/types';
import fc from 'fast-check';
import { findDisagreements } from '../../../../functions/identity/golden/disagreements';
import { buildAccountViews, buildPersonViews } from '../../../../functions/identity/golden/entity-views';
import { DEFAULT_SURVIVORSHIP_RULES } from '../../../../functions/identity/golden/survivorship-rules';
import type { SourceRecord } from '../../../../functions/shared/canonical';
import { storedRecord as stored } from '../../../support/source-records';
import { checkMessage, checkView, customerCard, overrideModal, readOverrideSubmission, type CustomerCardInput, type DeepLinkConfig } from '../../../../slack/blocks';

const NOW = new Date('2026-06-01T00:00:00Z');

const links: DeepLinkConfig = { salesforce: { instanceUrl: 'https://acme.my.salesforce.com' }, hubspot: { portalId: '4512345' } };
const SF = 'https://acme.my.salesforce.com/lightning/r';

const salesforce = stored('salesforce', 'account', '001A', { name: 'Acme Corp', domain: 'acme.com', phone: '+1 415 555 0100', address: { street: '1 Main St', city: 'Springfield' } });
const hubspot = stored('hubspot', 'account', '9001', { name: 'ACME', domain: 'acme.com', address: { street: '2 Side St', city: 'Shelbyville' } }, { day: 2 });
const stripe = stored('stripe', 'account', 'cus_1', { name: 'Acme Corp', domain: 'acme.com' });
const subscription = stored('stripe', 'subscription', 'sub_1', { accountRef: 'cus_1', status: 'active', plan: 'Pro', quantity: 5, amount: 500, currency: 'USD', currentPeriodEnd: '2026-12-01T00:00:00Z' });
const jane = stored('salesforce', 'person', '003J', { accountRef: '001A', firstName: 'Jane', lastName: 'Doe', title: 'CFO', email: 'jane@acme.com' });
const openDeal = stored('salesforce', 'opportunity', '006O', { accountRef: '001A', name: 'Renewal 2027', amount: 12000, currency: 'USD', stage: 'Negotiation', isClosed: false, closeDate: '2026-07-01' });
const wonDeal = stored('salesforce', 'opportunity', '006W', { accountRef: '001A', name: 'First deal', amount: 9000, currency: 'USD', isClosed: true, isWon: true, closeDate: '2026-02-01' });

/** A unified customer as identity builds it: the real golden record, lifecycle and hierarchy. */
const customer = (members: SourceRecord[], related: SourceRecord[] = [subscription, jane]): CustomerCardInput => {
  const views = buildAccountViews({
    unifiedId: 'cus_ACME',
    members,
    related,
    personIdOf: new Map([[jane.sourceKey, 'per_JANE']]),
    overrides: [],
    rules: DEFAULT_SURVIVORSHIP_RULES,
    now: NOW,
  });
  return {
    entity: { unifiedId: 'cus_ACME', kind: 'account', label: views.label, members: members.map((m) => m.sourceKey).sort(), golden: views.golden, lifecycle: views.lifecycle, hierarchy: views.hierarchy },
    members,
    links,
    people: new Map([['per_JANE', 'Jane Doe']]),
    disagreements: findDisagreements({ unifiedId: 'cus_ACME', kind: 'account', members, golden: views.golden, ...(views.lifecycle ? { lifecycle: views.lifecycle } : {}) }),
  };
};

const texts = (blocks: readonly KnownBlock[]): string[] =>
  blocks.flatMap((b) => {
    if (b.type === 'section') return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
    if (b.type === 'context') return b.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []));
    if (b.type === 'header') return [b.text.text];
    return [];
  });

const sectionStarting = (blocks: readonly KnownBlock[], start: string): string => {
  const found = blocks.find((b): b is SectionBlock => b.type === 'section' && b.text?.text.startsWith(start) === true);
  if (!found?.text) throw new Error(`no section starts with ${start}`);
  return found.text.text;
};

/** Every `<…>` token Slack would read in the mrkdwn (a header is plain text, shown as is). */
const tokensOf = (blocks: readonly KnownBlock[]): string[] => texts(blocks.filter((b) => b.type !== 'header')).flatMap((t) => t.match(/<[^<>]*>/g) ?? []);

describe('the customer card', () => {
  const card = customerCard(customer([salesforce, hubspot, stripe]));

  it('names the customer and says where its records are', () => {
    expect(card.blocks.slice(0, 2)).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Acme Corp', emoji: true } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'Customer `cus_ACME`', verbatim: true },
          { type: 'mrkdwn', text: '3 records in Salesforce, HubSpot, Stripe', verbatim: true },
        ],
      },
    ]);
    expect(card.text).toBe('Acme Corp (cus_ACME), customer: 3 records in Salesforce, HubSpot, Stripe');
  });

  it('shows each golden value with the record it came from and the rule that chose it', () => {
    const fields = texts(card.blocks);
    expect(fields).toContain(`*Address*\n1 Main St, Springfield\n↳ <${SF}/Account/001A/view|Salesforce 001A> · _system priority_`);
    expect(fields).toContain('*Name*\nAcme Corp\n↳ Stripe `cus_1` · _system priority_');
    expect(fields).toContain(`*Domain*\nacme.com\n↳ <https://app.hubspot.com/contacts/4512345/record/0-2/9001|HubSpot 9001> · _most systems agree → newest_`);
  });

  it("lists every system's record, linked into that system where it is configured", () => {
    expect(sectionStarting(card.blocks, '*Records (3)*')).toBe(
      [
        '*Records (3)*',
        '• <https://app.hubspot.com/contacts/4512345/record/0-2/9001|HubSpot 9001> ACME',
        `• <${SF}/Account/001A/view|Salesforce 001A> Acme Corp`,
        '• Stripe `cus_1` Acme Corp',
      ].join('\n'),
    );
  });

  it('says which lifecycle rule decided the stage, and on what facts', () => {
    expect(sectionStarting(card.blocks, '*Lifecycle:*')).toBe(
      '*Lifecycle:* *customer*, by rule `customer-purchase`: a won opportunity, a live subscription, a paid invoice or a sales order\n• subscription to Pro × 5 is active (Stripe `sub_1`)',
    );
  });

  it('lists the people and the roles the evidence gives them', () => {
    expect(sectionStarting(card.blocks, '*Contacts')).toBe('*Contacts (1)*\n• *Jane Doe* `per_JANE`: *executive sponsor* (title: title "CFO" reads as executive (cfo))');
  });

  it('lists where the systems disagree, marking the value the golden record took', () => {
    expect(sectionStarting(card.blocks, '*Where the systems disagree')).toContain(
      `• *Address*: ✓ “1 Main St, Springfield” (<${SF}/Account/001A/view|Salesforce>) vs “2 Side St, Shelbyville” (<https://app.hubspot.com/contacts/4512345/record/0-2/9001|HubSpot>)`,
    );
  });

  it('ends with the button that opens the override modal', () => {
    expect(card.blocks.at(-1)).toEqual({
      type: 'actions',
      block_id: 'card_actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Override a value', emoji: true },
          action_id: 'card_override_open',
          value: 'entity:cus_ACME',
          accessibility_label: 'Choose which value Acme Corp shows for a field',
        },
      ],
    });
    expect(customerCard({ ...customer([salesforce]), canOverride: false }).blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('leaves out opportunities, tickets and health until a layer provides them', () => {
    expect(texts(card.blocks).some((t) => /Open opportunities|Open tickets|Health/.test(t))).toBe(false);
  });

  it('shows the open ones when they are given, and health with its drivers', () => {
    const ticket = stored('zendesk', 'ticket', '77', { subject: 'Login broken', status: 'open', priority: 'high' });
    const solved = stored('zendesk', 'ticket', '78', { subject: 'Old', status: 'solved' });
    const withLayers = customerCard({
      ...customer([salesforce, hubspot], [subscription, jane, openDeal, wonDeal]),
      opportunities: [openDeal, wonDeal],
      tickets: [ticket, solved],
      health: { score: 72.4, band: 'healthy', drivers: ['usage up 12% this month'] },
    });
    expect(sectionStarting(withLayers.blocks, '*Open opportunities')).toBe(`*Open opportunities (1)*\n• <${SF}/Opportunity/006O/view|Renewal 2027> · 12,000 USD · Negotiation · closes 2026-07-01`);
    expect(sectionStarting(withLayers.blocks, '*Open tickets')).toBe('*Open tickets (1)*\n• Login broken (Zendesk `77`) · open · high priority');
    expect(sectionStarting(withLayers.blocks, '*Health:*')).toBe('*Health:* *72*/100, healthy\n• usage up 12% this month');
    expect(checkMessage(withLayers)).toEqual([]);
  });

  it("keeps Slack's limits", () => {
    expect(checkMessage(card)).toEqual([]);
  });
});

describe('a card built from hostile CRM data', () => {
  const hostile = stored('salesforce', 'account', '001H', {
    name: '<!channel> *URGENT* <https://evil.example|Reset your password>',
    domain: 'evil.example',
    phone: '<@U0ADMIN>',
    address: { street: '> quoted\n<#C0GENERAL>', city: '&lt;!here&gt;' },
  });
  const card = customerCard({ ...customer([hostile, hubspot]), people: new Map([['per_JANE', '<!everyone>']]) });

  it('makes no mention, channel link or foreign link out of it: every token is a link Concord made', () => {
    const tokens = tokensOf(card.blocks);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(token).toMatch(/^<https:\/\/(acme\.my\.salesforce\.com|app\.hubspot\.com)\/[^|]*\|[^<>]*>$/);
    expect(card.text).not.toMatch(/[<>]/);
  });

  it('shows the hostile text as text', () => {
    expect(card.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '<!channel> *URGENT* <https://evil.example|Reset your password>', emoji: true } });
    expect(texts(card.blocks)).toContain('*Phone*\n&lt;@U0ADMIN&gt;\n↳ <https://acme.my.salesforce.com/lightning/r/Account/001H/view|Salesforce 001H> · _only source_');
  });
});

describe('a customer too big for one message', () => {
  const many = Array.from({ length: 400 }, (_, i) => stored('hubspot', 'account', String(10_000 + i), { name: `Acme ${i}`, domain: 'acme.com' }));
  const card = customerCard(customer(many));

  it('shows the first records and says how many more there are and where to see them', () => {
    const records = sectionStarting(card.blocks, '*Records (400)*').split('\n');
    expect(records).toHaveLength(1 + 15 + 1);
    expect(records[1]).toBe('• <https://app.hubspot.com/contacts/4512345/record/0-2/10000|HubSpot 10000> Acme 0');
    expect(records.at(-1)).toBe('…and 385 more (`concord lookup cus_ACME` shows all)');
  });

  it("still keeps Slack's limits", () => {
    expect(checkMessage(card)).toEqual([]);
  });
});

describe('any customer, whatever its systems hold', () => {
  const hostileText = fc.oneof(
    fc.string({ unit: fc.constantFrom('<!channel>', '<@U1>', '<#C1>', '<http://x.test|y>', '&amp;', '*', '_', '`', '>', '\n', 'a', '😀'), maxLength: 30 }),
    fc.string({ unit: 'grapheme', minLength: 1000, maxLength: 4000 }),
  );
  const account = fc.record({ name: hostileText, domain: hostileText, phone: hostileText, industry: hostileText, address: fc.record({ street: hostileText, city: hostileText }) });

  it("gets a card within Slack's limits holding no token but Concord's own links", () => {
    fc.assert(
      fc.property(fc.array(account, { minLength: 1, maxLength: 40 }), fc.boolean(), (accounts, withExtras) => {
        const members = accounts.map((fields, i) => stored(i % 2 === 0 ? 'salesforce' : 'zendesk', 'account', `00${i}`, fields, { day: i }));
        const input = customer(members);
        const card = customerCard({ ...input, ...(withExtras ? { opportunities: [openDeal], tickets: [], health: { score: 50, band: accounts[0]?.name ?? '', drivers: [accounts[0]?.domain ?? ''] } } : {}) });
        expect(checkMessage(card)).toEqual([]);
        for (const token of tokensOf(card.blocks)) expect(token).toMatch(/^<https:\/\/acme\.my\.salesforce\.com\/[^|<>]*\|[^<>]*>$/);
        expect(card.text).not.toMatch(/[<>]/);
      }),
      { numRuns: 40 },
    );
  });
});

describe('a person', () => {
  it('gets the same card, without lifecycle or contacts', () => {
    const a = stored('salesforce', 'person', '003A', { firstName: 'Jane', lastName: 'Doe', email: 'jane@acme.com' });
    const b = stored('zendesk', 'person', '42', { firstName: 'Jane', lastName: 'Doe', email: 'jane@acme.com', phone: '+1 415 555 0199' });
    const views = buildPersonViews({ unifiedId: 'per_JANE', members: [a, b], overrides: [], rules: DEFAULT_SURVIVORSHIP_RULES });
    const card = customerCard({ entity: { unifiedId: 'per_JANE', kind: 'person', label: views.label, members: [a.sourceKey, b.sourceKey], golden: views.golden }, members: [a, b], links });
    expect(card.blocks[1]).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'Person `per_JANE`', verbatim: true },
        { type: 'mrkdwn', text: '2 records in Salesforce, Zendesk', verbatim: true },
      ],
    });
    expect(texts(card.blocks)).toContain('*Phone*\n+1 415 555 0199\n↳ Zendesk `42` · _only source_');
    expect(texts(card.blocks).some((t) => t.startsWith('*Lifecycle') || t.startsWith('*Contacts'))).toBe(false);
    expect(checkMessage(card)).toEqual([]);
  });
});

describe('the override modal the card opens', () => {
  const input = customer([salesforce, hubspot]);
  const entity = { ...input.entity, rev: 4 };
  const members = [salesforce, hubspot];

  /** A view_submission's state, as Slack sends what the user chose. */
  const submitted = (
    modal: ReturnType<typeof overrideModal>,
    { field, source, value, reason }: { field?: string; source?: string; value?: string; reason?: string },
  ) => ({
    private_metadata: modal.private_metadata,
    state: {
      values: {
        override_field: { override_field: { type: 'static_select', selected_option: field === undefined ? null : { value: field } } },
        ...(modal.blocks.some((b) => b.block_id === 'override_source')
          ? { override_source: { override_source: { type: 'static_select', selected_option: source === undefined ? null : { value: source } } } }
          : {}),
        override_value: { override_value: { type: 'plain_text_input', value: value ?? null } },
        override_reason: { override_reason: { type: 'plain_text_input', value: reason ?? null } },
      },
    },
  });

  it('offers the golden fields, and for the chosen one each record holding a value', () => {
    const modal = overrideModal(entity, { members, field: 'name', dispatchFieldChoice: true });
    expect(modal).toMatchObject({ type: 'modal', callback_id: 'survivorship_override', title: { text: 'Override a value' }, submit: { text: 'Save' } });
    expect(JSON.parse(modal.private_metadata ?? '')).toEqual({ unifiedId: 'cus_ACME', rev: 4, wholeFields: ['address'] });
    const [, field, now, source] = modal.blocks;
    expect(field).toMatchObject({
      type: 'input',
      block_id: 'override_field',
      dispatch_action: true,
      element: { action_id: 'override_field', initial_option: { value: 'name' } },
    });
    expect(field?.type === 'input' && field.element.type === 'static_select' ? field.element.options?.map((o) => [o.text.text, o.value]) : []).toEqual([
      ['Address: 1 Main St, Springfield', 'address'],
      ['Domain: acme.com', 'domain'],
      ['Name: Acme Corp', 'name'],
      ['Phone: +1 415 555 0100', 'phone'],
    ]);
    expect(now).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Now: *Acme Corp* (from Salesforce `001A`)', verbatim: true }] });
    expect(source?.type === 'input' && source.element.type === 'static_select' ? source.element.options?.map((o) => [o.text.text, o.value]) : []).toEqual([
      ['HubSpot: ACME', 'name:hubspot#account#9001'],
      ['Salesforce: Acme Corp', 'name:salesforce#account#001A'],
    ]);
    expect(checkView(modal)).toEqual([]);
  });

  it('groups the values by field until a field is chosen', () => {
    const modal = overrideModal(entity, { members });
    const source = modal.blocks.find((b): b is InputBlock => b.type === 'input' && b.block_id === 'override_source');
    expect(source !== undefined && source.element.type === 'static_select' ? source.element.option_groups?.map((g) => [g.label.text, g.options.length]) : []).toEqual([
      ['Address', 2],
      ['Domain', 2],
      ['Name', 2],
      ['Phone', 1],
    ]);
    expect(checkView(modal)).toEqual([]);
  });

  it('offers only a typed value when the records are not given', () => {
    const modal = overrideModal(entity);
    expect(modal.blocks.map((b) => b.block_id ?? b.type)).toEqual(['section', 'override_field', 'override_value', 'override_reason']);
    expect(modal.blocks[1]).not.toHaveProperty('dispatch_action');
    expect(checkView(modal)).toEqual([]);
  });

  it('reads back the record chosen, with the entity and revision it was shown for', () => {
    const modal = overrideModal(entity, { members, field: 'name' });
    expect(readOverrideSubmission(submitted(modal, { field: 'name', source: 'name:hubspot#account#9001', reason: ' HubSpot has the trading name ' }))).toEqual({
      kind: 'override',
      override: { unifiedId: 'cus_ACME', rev: 4, field: 'name', sourceKey: 'hubspot#account#9001', reason: 'HubSpot has the trading name' },
    });
    expect(readOverrideSubmission(submitted(modal, { field: 'name', value: ' Acme Corporation ' }))).toEqual({
      kind: 'override',
      override: { unifiedId: 'cus_ACME', rev: 4, field: 'name', value: 'Acme Corporation', reason: '' },
    });
  });

  it('answers a wrong submission with errors beside the inputs at fault', () => {
    const modal = overrideModal(entity, { members });
    expect(readOverrideSubmission(submitted(modal, {}))).toEqual({ kind: 'errors', errors: { override_field: 'Choose a field.' } });
    expect(readOverrideSubmission(submitted(modal, { field: 'name' }))).toEqual({ kind: 'errors', errors: { override_source: 'Choose a record, or type the value.' } });
    expect(readOverrideSubmission(submitted(modal, { field: 'name', source: 'name:hubspot#account#9001', value: 'x' }))).toEqual({
      kind: 'errors',
      errors: { override_value: 'Choose a record or type a value, not both.' },
    });
    expect(readOverrideSubmission(submitted(modal, { field: 'name', source: 'domain:hubspot#account#9001' }))).toEqual({
      kind: 'errors',
      errors: { override_source: 'That value is for domain: choose one for name.' },
    });
    expect(readOverrideSubmission(submitted(modal, { field: 'address', value: '1 Other St' }))).toEqual({
      kind: 'errors',
      errors: { override_value: 'Address is taken whole from one record: choose a record above.' },
    });
    expect(readOverrideSubmission({ ...submitted(modal, { field: 'name', value: 'x' }), private_metadata: '{"unifiedId":"<!channel>"}' })).toEqual({
      kind: 'errors',
      errors: { override_field: 'This form is out of date: close it and open it again from the card.' },
    });
  });
});
