/**
 * Quarantine and replay end to end, through the `concord` command line against a running local
 * runtime: a delivery signed with a secret we did not know yet is kept, and once the operator
 * adds that secret, replaying it stores the record.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import type { LocalRuntime } from '../../local/runtime';
import { postWebhook } from '../../local/send-webhooks';
import { simulators } from '../../local/vendors';
import { startTestRuntime } from '../support/runtime';

const run = promisify(execFile);
let runtime: LocalRuntime;
let tablePrefix: string;

beforeAll(async () => {
  runtime = await startTestRuntime({ env: { NETSUITE_WEBHOOK_SECRET: 'old-secret' } });
  tablePrefix = runtime.tables.quarantine.replace(/Quarantine$/, '');
});
afterAll(() => runtime.stop());

const concord = (args: string[], secret: string) =>
  run('node', ['bin/concord.cjs', ...args], {
    env: { ...process.env, CONCORD_URL: runtime.url, TABLE_PREFIX: tablePrefix, NETSUITE_WEBHOOK_SECRET: secret },
  }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

const customer = (name: string) =>
  simulators.netsuite.deliveries(
    [{ entityType: 'account', externalId: '7001', changeKind: 'upsert', occurredAt: new Date('2026-11-20T09:00:00Z'), fields: { name, customerNumber: 'CUST-7001' } }],
    { secret: 'new-secret', baseUrl: runtime.url, now: new Date() },
  )[0]!;

describe('quarantine and replay', () => {
  it('keeps a delivery signed with an unknown secret and stores it once the secret is configured', async () => {
    // given NetSuite signs with a new secret the runtime does not know yet
    const rejected = await postWebhook(runtime.url, 'netsuite', customer('Globex GmbH'));
    expect(rejected.status).toBe(401);
    const { quarantineId } = JSON.parse(rejected.body) as { quarantineId: string };

    // then an operator sees it, with the reason
    const listed = await concord(['quarantine', 'list'], 'old-secret');
    expect(listed.stdout).toContain(quarantineId);
    expect(listed.stdout).toContain('bad-signature');
    const shown = await concord(['quarantine', 'show', quarantineId], 'old-secret');
    expect(shown.stdout).toContain('"Globex GmbH"');

    // when the operator adds the new secret to the runtime (rotation: old and new) and replays it
    // from a shell that does not know the secret: the runtime judges with its own
    runtime.secretEnv.NETSUITE_WEBHOOK_SECRET = 'old-secret,new-secret';
    const replayed = await concord(['quarantine', 'replay', quarantineId], 'old-secret');
    expect(replayed).toMatchObject({ code: 0 });
    expect(replayed.stdout).toContain('1 event(s) published');

    // then the record is stored and the entry is marked replayed
    await runtime.drain();
    expect((await runtime.sourceRecords.get('netsuite#account#7001'))?.fields).toMatchObject({ name: 'Globex GmbH', customerNumber: 'CUST-7001' });
    expect(await runtime.quarantine.get(quarantineId)).toMatchObject({ status: 'replayed', replays: [{ outcome: 'accepted' }] });
  });

  it('keeps an entry open when its replay is rejected again', async () => {
    // given a validly signed delivery whose body is not JSON
    const body = '{"deliveryId": "broken", ';
    const t = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', 'old-secret').update(`${t}.${body}`).digest('hex');
    const rejected = await postWebhook(runtime.url, 'netsuite', { method: 'POST', path: '/webhooks/netsuite', headers: { 'content-type': 'application/json', 'x-concord-signature': `t=${t},v1=${signature}` }, body });
    expect(rejected.status).toBe(400);
    const { quarantineId } = JSON.parse(rejected.body) as { quarantineId: string };

    const replayed = await concord(['quarantine', 'replay', quarantineId], 'old-secret');
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toContain('malformed-json');
    expect(await runtime.quarantine.get(quarantineId)).toMatchObject({ status: 'open', replays: [{ outcome: 'rejected', reason: 'malformed-json' }] });
  });

  it('explains how to start Concord when nothing runs at the URL', async () => {
    const result = await run('node', ['bin/concord.cjs', 'quarantine', 'list'], { env: { ...process.env, CONCORD_URL: 'http://127.0.0.1:9' } }).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toContain('npm start');
  });
});
