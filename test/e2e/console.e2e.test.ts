/**
 * The console page in a real browser (Debian's chromium, driven by playwright-core): a newcomer's
 * path through Concord without a Slack workspace. Every click goes from the page through the
 * console API to the local Slack, which sends it to the Concord app signed as Slack would; the
 * app answers through the local Slack's Web API and the page shows what changed.
 *
 * The runtime holds the generator's sample companies, two merge proposals put to the stewards as
 * identity raises them, and one customer whose CRM name is an attack on the page.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { proposalBetween } from '../../bench/generate/proposal';
import { generateWorld } from '../../bench/generate/world';
import type { EntityItem, ProposalItem } from '../../functions/identity/identity.store';
import { IDENTITY_EVENT_SOURCE } from '../../functions/shared/bus-envelope';
import type { ConsumerName } from '../../functions/shared/routing';
import type { LocalRuntime } from '../../local/runtime';
import { sendChanges } from '../../local/send-webhooks';
import { NON_STEWARD_USER_ID, STEWARD_USER_ID } from '../../local/slack/workspace';
import { openConsole } from '../support/console-browser';
import { startTestRuntime } from '../support/runtime';

jest.setTimeout(300_000);

const HOSTILE_NAME = '<img src=x onerror=alert(1)> <!channel> <https://evil.example|Reset your password>';

let runtime: LocalRuntime;
let browser: Browser;
let page: Page;
/** What the page said through alert/confirm/prompt, and the scripts that threw: both must stay empty. */
const dialogs: string[] = [];
const pageErrors: string[] = [];

let customer: { unifiedId: string; name: string };
let hostile: EntityItem;
let approved: { proposal: ProposalItem; a: EntityItem; b: EntityItem };
let refused: { proposal: ProposalItem };

/**
 * Waits until the pipeline has done what the test looks at. Write-back is left out: it talks to
 * the sandbox fakes, which this test never reads, and a write it retries must not hold the test up.
 */
const settle = async () => {
  const watched: ConsumerName[] = ['reconcile', 'identity', 'slack'];
  for (let pass = 0; pass < 10; pass++) {
    const before = runtime.bus.stats().published;
    for (const name of watched) await runtime.queues[name].drain(120_000);
    if (runtime.bus.stats().published === before) return;
  }
};

/** A pending proposal for two of the sample's people, published as identity publishes one. */
const proposeMerge = async (proposalId: string, a: EntityItem, b: EntityItem): Promise<ProposalItem> => {
  const proposal = proposalBetween(a, b, proposalId, new Date());
  expect(await runtime.identityStore.putProposal(proposal)).toBe(true);
  await runtime.bus.publish([{ source: IDENTITY_EVENT_SOURCE, detailType: 'identity.mergeProposed', detail: proposal }]);
  return proposal;
};

/** Reads the store until `done` holds: the worker finishes after the page has shown the click. */
const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

beforeAll(async () => {
  runtime = await startTestRuntime();
  const now = new Date();
  await sendChanges(runtime.url, generateWorld({ accounts: 4, seed: 3, now }).changes, { secretEnv: runtime.secretEnv, now });
  await sendChanges(runtime.url, { generic: [{ entityType: 'account', externalId: 'hostile-1', fields: { name: HOSTILE_NAME }, changeKind: 'upsert', occurredAt: now }] }, { secretEnv: runtime.secretEnv, now });
  await settle();

  const entities: EntityItem[] = [];
  for await (const batch of runtime.identityStore.scanEntities()) entities.push(...batch);
  const account = entities.filter((e) => e.kind === 'account' && e.members.length > 1).sort((x, y) => x.unifiedId.localeCompare(y.unifiedId))[0]!;
  customer = { unifiedId: account.unifiedId, name: (account.golden as { fields: { name: string } }).fields.name };
  hostile = (await runtime.identityStore.entityOfRecord('generic#account#hostile-1'))!;
  const people = entities.filter((e) => e.kind === 'person').sort((x, y) => x.unifiedId.localeCompare(y.unifiedId));
  const [p0, p1, p2, p3] = people;
  approved = { proposal: await proposeMerge('prp_CONSOLE1', p0!, p1!), a: p0!, b: p1! };
  refused = { proposal: await proposeMerge('prp_CONSOLE2', p2!, p3!) };
  await settle();

  ({ browser, page } = await openConsole(runtime.url, {
    pageErrors,
    onDialog: (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    },
  }));
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

// ---- the page, as a person uses it ----------------------------------------------------------------

const openChannel = async (name: string) => {
  await page.locator('#channel-list').getByRole('button', { name, exact: true }).click();
  await page.locator('#conversation-title', { hasText: `# ${name}` }).waitFor();
};

const becomeUser = async (userId: string, title: string) => {
  await page.selectOption('#user-switch', userId);
  await page.locator('#user-facts', { hasText: title }).waitFor();
};

const typeCommand = async (text: string) => {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
};

const messageWith = (text: string): Locator => page.locator('#messages .message', { hasText: text });

describe('the console', () => {
  it('shows the workspace as Dana Steward, a data steward, sees it', async () => {
    expect(await page.inputValue('#user-switch')).toBe(STEWARD_USER_ID);
    expect(await page.locator('#channel-list').innerText()).toMatch(/data-stewards[\s\S]*handoffs[\s\S]*customer-success[\s\S]*concord-alerts/);
    expect(await page.locator('#user-facts').innerText()).toContain('@data-stewards');
    // The old status page's facts are still on the page.
    expect(await page.locator('#runtime-facts').textContent()).toContain('"queues"');
  });

  it('looks a sample customer up with /concord and shows only Dana the card', async () => {
    await openChannel('handoffs');
    await typeCommand(`/concord lookup ${customer.name}`);
    const card = messageWith(customer.unifiedId);
    await card.waitFor();
    expect(await card.getAttribute('class')).toContain('ephemeral');
    expect(await card.locator('.ephemeral-note').innerText()).toBe('Only visible to you');
    expect(await card.locator('h3.header').allInnerTexts()).toContain(customer.name);
    expect(await card.innerText()).toMatch(/Golden record[\s\S]*Records \(\d+\)/);
    expect(await page.inputValue('#composer-input')).toBe('');
  });

  it('shows the pending merge proposals in #data-stewards with their decision buttons', async () => {
    await openChannel('data-stewards');
    for (const { proposalId } of [approved.proposal, refused.proposal]) {
      const message = messageWith(proposalId);
      await message.waitFor();
      expect(await message.getByRole('button').allInnerTexts()).toEqual(['Approve', 'Reject', 'Not sure']);
      expect(await message.locator('.button.primary').innerText()).toBe('Approve');
      expect(await message.locator('.button.danger').innerText()).toBe('Reject');
    }
  });

  it('approves a proposal as Dana: the message changes in place to who approved it, with Undo', async () => {
    const message = messageWith(approved.proposal.proposalId);
    await message.getByRole('button', { name: /^Approve/ }).click();
    await message.filter({ hasText: 'Approved by' }).waitFor();
    expect(await message.innerText()).toMatch(/Approved by @Dana Steward/);
    expect(await message.getByRole('button').allInnerTexts()).toEqual(['Undo merge']);
    expect(await messageWith(approved.proposal.proposalId).count()).toBe(1);
    const stored = await runtime.identityStore.getProposal(approved.proposal.proposalId);
    expect(stored).toMatchObject({ status: 'approved', decidedBy: STEWARD_USER_ID });
    expect(stored?.mergeId).toBeDefined();
  });

  it('refuses Sam Seller, who is no steward: only Sam sees why, and the proposal stays pending', async () => {
    await becomeUser(NON_STEWARD_USER_ID, 'Account executive');
    await messageWith(refused.proposal.proposalId).getByRole('button', { name: /^Approve/ }).click();
    const refusal = page.locator('#messages .message.ephemeral', { hasText: 'Only data stewards can decide merges' });
    await refusal.waitFor();
    expect(await refusal.locator('.ephemeral-note').innerText()).toBe('Only visible to you');
    expect((await runtime.identityStore.getProposal(refused.proposal.proposalId))?.status).toBe('pending');
    expect(await messageWith(refused.proposal.proposalId).getByRole('button').allInnerTexts()).toEqual(['Approve', 'Reject', 'Not sure']);
  });

  it('undoes the merge as Dana after the confirm dialog, in the message and in the store', async () => {
    await becomeUser(STEWARD_USER_ID, 'Data steward');
    expect(await page.locator('#messages .message', { hasText: 'Only data stewards can decide merges' }).count()).toBe(0);
    const message = messageWith(approved.proposal.proposalId);

    // Cancel in the dialog sends nothing: the button is still there to click.
    await message.getByRole('button', { name: 'Undo merge' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.locator('h2').innerText()).toBe('Undo this merge?');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    await message.getByRole('button', { name: 'Undo merge' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Undo', exact: true }).click();
    await message.filter({ hasText: 'Undone by' }).waitFor();
    expect(await message.innerText()).toMatch(/Undone by @Dana Steward/);
    expect(await message.getByRole('button').count()).toBe(0);

    const mergeId = (await runtime.identityStore.getProposal(approved.proposal.proposalId))!.mergeId!;
    expect((await runtime.identityStore.getMerge(mergeId))?.undone?.by).toBe(STEWARD_USER_ID);
    expect(await runtime.identityStore.getEntity(approved.a.unifiedId)).toMatchObject({ status: 'active', members: approved.a.members });
    expect(await runtime.identityStore.getEntity(approved.b.unifiedId)).toMatchObject({ status: 'active', members: approved.b.members });
  });

  it("opens the app's Home tab: stewards get the waiting proposals with buttons, others the list without", async () => {
    await page.locator('#app-list').getByRole('button').click();
    const home = page.locator('#home');
    await home.locator('h3', { hasText: 'Merge proposals waiting' }).waitFor();
    expect(await home.innerText()).toContain(refused.proposal.proposalId);
    expect(await home.getByRole('button', { name: /^Approve/ }).count()).toBeGreaterThan(0);

    await becomeUser(NON_STEWARD_USER_ID, 'Account executive');
    await home.locator('h3', { hasText: 'Recent merges' }).waitFor();
    expect(await home.innerText()).not.toContain('Merge proposals waiting');
    expect(await home.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    await becomeUser(STEWARD_USER_ID, 'Data steward');
  });

  it('overrides a value in the modal: the app keeps it open with its errors, then saves and says so in a DM', async () => {
    await openChannel('handoffs');
    await messageWith(customer.unifiedId).getByRole('button', { name: `Choose which value ${customer.name} shows for a field` }).click();
    const modal = page.getByRole('dialog');
    expect(await modal.locator('h2').innerText()).toBe('Override a value');

    await modal.getByRole('button', { name: 'Save' }).click();
    await modal.locator('.field-error', { hasText: 'Choose a field.' }).waitFor();

    await modal.getByLabel('Field', { exact: true }).selectOption('name');
    // Choosing the field sends it at once; the app redraws the modal with that field's values only.
    await modal.locator('.context', { hasText: 'Now:' }).waitFor();
    expect(await modal.locator('.field-error').count()).toBe(0);
    const source = modal.getByLabel(/^Value from a record/);
    const choice = (await source.locator('option:not([disabled])').first().getAttribute('value'))!;
    await source.selectOption(choice);
    await modal.getByLabel(/^Why/).fill('The CRM spelling is the legal name');
    await modal.getByRole('button', { name: 'Save' }).click();
    await modal.waitFor({ state: 'detached' });

    const entity = await eventually(
      () => runtime.identityStore.getEntity(customer.unifiedId),
      (e) => (e?.overrides as { field: string }[] | undefined)?.some((o) => o.field === 'name') === true,
    );
    expect(entity?.overrides).toContainEqual(expect.objectContaining({ field: 'name', by: STEWARD_USER_ID, sourceKey: choice.slice('name:'.length), reason: 'The CRM spelling is the legal name' }));
    await page.locator('#app-list').getByRole('button').click();
    await page.getByRole('tab', { name: 'Messages' }).click();
    await messageWith('now comes from your choice (audited)').waitFor();
  });

  it("shows hostile CRM text as text: no element, no mention, no link, and no script runs", async () => {
    await openChannel('handoffs');
    await typeCommand(`/concord lookup ${hostile.unifiedId}`);
    const card = page.locator('#messages .message', { has: page.locator('h3.header') }).filter({ hasText: hostile.unifiedId });
    await card.waitFor();
    expect(await card.locator('h3.header').textContent()).toBe(HOSTILE_NAME);
    expect(await card.innerText()).toContain('<img src=x onerror=alert(1)> <!channel>');
    expect(await page.locator('#messages img').count()).toBe(0);
    expect(await card.locator('.mention').count()).toBe(0);
    expect(await card.locator('a[href^="https://evil.example"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('reads mrkdwn as Slack does: formatting at word edges, safe links, mentions, dates from their fallback', async () => {
    const cases: [string, string][] = [
      ['*bold* _italic_ ~struck~ `co*de*`', '<strong>bold</strong> <em>italic</em> <s>struck</s> <code>co*de*</code>'],
      ['first_last@example.com is 2*3*4', 'first_last@example.com is 2*3*4'],
      ['*<https://a.example/x?y=1&amp;z=2|A &amp; B>*', '<strong><a href="https://a.example/x?y=1&amp;z=2" target="_blank" rel="noopener noreferrer">A &amp; B</a></strong>'],
      ['<javascript:alert(1)|click me> <mailto:a@b.example>', 'click me <a href="mailto:a@b.example" target="_blank" rel="noopener noreferrer">a@b.example</a>'],
      ['<@U0STEWARD> in <#C0STEWARDS> for <!subteam^S0STEWARDS>', '<span class="mention">@Dana Steward</span> in <span class="mention">#data-stewards</span> for <span class="mention">@data-stewards</span>'],
      ['&lt;!channel&gt; &amp;lt;b&amp;gt;', '&lt;!channel&gt; &amp;lt;b&amp;gt;'],
      ['&gt; quoted\nplain\n```pre *x*```', '<blockquote>quoted</blockquote>plain<pre>pre *x*</pre>'],
      ['one\n\ntwo ```unclosed', 'one<br><br>two ```unclosed'],
    ];
    // A string, so the function runs in the page as written (no test-side transform of import()).
    const rendered = (await page.evaluate(`(async () => {
      const { renderMrkdwn } = await import('/console/assets/mrkdwn.js');
      const names = { U0STEWARD: 'Dana Steward', C0STEWARDS: 'data-stewards', S0STEWARDS: 'data-stewards' };
      const directory = { userName: (id) => names[id], channelName: (id) => names[id], groupHandle: (id) => names[id] };
      const html = (text) => { const box = document.createElement('div'); box.append(renderMrkdwn(text, directory)); return box.innerHTML; };
      return {
        cases: ${JSON.stringify(cases.map(([text]) => text))}.map(html),
        date: (() => { const box = document.createElement('div'); box.append(renderMrkdwn('<!date^1700000000^{date_short}|2023-11-14 22:13 UTC>')); const time = box.querySelector('time'); return [time.textContent, time.dateTime]; })(),
      };
    })()`)) as { cases: string[]; date: string[] };
    expect(rendered.cases).toEqual(cases.map(([, html]) => html));
    expect(rendered.date).toEqual(['2023-11-14 22:13 UTC', '2023-11-14T22:13:20.000Z']);
  });
});

describe('the console API', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${runtime.url}/console/api/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const state = (params: Record<string, string>) => fetch(`${runtime.url}/console/api/state?${new URLSearchParams(params)}`);

  it('takes changes only as JSON from its own page, so another site cannot click for the person', async () => {
    const command = { user: STEWARD_USER_ID, channel: 'C0HANDOFFS', text: '/concord help' };
    const before = runtime.slack.emulator.calls().length;
    expect((await post('command', command, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('command', command, { 'content-type': 'application/json', origin: 'http://evil.example' })).status).toBe(403);
    expect(runtime.slack.emulator.calls().length).toBe(before);
    expect((await post('command', { ...command, text: 'help' })).status).toBe(400);
  });

  it("shows a person their own conversations only: never someone else's direct messages", async () => {
    const dana = (await (await state({ user: STEWARD_USER_ID })).json()) as { conversations: { id: string; isIm: boolean }[] };
    const danasIm = dana.conversations.find((c) => c.isIm)!.id;
    const sam = await state({ user: NON_STEWARD_USER_ID, channel: danasIm });
    expect(sam.status).toBe(404);
    expect(await sam.json()).toMatchObject({ error: 'no-such-conversation' });
    expect((await state({ user: 'U0NOBODY' })).status).toBe(404);
    expect((await state({ user: 'not a user id' })).status).toBe(400);
  });

  it('answers a click Slack would not allow (a message that is not there) with 409 and why', async () => {
    const answer = await post('action', { user: STEWARD_USER_ID, on: { channel: 'C0STEWARDS', ts: '1.000001' }, actionId: 'proposal_approve' });
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ error: 'not-possible', detail: expect.stringContaining('no message 1.000001') });
  });

  it('streams a notice for each change of the local Slack, naming where it happened', async () => {
    const stream = new AbortController();
    const response = await fetch(`${runtime.url}/console/api/events`, { signal: stream.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    expect((await post('command', { user: NON_STEWARD_USER_ID, channel: 'C0ALERTS', text: '/concord help' })).status).toBe(200);
    // The help text the app answered with, shown to Sam alone: the notice names the channel and Sam, not the text.
    const notice = `event: change\ndata: ${JSON.stringify({ kind: 'ephemeral-posted', channel: 'C0ALERTS', user: NON_STEWARD_USER_ID })}\n\n`;
    let received = '';
    while (!received.includes(notice)) received += new TextDecoder().decode((await reader.read()).value);
    stream.abort();
    expect(received).not.toContain('lookup');
  });
});
