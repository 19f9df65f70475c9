/**
 * The progress bar the long-running commands (`resolve`, `import`) draw on stderr: one bar per
 * phase, and only on a terminal (a bar in a log file is noise).
 */
import type { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(phase: string, done: number, total: number, detail?: string): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { update: () => {}, stop: () => {} };

/**
 * A bar that redraws inside `update` (cli-progress's synchronousUpdate) as well as on its timer,
 * so a synchronous phase such as `resolve`'s matching still moves it.
 */
export const progressOn = (stderr: Writable & { isTTY?: boolean }): Progress => {
  if (!stderr.isTTY) return NO_PROGRESS;
  const bar = new SingleBar({ stream: stderr, format: ' {phase} |{bar}| {percentage}% {detail}', clearOnComplete: true, barsize: 30 }, Presets.shades_classic);
  let current: string | undefined;
  return {
    update(phase, done, total, detail = `${done}/${total}`) {
      const payload = { phase: phase.padEnd(8), detail };
      if (phase !== current) {
        if (current !== undefined) bar.stop();
        current = phase;
        bar.start(Math.max(total, 1), done, payload);
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, payload);
      }
    },
    stop() {
      if (current !== undefined) bar.stop();
      current = undefined;
    },
  };
};
