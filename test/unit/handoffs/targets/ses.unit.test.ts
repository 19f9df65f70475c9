/**
 * The SES email adapter — the real AWS SDK — against the sandbox's SES, over real HTTP: an email is
 * sent with the step's key on it; failures are classified; and the SDK never sends a second time
 * on its own after a call whose email may have gone out.
 */
import { createSesEmail } from '../../../../functions/handoffs/targets/ses';
import type { EmailPort } from '../../../../functions/handoffs/targets/ports';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { createSesFake } from '../../../../local/sandbox/targets/ses';
import { recordsOfType } from './erp-crm-sandbox';
import { orderTargetFault } from './pm-calendar-email-sandbox';

const SYSTEM = 'ses';
const ACCESS_KEY_ID = 'AKIASANDBOXLOCAL0001';
const DEADLINE_MS = 300;
const ROOMY_DEADLINE_MS = 5_000;

let sandbox: RunningSandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ systems: [createSesFake({ accessKeyId: ACCESS_KEY_ID })] });
});
afterEach(() => sandbox.stop());

const emailWith = (overrides: { timeoutMs?: number; accessKeyId?: string } = {}): EmailPort =>
  createSesEmail({
    region: 'eu-west-1',
    endpoint: `${sandbox.url}/${SYSTEM}`,
    credentials: { accessKeyId: overrides.accessKeyId ?? ACCESS_KEY_ID, secretAccessKey: 'sandbox-secret-access-key' },
    configurationSetName: 'concord-handoffs',
    timeoutMs: overrides.timeoutMs ?? ROOMY_DEADLINE_MS,
  });

const welcome = {
  from: 'Dana CSM <dana.csm@concord.example>',
  to: ['bo.buyer@acme.example'],
  replyTo: 'dana.csm@concord.example',
  subject: 'Welcome to Concord, Acme Robotics',
  text: 'Hi Bo, I am Dana, your customer success manager. Our kickoff invitation follows.',
  html: '<p>Hi Bo, I am Dana, your customer success manager.</p>',
  key: 'handoff-7f3a:welcome-email',
};

const emails = () => recordsOfType(sandbox, SYSTEM, 'email');

describe('sending an email', () => {
  it('sends it with the step’s key in a header and a tag, and names it by its MessageId', async () => {
    const result = await emailWith().send(welcome);

    const [email] = await emails();
    expect(result).toEqual({ status: 'done', record: { system: 'email', kind: 'email', id: email?.fields.messageId, existed: false } });
    expect(email?.fields).toMatchObject({
      from: 'Dana CSM <dana.csm@concord.example>',
      to: ['bo.buyer@acme.example'],
      replyTo: ['dana.csm@concord.example'],
      subject: 'Welcome to Concord, Acme Robotics',
      text: welcome.text,
      html: welcome.html,
      headers: { 'X-Concord-Key': 'handoff-7f3a:welcome-email' },
      tags: { 'concord-key': 'handoff-7f3a_welcome-email' },
      configurationSet: 'concord-handoffs',
    });
    expect(sandbox.requests(SYSTEM)[0]).toMatchObject({ method: 'POST', path: '/v2/email/outbound-emails', headers: { authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=AKIASANDBOXLOCAL0001\//) } });
  });

  it('sends again when asked again: SES has no idempotency key, so the executor must not ask twice', async () => {
    const email = emailWith();
    const first = await email.send(welcome);
    const second = await email.send(welcome);

    expect(first.status === 'done' && second.status === 'done' && first.record.id !== second.record.id).toBe(true);
    expect(await emails()).toHaveLength(2);
  });

  it('refuses a sender that is not an address as a permanent failure', async () => {
    const result = await emailWith().send({ ...welcome, from: 'Dana CSM' });
    expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 400: BadRequestException: Illegal address in FromEmailAddress: Dana CSM' });
  });
});

describe('an email service that fails, hangs or is slow', () => {
  it('reports 503 as retryable without the SDK sending again, as the email may have gone out', async () => {
    await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 503, times: 1 });
    const result = await emailWith().send(welcome);

    expect(result).toMatchObject({ status: 'failed', retryable: true, detail: 'HTTP 503: ServiceUnavailableException: fault injected by the sandbox (HTTP 503)' });
    expect(sandbox.requests(SYSTEM)).toHaveLength(1);
    expect(await emails()).toHaveLength(0);
  });

  it('has the SDK retry throttling once, as a throttled email was surely not sent', async () => {
    await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 429, times: 1 });
    const result = await emailWith().send(welcome);

    expect(result).toMatchObject({ status: 'done' });
    expect(sandbox.requests(SYSTEM).map((r) => r.response?.status)).toEqual([429, 200]);
    expect(await emails()).toHaveLength(1);
  });

  it('stops after two throttled attempts and reports that as retryable', async () => {
    await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 429 });
    const result = await emailWith().send(welcome);

    expect(result).toMatchObject({ status: 'failed', retryable: true, detail: 'HTTP 429: TooManyRequestsException: fault injected by the sandbox (HTTP 429)' });
    expect(sandbox.requests(SYSTEM)).toHaveLength(2);
  });

  it('reports 400 as permanent', async () => {
    await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 400, times: 1 });
    expect(await emailWith().send(welcome)).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 400: BadRequestException: fault injected by the sandbox (HTTP 400)' });
  });

  it('gives up at its deadline on one that never answers, once, saying the email may have been sent', async () => {
    await orderTargetFault(sandbox, SYSTEM, { mode: 'timeout' });
    const result = await emailWith({ timeoutMs: DEADLINE_MS }).send(welcome);

    expect(result).toMatchObject({ status: 'failed', retryable: true, detail: `no answer within ${DEADLINE_MS} ms (the email may have been sent)` });
    expect(sandbox.requests(SYSTEM)).toHaveLength(1);
  });

  it('fails permanently with an access key SES does not know', async () => {
    const result = await emailWith({ accessKeyId: 'AKIAREVOKED000000000' }).send(welcome);
    expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 403: UnrecognizedClientException: The security token included in the request is invalid.' });
  });
});
