/**
 * Handoffs in the console page, in a real browser (Debian's chromium, driven by playwright-core):
 * "Try a handoff" closes a fresh sample deal as won in Salesforce, sent as Salesforce's signed
 * webhooks; the closed-won playbook runs against the sandbox systems and its one receipt in
 * #handoffs is updated in place until every step is done, with a link to each record made. Then the
 * exceptions a person must handle (a contract in legal review) and the circuit breaker (an ERP that
 * refuses every request) are seen, and acted on, on the same page.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { handoffIdOf } from '../../functions/handoffs/handoff';
import { createSampleDeals } from '../../local/console/sample-deals';
import type { LocalRuntime } from '../../local/runtime';
import { STEWARD_USER_ID } from '../../local/slack/workspace';
import { openConsole } from '../support/console-browser';
import { startTestRuntime } from '../support/runtime';

jest.setTimeout(180_000);

/** A handoff runs in seconds; this is room for a slow, shared machine. */
const HANDOFF_MS = 60_000;

let runtime: LocalRuntime;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** The customers the page's deals were made for, in order. */
const started: string[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime();
  ({ browser, page } = await openConsole(runtime.url, { pageErrors }));
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

interface StartedDeal {
  name: string;
  opportunityId: string;
}

/** Clicks one of "Try a handoff"'s deal buttons: the page is answered at once and shows #handoffs. */
const startDeal = async (button: string): Promise<StartedDeal & { handoffId: string }> => {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/api/sample-deals')),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  expect(response.status()).toBe(202);
  const deal = (await response.json()) as StartedDeal;
  started.push(deal.name);
  await page.locator('#conversation-title', { hasText: '# handoffs' }).waitFor();
  return { ...deal, handoffId: handoffIdOf('closed-won', `salesforce#opportunity#${deal.opportunityId}`) };
};

/**
 * The closed-won receipt of the sample customer `name`: titled `Closed-won → … · <name> Inc.`, or
 * after its trigger when it stopped before reading the account. (Opening the deal moved the
 * customer from lead to prospect, so a lead → opportunity receipt names it too.)
 */
const receiptOf = (name: string): Locator => page.locator('#messages .message', { has: page.locator('h3.header', { hasText: new RegExp(`^Closed-won .*· ${name}\\b`) }) });

const stepLines = async (receipt: Locator): Promise<string[]> => {
  const steps = await receipt.locator('.section-text', { hasText: /^Steps/ }).innerText();
  return steps.split('\n').slice(1);
};

describe('a handoff from the console', () => {
  let won: StartedDeal & { handoffId: string };

  it('closes a sample deal as won: one receipt in #handoffs, every step done, a link to each record', async () => {
    won = await startDeal('Close a sample deal as won');
    const receipt = receiptOf(won.name);
    await receipt.filter({ hasText: 'Completed' }).waitFor({ timeout: HANDOFF_MS });
    expect(await receipt.count()).toBe(1);

    const lines = await stepLines(receipt);
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/^✅ /);
    expect(await receipt.innerText()).toMatch(/CS owner\s+\S[^\n]*@concord\.example/);

    // A link to each record with a page of its own (the ERP customer and sales order, the project,
    // the kickoff), every one opening in the sandbox.
    const hrefs = await receipt.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.map((href) => href.replace(/[^/]+$/, ''))).toEqual(
      expect.arrayContaining(['netsuite/records/customer/', 'netsuite/records/salesOrder/', 'asana/records/project/', 'google-calendar/records/event/'].map((path) => `${runtime.url}/sandbox/${path}`)),
    );
    for (const href of hrefs) {
      expect(href.startsWith(`${runtime.url}/sandbox/`)).toBe(true);
      expect((await fetch(href)).status).toBe(200);
    }
  });

  it('opens a record the receipt links to in the sandbox', async () => {
    const link = receiptOf(won.name).locator('a', { hasText: /^Sales order/ });
    const href = (await link.getAttribute('href'))!;
    const [popup] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(href);
    // A string, so it runs in the page as written: what the browser got when it opened the link.
    const status = await popup.evaluate("performance.getEntriesByType('navigation')[0].responseStatus");
    expect(status).toBe(200);
    const record = JSON.parse(await popup.locator('body').innerText()) as { system: string; key: string };
    expect(record).toMatchObject({ system: 'netsuite', key: expect.stringMatching(/^salesOrder\//) });
    await popup.close();
  });

  it('confirms the handoff as the receiving team: the receipt says who, in place', async () => {
    const receipt = receiptOf(won.name);
    await receipt.getByRole('button', { name: /^Confirm/ }).click();
    await receipt.filter({ hasText: 'Confirmed by' }).waitFor();
    expect(await receipt.innerText()).toMatch(/✅ Confirmed by @Dana Steward/);
    expect(await receipt.getByRole('button').count()).toBe(0);
    expect((await runtime.handoffStore.get(won.handoffId))?.confirmation?.by).toBe(STEWARD_USER_ID);
  });

  it('stops a deal whose contract is in legal review at an exception, which a person assigns and resolves', async () => {
    const deal = await startDeal('…with a contract in legal review');
    const receipt = receiptOf(deal.name);
    await receipt.filter({ hasText: 'Stopped for a person' }).waitFor({ timeout: HANDOFF_MS });
    expect(await receipt.innerText()).toContain('The contract is flagged for legal review');
    expect(await receipt.getByRole('button').allInnerTexts()).toEqual(expect.arrayContaining(['Retry', 'Resolve']));

    // Assign: a users_select, drawn as a list of the workspace's people.
    await receipt.getByRole('combobox', { name: 'Assign to…' }).selectOption({ label: 'Casey Success' });
    await receipt.filter({ hasText: 'Assigned to @Casey Success' }).waitFor();

    await receipt.getByRole('button', { name: 'Resolve', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.locator('h2').innerText()).toBe('Resolve by hand?');
    await dialog.getByRole('button', { name: 'Resolve', exact: true }).click();
    await receipt.filter({ hasText: 'Resolved by hand' }).waitFor();
    expect(await receipt.innerText()).toMatch(/Resolved by @Dana Steward/);
    expect(await receipt.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await runtime.handoffStore.get(deal.handoffId)).toMatchObject({ status: 'resolved', exception: { reason: 'legal-review', assignee: 'U0SUCCESS' } });
  });

  it('trips the circuit breaker when the ERP refuses, and resumes the playbook from its alert', async () => {
    await page.getByRole('button', { name: 'Make the ERP refuse (trip the breaker)' }).click();
    await page.locator('#erp-state', { hasText: 'refuses every request (HTTP 400)' }).waitFor();

    // One handoff completed so far; three failures make three of four: the third pauses the playbook.
    const deals = [];
    for (let i = 0; i < 3; i++) deals.push(await startDeal('Close a sample deal as won'));
    for (const deal of deals) {
      const receipt = receiptOf(deal.name);
      await receipt.filter({ hasText: 'Stopped for a person' }).waitFor({ timeout: HANDOFF_MS });
      expect(await receipt.innerText()).toContain('A step failed');
      expect((await stepLines(receipt))[0]).toMatch(/^❌ /);
    }
    const alert = page.locator('#messages .message', { has: page.locator('h3.header', { hasText: 'Playbook paused' }) });
    await alert.waitFor({ timeout: HANDOFF_MS });
    expect(await alert.innerText()).toContain('3 of the last 4 handoffs failed');
    expect((await runtime.handoffStore.playbookState('closed-won')).paused).toBe(true);

    await page.getByRole('button', { name: 'ERP back to normal' }).click();
    await page.locator('#erp-state', { hasText: 'answers normally' }).waitFor();
    await alert.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Resume', exact: true }).click();
    await alert.filter({ hasText: 'Resumed by' }).waitFor();
    expect(await alert.getByRole('button').count()).toBe(0);
    expect((await runtime.handoffStore.playbookState('closed-won')).paused).toBe(false);
  });

  it('ran without a script error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('the sample deals', () => {
  it('takes only a kind it knows, as JSON from its own page', async () => {
    const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(`${runtime.url}/console/api/sample-deals`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post({ kind: 'lost' })).status).toBe(400);
    expect((await post({ kind: 'won' }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post({ kind: 'won' }, { 'content-type': 'application/json', origin: 'http://evil.example' })).status).toBe(403);
  });

  it('starts from a customer Concord does not know yet, as after a restart on kept data', async () => {
    // A second counter from the same first seed, as a restarted runtime would have.
    const restarted = createSampleDeals({ baseUrl: () => runtime.url, secretEnv: runtime.secretEnv, clock: { now: () => new Date() }, identity: runtime.identityStore });
    const deal = await restarted.start('won');
    expect(started).toHaveLength(5);
    expect(started).not.toContain(deal.name);
    // And it runs through, as the page's first one did.
    const handoffId = handoffIdOf('closed-won', `salesforce#opportunity#${deal.opportunityId}`);
    const deadline = Date.now() + HANDOFF_MS;
    while ((await runtime.handoffStore.get(handoffId))?.status !== 'completed' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await runtime.handoffStore.get(handoffId))?.status).toBe('completed');
    restarted.close();
  });
});
