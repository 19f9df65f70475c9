/**
 * The public labelled data sets in ../shared/eval-data, each turned into the CSV layout
 * `concord resolve` reads (canonical column names), with its truth column. The mapping is the only
 * per-data-set knowledge: the matcher sees nothing but canonical fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { EntityKind } from '../functions/identity/matching/match-record';

export interface LabelledDataSet {
  name: string;
  kind: EntityKind;
  /** Rows with canonical column names, plus `truth`. */
  rows: Record<string, string>[];
  /** Quality the issue asks for, when it sets one. */
  /** With `unmixed`, no predicted cluster may hold two true entities (a merge across legal entities). */
  target?: { metric: 'pairwise' | 'bcubed'; f1: number; unmixed?: boolean };
}

export const EVAL_DATA_DIR = join(__dirname, '..', '..', 'shared', 'eval-data');

const readCsv = (path: string): Record<string, string>[] =>
  parse(readFileSync(path), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];

const febrlDate = (yyyymmdd: string) => (/^\d{8}$/.test(yyyymmdd) ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}` : yyyymmdd);

const febrl = (n: 1 | 2 | 3): LabelledDataSet => ({
  name: `febrl${n}`,
  kind: 'person',
  target: { metric: 'pairwise', f1: 0.99 },
  rows: readCsv(join(EVAL_DATA_DIR, 'febrl', `febrl_dataset${n}.csv`)).map((r) => ({
    record_id: r.rec_id ?? '',
    truth: /^rec-(\d+)/.exec(r.rec_id ?? '')?.[1] ?? '',
    first_name: r.given_name ?? '',
    last_name: r.surname ?? '',
    street: [r.street_number, r.address_1].filter(Boolean).join(' '),
    city: r.suburb ?? '',
    postcode: r.postcode ?? '',
    region: r.state ?? '',
    country: 'AU',
    birth_date: febrlDate(r.date_of_birth ?? ''),
    national_id: r.soc_sec_id ?? '',
  })),
});

const fake1000 = (): LabelledDataSet => ({
  name: 'splink-fake-1000',
  kind: 'person',
  target: { metric: 'pairwise', f1: 0.85 },
  rows: readCsv(join(EVAL_DATA_DIR, 'splink-fake-1000', 'fake_1000.csv')).map((r) => ({
    record_id: r.unique_id ?? '',
    truth: r.cluster ?? '',
    first_name: r.first_name ?? '',
    last_name: r.surname ?? '',
    birth_date: r.dob ?? '',
    city: r.city ?? '',
    email: r.email ?? '',
  })),
});

const patstat = (): LabelledDataSet => {
  const dir = join(EVAL_DATA_DIR, 'dedupe-patstat-nl-applicants');
  const reference = new Map(readCsv(join(dir, 'patstat_reference.csv')).map((r) => [r.person_id ?? '', r]));
  return {
    name: 'patstat-nl',
    kind: 'account',
    target: { metric: 'bcubed', f1: 0.9, unmixed: true },
    // The raw applicant name as filed (legal forms and all), which is what a CRM holds.
    rows: readCsv(join(dir, 'patstat_input.csv')).map((r) => {
      const ref = reference.get(r.person_id ?? '');
      return { record_id: r.person_id ?? '', truth: ref?.leuven_id ?? '', name: ref?.person_name ?? r.Name ?? '', country: 'NL' };
    }),
  };
};

export const LABELLED_DATA_SETS: Record<string, () => LabelledDataSet> = {
  febrl1: () => febrl(1),
  febrl2: () => febrl(2),
  febrl3: () => febrl(3),
  'fake-1000': fake1000,
  patstat,
};
