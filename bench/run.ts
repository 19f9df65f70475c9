/**
 * `npm run bench -- NAME [options]`: runs one benchmark and prints its figures.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import * as backfill from './backfill';
import * as handoff from './handoff';
import * as identity from './identity';
import * as ingest from './ingest';
import * as match from './match';
import * as slack from './slack';

const benchmarks: Record<string, { run(args: string[]): Promise<void> }> = { backfill, handoff, identity, ingest, match, slack };

const [name, ...args] = process.argv.slice(2);
const bench = name === undefined ? undefined : benchmarks[name];
if (bench === undefined) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]`);
  process.exit(2);
}
bench
  .run(args)
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
