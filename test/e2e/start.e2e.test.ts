/**
 * The newcomer's path: `npm start` brings up everything, sends the sample data through the signed
 * webhook path, resolves it into unified customers that `concord lookup` shows, answers /health,
 * and stops cleanly on Ctrl-C.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local';

let child: ChildProcess;
let output = '';
let port: number;
let dataDir: string;

const waitFor = (text: string, timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; output so far:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => reject(new Error(`npm start exited early:\n${output}`)));
    check();
  });

beforeAll(async () => {
  port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'concord-start-'));
  child = spawn('node', ['node_modules/.bin/tsx', 'bin/start.ts'], {
    env: { ...process.env, PORT: String(port), CONCORD_DATA_DIR: dataDir, SAMPLE_ACCOUNTS: '6' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor('Press Ctrl-C to stop.', 110_000);
}, 120_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints where everything runs and the local signing secrets', () => {
    expect(output).toContain(`http://127.0.0.1:${port}/health`);
    expect(output).toContain('HUBSPOT_CLIENT_SECRET=');
  });

  it('loads the sample data through the webhooks, every delivery accepted', () => {
    for (const system of ['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite']) expect(output).toMatch(new RegExp(`${system}\\s+(\\d+)/\\1 deliveries accepted`));
    expect(output).not.toContain('rejected and quarantined');
  });

  it('resolves the sample data into unified customers and people, which concord lookup shows', async () => {
    const summary = /Identity: (\d+) unified customers and (\d+) unified people\./.exec(output);
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(6);
    expect(Number(summary?.[2])).toBeGreaterThan(6);
    const suggested = /npm run concord -- lookup (".*")/.exec(output)?.[1];
    expect(suggested).toBeDefined();
    const { stdout } = await promisify(execFile)('node', ['node_modules/.bin/tsx', 'bin/concord.ts', 'lookup', JSON.parse(suggested!) as string], { env: { ...process.env, PORT: String(port) } });
    expect(stdout).toMatch(/cus_[0-9A-Z]{20} {2}\(account, \d+ records\)/);
    expect(stdout).toContain('Golden record');
    expect(stdout).toMatch(/Lifecycle: (lead|prospect|customer|expanded|churned)/);
  });

  it("writes every record's unified id back into the five systems' sandboxes, which list what they were asked", async () => {
    const summary = /Write-back: (\d+) unified ids written to (\d+) systems/.exec(output);
    expect(Number(summary?.[1])).toBeGreaterThan(12);
    expect(Number(summary?.[2])).toBe(5);
    const listing = (await (await fetch(`http://127.0.0.1:${port}/sandbox/hubspot`)).json()) as { requests: { method: string; response?: { status: number } }[] };
    expect(listing.requests.filter((r) => r.method === 'PATCH' && r.response?.status === 200).length).toBeGreaterThan(0);
  });

  it('answers /health with the queues drained and nothing dead-lettered', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      status: string;
      queues: { reconcile: { depth: number; deadLetters: number; deleted: number }; identity: { depth: number; deadLetters: number } };
    };
    const drained = { depth: 0, deadLetters: 0 };
    expect(health).toMatchObject({ status: 'ok', queues: { reconcile: drained, identity: drained, writeback: drained } });
    expect(health.queues.reconcile.deleted).toBeGreaterThan(100);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
  });
});

describe('npm start without Java', () => {
  it('explains in one line what to install, and exits', async () => {
    // given a PATH where only node can be found
    const binDir = mkdtempSync(join(tmpdir(), 'concord-nojava-'));
    symlinkSync(process.execPath, join(binDir, 'node'));
    const noJava = spawn(process.execPath, ['node_modules/.bin/tsx', 'bin/start.ts'], {
      env: { ...process.env, PATH: binDir, SAMPLE_ACCOUNTS: '0', PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    noJava.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => noJava.once('exit', resolve));
    rmSync(binDir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('openjdk-17-jre-headless')]);
  });
});
