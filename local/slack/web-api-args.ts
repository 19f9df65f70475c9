/**
 * The shared vocabulary of the Web API methods: their arguments as WebClient sends them (every
 * value a string in a form body, real types in a JSON body), their answers in Slack's envelope,
 * and Slack's cursor pagination.
 */
import type { EmulatorContext } from './emulator-context';

/** A method's answer: `{ ok: true, … }`, or `{ ok: false, error, response_metadata? }`. */
export type ApiResult = { ok: boolean } & Record<string, unknown>;

export type WebApiMethod = (args: ApiArgs, context: EmulatorContext) => ApiResult;

export const refuse = (error: string, messages?: readonly string[]): ApiResult => ({
  ok: false,
  error,
  ...(messages === undefined || messages.length === 0 ? {} : { response_metadata: { messages: [...messages] } }),
});

export const missingArgument = (name: string): ApiResult => refuse('invalid_arguments', [`[ERROR] missing required field: ${name}`]);

export class ApiArgs {
  constructor(readonly values: Readonly<Record<string, unknown>>) {}

  raw(name: string): unknown {
    return this.values[name];
  }

  /** The argument as text; undefined when absent or empty. */
  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  /** Slack reads `true`, `1` (and real booleans in JSON) as true. */
  flag(name: string): boolean {
    const value = this.values[name];
    return value === true || value === 1 || value === 'true' || value === '1';
  }

  /** A whole number, or undefined when absent or not a number. */
  int(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === '') return undefined;
    const number = typeof value === 'number' ? value : Number(value);
    return Number.isInteger(number) ? number : undefined;
  }
}

const encodeCursor = (prefix: string, key: string): string => Buffer.from(`${prefix}:${key}`).toString('base64');

/**
 * One page of `items` in Slack's way: `limit` items from `cursor` on, and the cursor of the next
 * page (`''` on the last one). Slack's cursors are opaque base64 (`dXNlcjpVMDYxTkZUVDI=` is
 * `user:U061NFTT2`), so the emulator's are too.
 */
export const paginate = <T>(
  items: readonly T[],
  args: ApiArgs,
  prefix: string,
  keyOf: (item: T) => string,
  limits: { default: number; max: number },
): { page: T[]; nextCursor: string } | 'invalid_cursor' => {
  const requested = args.int('limit');
  const limit = requested === undefined || requested <= 0 ? limits.default : Math.min(requested, limits.max);
  const cursor = args.string('cursor');
  let start = 0;
  if (cursor !== undefined) {
    const decoded = Buffer.from(cursor, 'base64').toString('utf8');
    if (!decoded.startsWith(`${prefix}:`)) return 'invalid_cursor';
    start = items.findIndex((item) => keyOf(item) === decoded.slice(prefix.length + 1));
    if (start < 0) return 'invalid_cursor';
  }
  const page = items.slice(start, start + limit);
  const next = items[start + limit];
  return { page, nextCursor: next === undefined ? '' : encodeCursor(prefix, keyOf(next)) };
};
