/**
 * Our own EventBridge event-pattern matcher, so the local bus routes exactly as the AWS rules
 * generated from the same routing table do (functions/shared/routing.ts).
 *
 * How EventBridge decides (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * - every key of a pattern must match (AND); the values in a leaf array are alternatives (OR);
 * - `$or` holds two or more sub-patterns, at least one of which must match;
 * - the event is seen as leaves: an array in the event is "crushed", so a field matches when any
 *   of its elements matches; objects inside an array are matched one element at a time, so two
 *   pattern fields can never be satisfied by two different elements of the same array;
 * - only scalars (string, number, boolean, null) are leaves: an object is never a leaf, so it
 *   matches no value and counts as absent for `exists`.
 *
 * A pattern is compiled once (and cached per pattern object): compiling is also how it is
 * validated, so `validatePattern` and `matchesPattern` cannot disagree on what an operator means.
 */
import type { EventPattern } from '../functions/shared/routing';

export type PatternValidation = { kind: 'valid' } | { kind: 'invalid'; detail: string };

/** A pattern EventBridge would refuse reached the matcher: a bug in the routing table, not in the event. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
  constructor(readonly detail: string) {
    super(`Invalid event pattern: ${detail}`);
  }
}

/** Whether `event` (a JSON value, as EventBridge delivers it) matches `pattern`. Throws on an invalid pattern. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesObject(compiled(pattern), event);
}

/** Whether EventBridge would accept `pattern`; `detail` names the first offending path. */
export function validatePattern(pattern: unknown): PatternValidation {
  const result = compilePattern(pattern, '', false);
  return result.kind === 'ok' ? { kind: 'valid' } : result;
}

// ---------------------------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------------------------

type Scalar = string | number | boolean | null;

interface CompiledPattern {
  fields: CompiledField[];
  /** The branches of this level's `$or`, if it has one. */
  anyOf: CompiledPattern[] | undefined;
}

type CompiledField =
  | { kind: 'leaf'; key: string; matchers: ValueMatcher[] }
  | { kind: 'nested'; key: string; pattern: CompiledPattern };

type ValueMatcher =
  | { kind: 'exact'; value: Scalar }
  | { kind: 'prefix'; text: string; ignoreCase: boolean }
  | { kind: 'suffix'; text: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; text: string }
  | { kind: 'wildcard'; glob: Glob }
  | { kind: 'numeric'; range: NumericRange }
  | { kind: 'cidr'; block: CidrBlock }
  | { kind: 'exists'; present: boolean }
  | { kind: 'anything-but'; exclusion: Exclusion };

type Exclusion =
  | { kind: 'values'; values: (string | number)[] }
  | { kind: 'prefix' | 'suffix' | 'equals-ignore-case'; texts: string[] }
  | { kind: 'wildcard'; globs: Glob[] };

interface Bound {
  value: number;
  inclusive: boolean;
}
interface NumericRange {
  lower: Bound | undefined;
  upper: Bound | undefined;
}

/** The literal pieces between the unescaped `*`s of a wildcard; one piece means no wildcard at all. */
interface Glob {
  pieces: string[];
}

interface CidrBlock {
  version: 4 | 6;
  network: bigint;
  prefixLength: number;
}

type Compiled<T> = { kind: 'ok'; value: T } | { kind: 'invalid'; detail: string };

const ok = <T>(value: T): Compiled<T> => ({ kind: 'ok', value });
const invalid = (path: string, reason: string): { kind: 'invalid'; detail: string } => ({
  kind: 'invalid',
  detail: path === '' ? reason : `${path}: ${reason}`,
});

// Routes are module-level constants, so compiling each pattern object once is enough.
const cache = new WeakMap<object, CompiledPattern>();

function compiled(pattern: EventPattern): CompiledPattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const result = compilePattern(pattern, '', false);
  if (result.kind === 'invalid') throw new InvalidEventPatternError(result.detail);
  cache.set(pattern, result.value);
  return result.value;
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

function matchesObject(pattern: CompiledPattern, node: unknown): boolean {
  return (
    pattern.fields.every((field) => matchesField(field, childOf(node, field.key))) &&
    (pattern.anyOf === undefined || pattern.anyOf.some((branch) => matchesObject(branch, node)))
  );
}

function matchesField(field: CompiledField, value: unknown): boolean {
  if (field.kind === 'leaf') {
    const leaves = scalarLeaves(value);
    return field.matchers.some((matcher) => matchesLeaves(matcher, leaves));
  }
  // Each object is tried on its own (array consistency). With none to try, the sub-pattern is
  // still evaluated against nothing, because `exists: false` below a missing parent holds.
  const objects = objectElements(value);
  if (objects.length === 0) return matchesObject(field.pattern, undefined);
  return objects.some((object) => matchesObject(field.pattern, object));
}

function matchesLeaves(matcher: ValueMatcher, leaves: Scalar[]): boolean {
  if (matcher.kind === 'exists') return matcher.present === leaves.length > 0;
  return leaves.some((leaf) => matchesScalar(matcher, leaf));
}

function matchesScalar(matcher: Exclude<ValueMatcher, { kind: 'exists' }>, leaf: Scalar): boolean {
  switch (matcher.kind) {
    case 'exact':
      // JSON numbers compare by value (300, 300.0 and 3e2 are one number once parsed); a string
      // never equals a number, nor null the empty string.
      return leaf === matcher.value;
    case 'anything-but':
      // Needs a value to be present (there is a leaf here); only the excluded ones fail.
      return !isExcluded(matcher.exclusion, leaf);
    case 'numeric':
      return isComparableNumber(leaf) && inRange(matcher.range, leaf);
    default:
      // Every remaining operator is about text: numbers, booleans and null never match them.
      return typeof leaf === 'string' && matchesText(matcher, leaf);
  }
}

function matchesText(
  matcher: Extract<ValueMatcher, { kind: 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard' | 'cidr' }>,
  text: string,
): boolean {
  switch (matcher.kind) {
    case 'prefix':
      return matcher.ignoreCase ? fold(text).startsWith(fold(matcher.text)) : text.startsWith(matcher.text);
    case 'suffix':
      return matcher.ignoreCase ? fold(text).endsWith(fold(matcher.text)) : text.endsWith(matcher.text);
    case 'equals-ignore-case':
      return fold(text) === fold(matcher.text);
    case 'wildcard':
      return matchesGlob(matcher.glob, text);
    case 'cidr':
      return inCidr(matcher.block, text);
  }
}

function isExcluded(exclusion: Exclusion, leaf: Scalar): boolean {
  // A value of another type than the excluded ones is never excluded: `anything-but: "x"`
  // matches 5, true and null.
  if (exclusion.kind === 'values') return exclusion.values.some((value) => value === leaf);
  if (typeof leaf !== 'string') return false;
  switch (exclusion.kind) {
    case 'prefix':
      return exclusion.texts.some((text) => leaf.startsWith(text));
    case 'suffix':
      return exclusion.texts.some((text) => leaf.endsWith(text));
    case 'equals-ignore-case':
      return exclusion.texts.some((text) => fold(text) === fold(leaf));
    case 'wildcard':
      return exclusion.globs.some((glob) => matchesGlob(glob, leaf));
  }
}

function inRange(range: NumericRange, value: number): boolean {
  const { lower, upper } = range;
  if (lower && (lower.inclusive ? value < lower.value : value <= lower.value)) return false;
  if (upper && (upper.inclusive ? value > upper.value : value >= upper.value)) return false;
  return true;
}

/** Case-insensitive comparisons fold both sides the same way. */
const fold = (text: string): string => text.toLowerCase();

// ---------------------------------------------------------------------------------------------
// Reading the event
// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childOf(node: unknown, key: string): unknown {
  return isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** The leaf values at one path: arrays (nested ones too) are crushed, objects are not leaves. */
function scalarLeaves(value: unknown): Scalar[] {
  if (Array.isArray(value)) return value.flatMap(scalarLeaves);
  return isScalar(value) ? [value] : [];
}

/** The objects at one path, looking through arrays the same way. */
function objectElements(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objectElements);
  return isPlainObject(value) ? [value] : [];
}

// ---------------------------------------------------------------------------------------------
// Compiling (and so validating) a pattern
// ---------------------------------------------------------------------------------------------

/** Keys EventBridge refuses inside `$or` branches: its operator names and reserved words. */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  'html',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function compilePattern(raw: unknown, path: string, insideOr: boolean): Compiled<CompiledPattern> {
  if (!isPlainObject(raw)) return invalid(path, 'a pattern must be a JSON object');
  const entries = Object.entries(raw);
  if (entries.length === 0) return invalid(path, 'empty objects are not allowed');
  const fields: CompiledField[] = [];
  let anyOf: CompiledPattern[] | undefined;
  for (const [key, value] of entries) {
    const at = join(path, key);
    if (key === '$or') {
      const branches = compileOr(value, at);
      if (branches.kind === 'invalid') return branches;
      anyOf = branches.value;
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      return invalid(at, `"${key}" is reserved and cannot be a field inside $or`);
    }
    const field = compileField(key, value, at, insideOr);
    if (field.kind === 'invalid') return field;
    fields.push(field.value);
  }
  return ok({ fields, anyOf });
}

function compileField(key: string, value: unknown, path: string, insideOr: boolean): Compiled<CompiledField> {
  if (Array.isArray(value)) {
    const matchers = compileLeaf(value, path);
    return matchers.kind === 'ok' ? ok({ kind: 'leaf', key, matchers: matchers.value }) : matchers;
  }
  if (isPlainObject(value)) {
    const pattern = compilePattern(value, path, insideOr);
    return pattern.kind === 'ok' ? ok({ kind: 'nested', key, pattern: pattern.value }) : pattern;
  }
  return invalid(path, 'must be an object or an array');
}

function compileOr(value: unknown, path: string): Compiled<CompiledPattern[]> {
  if (!Array.isArray(value)) return invalid(path, '$or must be an array of patterns');
  if (value.length < 2) return invalid(path, '$or needs at least two patterns');
  return collect(value, (branch, index) => compilePattern(branch, `${path}[${index}]`, true));
}

function compileLeaf(values: readonly unknown[], path: string): Compiled<ValueMatcher[]> {
  if (values.length === 0) return invalid(path, 'empty arrays are not allowed');
  return collect(values, (value, index) => compileValue(value, `${path}[${index}]`));
}

function compileValue(value: unknown, path: string): Compiled<ValueMatcher> {
  if (typeof value === 'number' && !Number.isFinite(value)) return invalid(path, 'numbers must be finite');
  if (isScalar(value)) return ok({ kind: 'exact', value });
  if (isPlainObject(value)) return compileOperator(value, path);
  return invalid(path, 'a match value must be a string, number, boolean, null or an operator object');
}

function compileOperator(expression: Record<string, unknown>, path: string): Compiled<ValueMatcher> {
  const entries = Object.entries(expression);
  const [entry] = entries;
  if (!entry || entries.length > 1) return invalid(path, 'an operator object must have exactly one key');
  const [name, operand] = entry;
  const at = join(path, name);
  switch (name) {
    case 'prefix':
    case 'suffix': {
      const text = compileAffix(operand, at);
      return text.kind === 'ok' ? ok({ kind: name, ...text.value }) : text;
    }
    case 'equals-ignore-case':
      return typeof operand === 'string' ? ok({ kind: name, text: operand }) : invalid(at, 'must be a string');
    case 'wildcard': {
      const glob = compileGlob(operand, at);
      return glob.kind === 'ok' ? ok({ kind: name, glob: glob.value }) : glob;
    }
    case 'numeric': {
      const range = compileNumericRange(operand, at);
      return range.kind === 'ok' ? ok({ kind: name, range: range.value }) : range;
    }
    case 'cidr': {
      const block = typeof operand === 'string' ? parseCidr(operand) : undefined;
      if (!block) return invalid(at, 'must be an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"');
      return ok({ kind: name, block });
    }
    case 'exists':
      return typeof operand === 'boolean' ? ok({ kind: name, present: operand }) : invalid(at, 'must be true or false');
    case 'anything-but': {
      const exclusion = compileExclusion(operand, at);
      return exclusion.kind === 'ok' ? ok({ kind: name, exclusion: exclusion.value }) : exclusion;
    }
    default:
      return invalid(path, `unrecognized operator "${name}"`);
  }
}

/** `prefix`/`suffix` take a string, or `{ "equals-ignore-case": string }`. */
function compileAffix(operand: unknown, path: string): Compiled<{ text: string; ignoreCase: boolean }> {
  if (typeof operand === 'string') return ok({ text: operand, ignoreCase: false });
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    const text = operand['equals-ignore-case'];
    if (keys.length === 1 && typeof text === 'string') return ok({ text, ignoreCase: true });
  }
  return invalid(path, 'must be a string or { "equals-ignore-case": string }');
}

/**
 * `anything-but` takes one string or number, a non-empty list of only strings or only numbers, or
 * one of `prefix`, `suffix`, `equals-ignore-case`, `wildcard` with a string or a list of strings.
 */
function compileExclusion(operand: unknown, path: string): Compiled<Exclusion> {
  if (isPlainObject(operand)) return compileNestedExclusion(operand, path);
  const values = Array.isArray(operand) ? operand : [operand];
  if (values.length === 0) return invalid(path, 'the list must not be empty');
  if (values.every(isString)) return ok({ kind: 'values', values });
  if (values.every(isNumber)) {
    const bad = values.find((value) => !isComparableNumber(value));
    if (bad !== undefined) return invalid(path, numberRangeReason(bad));
    return ok({ kind: 'values', values });
  }
  return invalid(path, 'must be a string, a number, or a list of only strings or only numbers');
}

function compileNestedExclusion(operand: Record<string, unknown>, path: string): Compiled<Exclusion> {
  const entries = Object.entries(operand);
  const [entry] = entries;
  if (!entry || entries.length > 1) return invalid(path, 'a nested anything-but must have exactly one key');
  const [name, inner] = entry;
  const at = join(path, name);
  const texts = Array.isArray(inner) ? inner : [inner];
  if (texts.length === 0) return invalid(at, 'the list must not be empty');
  if (!texts.every(isString)) return invalid(at, 'must be a string or a list of strings');
  switch (name) {
    case 'prefix':
    case 'suffix':
      // An empty prefix or suffix would exclude every string; EventBridge refuses it.
      if (texts.includes('')) return invalid(at, 'must not be empty');
      return ok({ kind: name, texts });
    case 'equals-ignore-case':
      return ok({ kind: name, texts });
    case 'wildcard': {
      const globs = collect(texts, (text, index) => compileGlob(text, `${at}[${index}]`));
      return globs.kind === 'ok' ? ok({ kind: name, globs: globs.value }) : globs;
    }
    default:
      return invalid(path, `unsupported anything-but operator "${name}"`);
  }
}

/**
 * The grammar EventBridge accepts: [op, n] for any of = < <= > >=, or a lower bound then an upper
 * bound, [">" | ">=", n, "<" | "<=", m] with n < m. Other orders are refused, not reinterpreted.
 */
function compileNumericRange(operand: unknown, path: string): Compiled<NumericRange> {
  if (!Array.isArray(operand)) return invalid(path, 'must be an array such as [">", 0, "<=", 5]');
  const [op, value, upperOp, upperValue] = operand as unknown[];
  if (typeof value !== 'number') return invalid(path, 'each operator must be followed by a number');
  if (!isComparableNumber(value)) return invalid(path, numberRangeReason(value));
  const bound = (inclusive: boolean): Bound => ({ value, inclusive });
  if (operand.length === 2) {
    switch (op) {
      case '=':
        return ok({ lower: bound(true), upper: bound(true) });
      case '>':
      case '>=':
        return ok({ lower: bound(op === '>='), upper: undefined });
      case '<':
      case '<=':
        return ok({ lower: undefined, upper: bound(op === '<=') });
      default:
        return invalid(path, `unrecognized numeric operator ${JSON.stringify(op)}`);
    }
  }
  if (operand.length !== 4) return invalid(path, 'must hold one comparison or one lower and one upper bound');
  if (op !== '>' && op !== '>=') return invalid(path, 'a range must start with ">" or ">="');
  if (upperOp !== '<' && upperOp !== '<=') return invalid(path, 'a range must end with "<" or "<="');
  if (typeof upperValue !== 'number') return invalid(path, 'each operator must be followed by a number');
  if (!isComparableNumber(upperValue)) return invalid(path, numberRangeReason(upperValue));
  if (value >= upperValue) return invalid(path, 'the lower bound must be less than the upper bound');
  return ok({ lower: bound(op === '>='), upper: { value: upperValue, inclusive: upperOp === '<=' } });
}

// ---------------------------------------------------------------------------------------------
// Numbers EventBridge can compare
// ---------------------------------------------------------------------------------------------

/**
 * EventBridge compares numbers in a fixed-point form: within ±5e9 and with at most six decimal
 * places. Outside that, numeric ranges never match an event value and are refused in a pattern;
 * exact matching (a plain number in a leaf array) has no such limit.
 */
const NUMERIC_LIMIT = 5e9;
const MAX_DECIMALS = 6;

function isComparableNumber(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    Math.abs(value) <= NUMERIC_LIMIT &&
    decimalPlaces(value) <= MAX_DECIMALS
  );
}

function numberRangeReason(value: unknown): string {
  return `${String(value)} is not a number between -5e9 and 5e9 with at most six decimal places`;
}

/** Decimal places of the shortest round-tripping form, which is how the number reads in JSON. */
function decimalPlaces(value: number): number {
  const match = /^\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(Math.abs(value).toString());
  if (!match) return Number.POSITIVE_INFINITY;
  const fraction = match[1]?.length ?? 0;
  const exponent = Number(match[2] ?? 0);
  return Math.max(0, fraction - exponent);
}

// ---------------------------------------------------------------------------------------------
// Wildcards
// ---------------------------------------------------------------------------------------------

/**
 * `*` matches any run of characters (including none); `\*` is a literal star and `\\` a literal
 * backslash. EventBridge refuses `**` and a backslash before anything else (or at the end).
 */
function compileGlob(operand: unknown, path: string): Compiled<Glob> {
  if (typeof operand !== 'string') return invalid(path, 'must be a string');
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < operand.length; i++) {
    const char = operand[i];
    if (char === '*') {
      if (operand[i + 1] === '*') return invalid(path, `consecutive wildcard characters at position ${i}`);
      pieces.push(piece);
      piece = '';
    } else if (char === '\\') {
      const next = operand[i + 1];
      if (next !== '*' && next !== '\\') return invalid(path, `invalid escape at position ${i}`);
      piece += next;
      i++;
    } else {
      piece += char;
    }
  }
  pieces.push(piece);
  return ok({ pieces });
}

/** Leftmost placement of each middle piece is enough: a star can absorb whatever it skips. */
function matchesGlob(glob: Glob, text: string): boolean {
  const { pieces } = glob;
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return text === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let position = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------

interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseCidr(text: string): CidrBlock | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const address = parseIp(match[1] ?? '');
  const prefixLength = Number(match[2]);
  if (!address || prefixLength > BITS[address.version]) return undefined;
  return { version: address.version, network: address.value >> hostBits(address.version, prefixLength), prefixLength };
}

function inCidr(block: CidrBlock, text: string): boolean {
  const address = parseIp(text);
  return (
    address !== undefined &&
    address.version === block.version &&
    address.value >> hostBits(block.version, block.prefixLength) === block.network
  );
}

const hostBits = (version: 4 | 6, prefixLength: number): bigint => BigInt(BITS[version] - prefixLength);

function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { version: 4, value };
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  const isOctet = (octet: string) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255;
  if (octets.length !== 4 || !octets.every(isOctet)) return undefined;
  return octets.reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

/** Eight hex groups, `::` standing for a run of zero groups, optionally ending in dotted IPv4. */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  // Dotted IPv4 may only close the whole address, so only in the last half.
  const groupsOf = (part: string | undefined, endsAddress: boolean): bigint[] | undefined => {
    if (!part) return [];
    const groups: bigint[] = [];
    const words = part.split(':');
    for (const [index, word] of words.entries()) {
      if (endsAddress && index === words.length - 1 && word.includes('.')) {
        const v4 = parseIpv4(word);
        if (v4 === undefined) return undefined;
        groups.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-f]{1,4}$/i.test(word)) {
        groups.push(BigInt(`0x${word}`));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0], halves.length === 1);
  const tail = groupsOf(halves[1], true);
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

// ---------------------------------------------------------------------------------------------

/** Compiles every element, stopping at the first invalid one. */
function collect<T, U>(items: readonly T[], compile: (item: T, index: number) => Compiled<U>): Compiled<U[]> {
  const out: U[] = [];
  for (const [index, item] of items.entries()) {
    const result = compile(item, index);
    if (result.kind === 'invalid') return result;
    out.push(result.value);
  }
  return ok(out);
}
