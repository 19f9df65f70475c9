/**
 * Shared state and small helpers of the true-world generator: id counters (so true ids are
 * sequential and readable) and the sets that keep company names and domains unique.
 */
import type { Rng } from './rng';

export interface Context {
  now: number;
  root: Rng;
  reps: string[];
  usedNames: Set<string>;
  usedDomains: Set<string>;
  counters: Record<'person' | 'opportunity' | 'order' | 'invoice' | 'subscription' | 'ticket' | 'activity', number>;
}

/** `per-000042`: readable, and sequential in generation order. */
export const nextId = (ctx: Context, kind: keyof Context['counters'], prefix: string): string => `${prefix}-${pad(++ctx.counters[kind])}`;

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
export const pad = (n: number, width = 6): string => String(n).padStart(width, '0');
export const round = (n: number, step: number): number => Math.round(n / step) * step;
export const cents = (n: number): number => Math.round(n * 100) / 100;
export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const uniqueEmail = (used: Set<string>, local: string, domain: string): string => {
  let email = `${local}@${domain}`;
  for (let n = 2; used.has(email); n++) email = `${local}${n}@${domain}`;
  used.add(email);
  return email;
};

