/**
 * Writes a world to disk: `changes.<system>.json` (one change per line inside a JSON array, so a
 * diff or grep shows whole changes) and `truth.json`. Dates are written as ISO strings; use
 * `readChanges` to get Date objects back.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceSystem } from '../../functions/shared/canonical';
import type { SourceChange } from '../../local/vendors/vendor-simulator';
import type { World } from './world';

const jsonLines = (items: readonly unknown[]): string =>
  items.length === 0 ? '[]\n' : `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]\n`;

/** Writes the files and returns their paths. */
export const writeWorld = (world: World, dir: string): string[] => {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [system, changes] of Object.entries(world.changes) as [SourceSystem, SourceChange[]][]) {
    const path = join(dir, `changes.${system}.json`);
    writeFileSync(path, jsonLines(changes));
    written.push(path);
  }
  const truthPath = join(dir, 'truth.json');
  writeFileSync(
    truthPath,
    `{\n"summary": ${JSON.stringify(world.summary)},\n"hardNegatives": ${jsonLines(world.truth.hardNegatives).trimEnd()},\n"records": ${jsonLines(world.truth.records).trimEnd()}\n}\n`,
  );
  written.push(truthPath);
  return written;
};

/** Reads one `changes.<system>.json` back, with `occurredAt` as a Date again. */
export const readChanges = (path: string): SourceChange[] =>
  (JSON.parse(readFileSync(path, 'utf8')) as (Omit<SourceChange, 'occurredAt'> & { occurredAt: string })[]).map(
    (c) => ({ ...c, occurredAt: new Date(c.occurredAt) }) as SourceChange,
  );
