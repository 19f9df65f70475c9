/**
 * How the adapters report a vendor that fails, hangs or is slow: never by throwing, always as a
 * 'failed' result whose retryable flag says whether the caller's queue should try again.
 */
import { createServer } from 'node:net';
import { createWriteBack } from '../../../../functions/identity/writeback/create-write-back';
import type { UnifiedIdWrite, WriteBack } from '../../../../functions/identity/writeback/ports';
import type { SourceSystem } from '../../../../functions/shared/canonical';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { clearFault, orderFault, writeBackConfigFor } from './sandbox-fixtures';

let sandbox: RunningSandbox;
let writeBack: WriteBack;

beforeAll(async () => {
  sandbox = await startSandbox();
  writeBack = createWriteBack(writeBackConfigFor(sandbox.url, 300));
});
afterAll(() => sandbox.stop());

const SYSTEMS: SourceSystem[] = ['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite', 'generic'];

/** A record of each system that the adapters can write to. */
const ACCOUNT_ID: Readonly<Record<SourceSystem, string>> = {
  salesforce: '001000000000042AAA',
  hubspot: '4242',
  stripe: 'cus_Faults42',
  zendesk: '42',
  netsuite: '42',
  generic: 'ACC-42',
};

const accountWrite = (system: SourceSystem, unifiedId = 'cust_F'): UnifiedIdWrite => ({
  sourceSystem: system,
  entityType: 'account',
  externalId: ACCOUNT_ID[system],
  unifiedId,
  idempotencyKey: `write:${system}:${unifiedId}`,
});

afterEach(async () => {
  for (const system of SYSTEMS) await clearFault(sandbox.url, system);
});

describe.each(SYSTEMS)('%s', (system) => {
  it.each([500, 502, 503, 408, 409, 429])('reports HTTP %i as a retryable failure', async (status) => {
    await orderFault(sandbox.url, system, { mode: 'fail', status });
    const result = await writeBack.writeUnifiedId(accountWrite(system));
    expect(result).toMatchObject({ status: 'failed', retryable: true, detail: expect.stringContaining(`HTTP ${status}`), request: expect.any(Object) });
  });

  it.each([400, 401, 403, 404, 422])('reports HTTP %i as a permanent failure', async (status) => {
    await orderFault(sandbox.url, system, { mode: 'fail', status });
    const result = await writeBack.writeUnifiedId(accountWrite(system));
    expect(result).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining(`HTTP ${status}`) });
  });

  it('gives up at its deadline on a vendor that never answers, and calls that retryable', async () => {
    await orderFault(sandbox.url, system, { mode: 'timeout', times: 1 });
    const started = Date.now();
    const result = await writeBack.writeUnifiedId(accountWrite(system));
    expect(result).toMatchObject({ status: 'failed', retryable: true, detail: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('waits for a slow vendor within its deadline', async () => {
    await orderFault(sandbox.url, system, { mode: 'slow', delayMs: 100, times: 1 });
    expect((await writeBack.writeUnifiedId(accountWrite(system, 'cust_slow'))).status).toBe('done');
  });

  it('fails an erasure the same way, leaving the record in place', async () => {
    await orderFault(sandbox.url, system, { mode: 'fail', status: 503, times: 1 });
    const result = await writeBack.requestErasure({ sourceSystem: system, entityType: 'account', externalId: ACCOUNT_ID[system], idempotencyKey: 'erase' });
    expect(result).toMatchObject({ status: 'failed', retryable: true });
    expect((await writeBack.writeUnifiedId(accountWrite(system, 'cust_still_there'))).status).toBe('done');
  });
});

describe('faults and state', () => {
  it('leaves the record untouched when a fault fails the request, and the retry then lands', async () => {
    await orderFault(sandbox.url, 'hubspot', { mode: 'fail', status: 503, times: 1 });
    const failed = await writeBack.writeUnifiedId({ ...accountWrite('hubspot'), externalId: '5151', unifiedId: 'cust_retry' });
    const stateAfterFailure = sandbox.requests('hubspot').at(-1);
    const retried = await writeBack.writeUnifiedId({ ...accountWrite('hubspot'), externalId: '5151', unifiedId: 'cust_retry' });

    expect(failed).toMatchObject({ status: 'failed', retryable: true, detail: 'HTTP 503: INTERNAL_ERROR: fault injected by the sandbox (HTTP 503)' });
    expect(stateAfterFailure).toMatchObject({ fault: 'fail', response: { status: 503 } });
    expect(retried.status).toBe('done');
  });

  it('reads each vendor’s error format into the failure detail', async () => {
    const details: Record<string, string | undefined> = {};
    for (const system of SYSTEMS) {
      await orderFault(sandbox.url, system, { mode: 'fail', status: 503, times: 1 });
      details[system] = (await writeBack.writeUnifiedId(accountWrite(system))).detail;
    }
    expect(details).toEqual({
      salesforce: 'HTTP 503: SERVER_UNAVAILABLE: fault injected by the sandbox (HTTP 503)',
      hubspot: 'HTTP 503: INTERNAL_ERROR: fault injected by the sandbox (HTTP 503)',
      stripe: 'HTTP 503: api_error: fault injected by the sandbox (HTTP 503)',
      zendesk: 'HTTP 503: InternalError: fault injected by the sandbox (HTTP 503)',
      netsuite: 'HTTP 503: UNEXPECTED_ERROR: fault injected by the sandbox (HTTP 503)',
      generic: 'HTTP 503: {"error":"fault injected by the sandbox (HTTP 503)"}',
    });
  });

  it('stops a Zendesk user erasure at the failed first step, and a retry completes both steps', async () => {
    const erasure = { sourceSystem: 'zendesk' as const, entityType: 'person' as const, externalId: '6161', idempotencyKey: 'erase:6161' };
    await orderFault(sandbox.url, 'zendesk', { mode: 'fail', status: 503, times: 1 });
    const before = sandbox.requests('zendesk').length;

    const failed = await writeBack.requestErasure(erasure);
    const retried = await writeBack.requestErasure(erasure);

    expect(failed).toMatchObject({ status: 'failed', retryable: true, request: { method: 'DELETE', url: `${sandbox.url}/zendesk/api/v2/users/6161` } });
    expect(retried).toMatchObject({ status: 'done', request: { method: 'DELETE', url: `${sandbox.url}/zendesk/api/v2/deleted_users/6161` } });
    expect(sandbox.requests('zendesk').slice(before).map((r) => `${r.method} ${r.path} ${r.response?.status}`)).toEqual([
      'DELETE /api/v2/users/6161 503',
      'DELETE /api/v2/users/6161 200',
      'DELETE /api/v2/deleted_users/6161 200',
    ]);
  });
});

describe('a vendor that cannot be reached', () => {
  const closedPortUrl = async (): Promise<string> => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return `http://127.0.0.1:${port}`;
  };

  it.each(SYSTEMS)('reports %s as unreachable and retryable', async (system) => {
    const unreachable = createWriteBack(writeBackConfigFor(await closedPortUrl(), 1_000));
    const result = await unreachable.writeUnifiedId(accountWrite(system));
    expect(result).toMatchObject({ status: 'failed', retryable: true, detail: expect.stringMatching(/^unreachable: /) });
  });
});
