import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { runResolve, type ResolveFlags } from '../../bin/commands/resolve';
import { isUnifiedId } from '../../functions/identity/matching/unified-id';

const FIRST = ['Robert', 'Maria', 'Jonathan', 'Aisha', 'Pieter', 'Mei', 'Carlos', 'Fatima', 'Olga', 'Kwame', 'Sofia', 'Liam', 'Noor', 'Hiro', 'Elena', 'Tomasz', 'Grace', 'Ibrahim', 'Chloe', 'Ravi'];
const LAST = ['Smith', 'Garcia', 'Okafor', 'Jansen', 'Chen', 'Rossi', 'Haddad', 'Ivanova', 'Mensah', 'Silva', 'Murphy', 'Khan', 'Tanaka', 'Petrova', 'Nowak', 'Brown', 'Aziz', 'Martin', 'Patel', 'Kowalski'];
const CITIES = ['London', 'Leeds', 'Bristol', 'York', 'Bath'];

type Row = Record<string, string>;

/** Twenty people, each in two systems: the CRM's record and the billing system's copy. */
const people = (): Row[] =>
  FIRST.flatMap((first, p) => {
    const last = LAST[p] as string;
    const person = { birth_date: `19${50 + p}-0${1 + (p % 9)}-1${p % 10}`, city: CITIES[p % CITIES.length] as string, person: `p${p}` };
    const email = `${first}.${last}${p}@example${p}.com`.toLowerCase();
    return [
      { source: 'crm', record_id: `c${p}`, first_name: first, last_name: last, email, ...person },
      { source: 'billing', record_id: `b${p}`, first_name: first.toUpperCase(), last_name: last, email: email.toUpperCase(), ...person },
    ];
  });

const COLUMNS = ['source', 'record_id', 'first_name', 'last_name', 'email', 'birth_date', 'city'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-resolve-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** The fixture's `person` label is left out unless a test asks for it. */
const csvFile = (rows: readonly Row[], columns = Object.keys(rows[0] ?? {}).filter((c) => c !== 'person')): string => {
  const file = join(dir, `input-${++files}.csv`);
  writeFileSync(file, stringify([...rows], { header: true, columns }));
  return file;
};
const rawFile = (text: string): string => {
  const file = join(dir, `raw-${++files}.csv`);
  writeFileSync(file, text);
  return file;
};

const sink = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
};

const run = async (file: string, flags: ResolveFlags) => {
  const stdout = sink();
  const stderr = sink();
  const code = await runResolve(file, flags, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
};

/** `source:record_id` → unified_id, from the command's CSV output. */
const assignments = (csv: string): Map<string, string> =>
  new Map((parse(csv, { columns: true }) as Row[]).map((r) => [`${r.source}:${r.record_id}`, r.unified_id as string]));

describe('concord resolve', () => {
  it('gives both copies of a person one unified_id and different people different ones', async () => {
    const { code, stdout } = await run(csvFile(people()), { entity: 'person' });
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('source,record_id,unified_id');
    const ids = assignments(stdout);
    expect(ids.size).toBe(40);
    for (const id of ids.values()) expect(isUnifiedId(id) && id.startsWith('per_')).toBe(true);
    FIRST.forEach((_, p) => expect(ids.get(`billing:b${p}`)).toBe(ids.get(`crm:c${p}`)));
    expect(new Set(ids.values()).size).toBe(20);
  });

  it('gives the same ids on a re-run, whatever order the rows come in', async () => {
    const once = assignments((await run(csvFile(people()), { entity: 'person' })).stdout);
    const again = assignments((await run(csvFile(people()), { entity: 'person' })).stdout);
    const reversed = assignments((await run(csvFile([...people()].reverse()), { entity: 'person' })).stdout);
    expect(again).toEqual(once);
    expect(new Map([...reversed].sort())).toEqual(new Map([...once].sort()));
  });

  it('writes the assignments to --out and a summary to stderr', async () => {
    const out = join(dir, 'clusters.csv');
    const { code, stdout, stderr } = await run(csvFile(people()), { entity: 'person', out });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(assignments(readFileSync(out, 'utf8')).size).toBe(40);
    expect(stderr).toMatch(/Resolved 40 person records/);
    expect(stderr).toMatch(/entities +20\n/);
    expect(stderr).toMatch(/auto-linked records +40\n/);
    expect(stderr).toMatch(/timings +read \d+ ms, prepare \d+ ms/);
  });

  describe('with --truth', () => {
    // The matcher finds the twenty people (first test). The truth column disagrees on purpose:
    // it says p0's two records are two people, and that p1 and p2 are one person.
    //   pairwise: 20 predicted pairs, 19 of them true; true pairs: 17 + 6 (p1 and p2's four
    //     records) = 23. P = 19/20, R = 19/23.
    //   B-cubed precision: p0's two records 1/2 each, the other 38 records 1: 39/40.
    //   B-cubed recall: p1 and p2's four records 2/4 each, the other 36 records 1: 38/40.
    //   Blocking proposes the 19 true same-person pairs but nothing joins p1 and p2: 19/23.
    const truthOf = (r: Row) => (r.person === 'p0' ? `${r.person}-${r.source}` : r.person === 'p2' ? 'p1' : (r.person as string));
    const rows = () => people().map((r) => ({ ...r, truth: truthOf(r) }));

    it('prints pairwise, B-cubed and blocking quality against the column', async () => {
      const { code, stderr } = await run(csvFile(rows()), { entity: 'person', truth: 'truth', out: join(dir, 'truth-out.csv') });
      expect(code).toBe(0);
      expect(stderr).toContain('Against the truth in column truth:');
      expect(stderr).toContain('pairwise   precision 0.9500  recall 0.8261  F1 0.8837  (19 of 20 predicted pairs right, 23 true pairs)');
      expect(stderr).toContain('B-cubed    precision 0.9750  recall 0.9500  F1 0.9623');
      expect(stderr).toContain('blocking   pair completeness 0.8261');
    });

    it('puts the metrics in the --json object, with the assignments when there is no --out', async () => {
      const { code, stdout, stderr } = await run(csvFile(rows()), { entity: 'person', truth: 'truth', json: true });
      expect(code).toBe(0);
      expect(stderr).toBe('');
      const json = JSON.parse(stdout);
      expect(json.summary).toMatchObject({ records: 40, entities: 20, autoLinkedRecords: 40, entity: 'person', thresholds: { link: 0.95, review: 0.5 } });
      expect(json.metrics.truthColumn).toBe('truth');
      expect(json.metrics.pairwise).toMatchObject({ truePairs: 23, predictedPairs: 20, correctPairs: 19 });
      expect(json.metrics.pairwise.precision).toBeCloseTo(19 / 20, 12);
      expect(json.metrics.pairwise.recall).toBeCloseTo(19 / 23, 12);
      expect(json.metrics.bCubed.precision).toBeCloseTo(39 / 40, 12);
      expect(json.metrics.bCubed.recall).toBeCloseTo(38 / 40, 12);
      expect(json.metrics.pairCompleteness).toBeCloseTo(19 / 23, 12);
      expect(json.assignments).toHaveLength(40);
      expect(json.assignments[0]).toEqual({ source: 'crm', record_id: 'c0', unified_id: expect.stringMatching(/^per_/) });
    });

    it('leaves the assignments out of the JSON when they go to --out', async () => {
      const { stdout } = await run(csvFile(rows()), { entity: 'person', truth: 'truth', json: true, out: join(dir, 'json-out.csv') });
      expect(Object.keys(JSON.parse(stdout))).toEqual(['summary', 'metrics']);
    });
  });

  it('writes the review band with each pair’s evidence to --review', async () => {
    // Helpdesk records of five of the people: same first name, last name a letter off, other city.
    const helpdesk = people()
      .filter((r) => r.source === 'crm' && ['p0', 'p1', 'p2', 'p3', 'p4'].includes(r.person as string))
      .map((r, i) => ({ source: 'helpdesk', record_id: `h${i}`, first_name: r.first_name as string, last_name: `${r.last_name?.slice(0, -1)}x`, city: CITIES[(i + 1) % CITIES.length] as string }));
    const review = join(dir, 'review.csv');
    const { code, stderr } = await run(csvFile([...people(), ...helpdesk], COLUMNS), { entity: 'person', review, out: join(dir, 'r-out.csv') });
    expect(code).toBe(0);
    const rows = parse(readFileSync(review, 'utf8'), { columns: true }) as Row[];
    expect(rows.length).toBeGreaterThan(0);
    expect(stderr).toMatch(new RegExp(`review pairs +${rows.length} → ${review}`));
    expect(Object.keys(rows[0] as Row)).toEqual(['source_a', 'record_id_a', 'source_b', 'record_id_b', 'probability', 'weight', 'evidence']);
    for (const r of rows) {
      expect([r.source_a, r.source_b]).toContain('helpdesk');
      expect(Number(r.probability)).toBeGreaterThanOrEqual(0.5);
      expect(Number(r.probability)).toBeLessThan(0.95);
      expect(r.evidence).toMatch(/^[a-z_]+=[a-z-]+\([+-]\d+\.\d\)( [a-z_]+=[a-z-]+\([+-]\d+\.\d\))*$/);
      expect(r.evidence).toMatch(/first_name=exact\(\+\d+\.\d\)/);
    }
  });

  it('warns about the columns it ignores, but not about the --truth column', async () => {
    const rows = people().map((r) => ({ ...r, notes: 'VIP', truth: r.person as string }));
    const { code, stderr } = await run(csvFile(rows), { entity: 'person', truth: 'truth', out: join(dir, 'w-out.csv') });
    expect(code).toBe(0);
    expect(stderr).toContain('warning: ignoring column(s) notes: not person fields');
    expect(stderr).not.toMatch(/ignoring[^\n]*truth/);
  });

  it('treats id:<name> columns as trusted ids: conflicting values never share a unified_id', async () => {
    // p0's two copies are identical but carry different tax ids; p1's agree.
    const rows = people().map((r) => ({ ...r, 'id:tax': r.person === 'p0' ? `TAX-${r.source}` : r.person === 'p1' ? 'TAX-1' : '' }));
    const { code, stdout, stderr } = await run(csvFile(rows), { entity: 'person' });
    expect(code).toBe(0);
    expect(stderr).not.toContain('id:tax');
    const ids = assignments(stdout);
    expect(ids.get('crm:c0')).not.toBe(ids.get('billing:b0'));
    expect(ids.get('crm:c1')).toBe(ids.get('billing:b1'));
  });

  it('reads the same record_id from two sources as two records', async () => {
    const rows = [
      { source: 'crm', record_id: '1', first_name: 'Ada', last_name: 'Lovelace' },
      { source: 'erp', record_id: '1', first_name: 'Alan', last_name: 'Turing' },
      { source: '', record_id: '1', first_name: 'Grace', last_name: 'Hopper' },
    ];
    const ids = assignments((await run(csvFile(rows), { entity: 'person' })).stdout);
    expect([...ids.keys()]).toEqual(['crm:1', 'erp:1', 'import:1']);
  });

  describe('refuses bad input with exit code 2 and says why', () => {
    const expectInvalid = async (file: string, flags: ResolveFlags, message: string | RegExp) => {
      const { code, stdout, stderr } = await run(file, flags);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(typeof message === 'string' ? `concord resolve: ${message}` : message);
    };
    const good = () => csvFile(people());

    it('a missing file', () => expectInvalid(join(dir, 'nope.csv'), { entity: 'person' }, `no such file: ${join(dir, 'nope.csv')}`));
    it('a folder instead of a file', () => expectInvalid(dir, { entity: 'person' }, `${dir} is not a file`));
    it('an empty file', () => expectInvalid(rawFile(''), { entity: 'person' }, /is empty: expected a header naming record_id/));
    it('no record_id column', () => expectInvalid(rawFile('id,first_name\n1,Ada\n'), { entity: 'person' }, /the header has no record_id column \(columns: id, first_name\)/));
    it('an empty record_id, with its line', () =>
      expectInvalid(rawFile('record_id,first_name\n1,Ada\n  ,Alan\n'), { entity: 'person' }, /line 3: a row has an empty record_id/));
    it('a duplicate record, with both lines', () =>
      expectInvalid(rawFile('record_id,source,first_name\n1,crm,Ada\n2,crm,Alan\n1,crm,Grace\n'), { entity: 'person' }, /line 4: duplicate record crm:1 \(source:record_id\), first on line 2/));
    it('a column named twice', () => expectInvalid(rawFile('record_id,email,email\n1,a@x.com,b@x.com\n'), { entity: 'person' }, /the header names the column "email" twice/));
    it('a row with the wrong number of cells', () => expectInvalid(rawFile('record_id,first_name\n1,Ada\n2,Alan,Turing\n'), { entity: 'person' }, /Invalid Record Length.*line 3/));
    it('an unknown --entity', () => expectInvalid(good(), { entity: 'company' }, 'unknown --entity "company": use person or account'));
    it('no --entity', () => expectInvalid(good(), {}, '--entity is required: person or account'));
    it('a --truth column the file lacks', () => expectInvalid(good(), { entity: 'person', truth: 'cluster' }, /--truth cluster: the header has no such column/));
    it('a threshold that is not a probability', () => expectInvalid(good(), { entity: 'person', link: '95' }, '--link must be a probability between 0 and 1'));
    it('a review threshold above the link threshold', () =>
      expectInvalid(good(), { entity: 'person', link: '0.6', reviewThreshold: '0.7' }, '--review-threshold must not be above --link'));
    it('a malformed --region', () => expectInvalid(good(), { entity: 'person', region: 'GBR' }, '--region must be a two-letter country code'));
    it('an --out in a folder that does not exist', () =>
      expectInvalid(good(), { entity: 'person', out: join(dir, 'missing', 'out.csv') }, /--out .*out\.csv: cannot write there \(no such folder\)/));
  });

  it('is wired into the concord command line', async () => {
    const cli = resolvePath(__dirname, '../../bin/concord.cjs');
    const file = csvFile(people().slice(0, 4));
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'resolve', file, '--entity', 'person']);
    expect(assignments(stdout).size).toBe(4);
    const failed = await promisify(execFile)(process.execPath, [cli, 'resolve', file, '--entity', 'company']).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown --entity "company"') });
  }, 60_000);
});
