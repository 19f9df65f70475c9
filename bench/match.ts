/**
 * `npm run bench -- match [DATASET…]`: matching quality on the labelled public data sets (and,
 * with `--scale N`, speed of the pure core on N generated records).
 */
import { csvLayout, rowToMatchInput } from '../functions/identity/matching/csv-input';
import { bCubedQuality, pairCompleteness, pairwiseQuality } from '../functions/identity/matching/evaluate';
import { resolve } from '../functions/identity/matching/resolve';
import { LABELLED_DATA_SETS } from './match-datasets';

const fmt = (x: number) => x.toFixed(4);

export const runLabelled = (name: string) => {
  const data = (LABELLED_DATA_SETS[name] as () => ReturnType<(typeof LABELLED_DATA_SETS)[string]>)();
  const header = Object.keys(data.rows[0] ?? {});
  const layout = csvLayout(header, data.kind, ['truth']);
  const inputs = data.rows.map((r) => rowToMatchInput(r, layout));
  const started = performance.now();
  const result = resolve(inputs, { kind: data.kind });
  const ms = performance.now() - started;
  const truth = data.rows.map((r) => r.truth ?? '');
  const predicted = Array.from(result.clusterOf, String);
  const pw = pairwiseQuality(predicted, truth);
  const b3 = bCubedQuality(predicted, truth);
  const n = inputs.length;
  const completeness = pairCompleteness(result.candidates, truth);
  const reduction = 1 - result.candidates.length / ((n * (n - 1)) / 2);
  const met = data.target ? (data.target.metric === 'pairwise' ? pw.f1 : b3.f1) >= data.target.f1 : undefined;
  console.log(
    `${data.name.padEnd(18)} n=${n} pairwise P ${fmt(pw.precision)} R ${fmt(pw.recall)} F1 ${fmt(pw.f1)} | B3 P ${fmt(b3.precision)} R ${fmt(b3.recall)} F1 ${fmt(b3.f1)} | ` +
      `completeness ${fmt(completeness)} reduction ${fmt(reduction)} candidates ${result.candidates.length} review ${result.review.length} | ${ms.toFixed(0)} ms` +
      (met === undefined ? '' : met ? '  target met' : `  BELOW TARGET ${data.target?.metric} F1 ${data.target?.f1}`),
  );
  if (layout.ignored.length > 0) console.log(`  ignored columns: ${layout.ignored.join(', ')}`);
  return result;
};

export const run = async (args: string[]): Promise<void> => {
  const names = args.filter((a) => !a.startsWith('--'));
  for (const name of names.length > 0 ? names : Object.keys(LABELLED_DATA_SETS)) runLabelled(name);
};
