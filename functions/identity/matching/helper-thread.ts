/**
 * A second thread for `resolve`: it prepares the second half of the records and compares the
 * second shard of the candidate pairs while the calling thread does the first. At a million
 * records those two phases are most of the run, and a second core nearly halves them.
 *
 * `resolve` is synchronous (the CLI, the bench and the trainer call it as a function), so the
 * calling thread waits for the helper's messages by blocking on a shared counter
 * (Atomics.wait) and reading its port directly (receiveMessageOnPort), not through the event
 * loop. Records cross as JSON text, which both threads turn into objects faster than the
 * structured clone of a million objects; pairs cross as typed arrays, moved, not copied.
 *
 * Both threads hold every prepared record: comparing a pair needs both records, and which pairs
 * a shard holds depends on every record's keys.
 */
import { MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { blockingFor, keyIndexOf, MAX_RULES, ruleKeyLists, type BlockingRule, type BlockLimits, type RuleKeyList, type Shard } from './blocking';
import { compareShardApart, type ComparedShard } from './compared-pairs';
import { comparisonsFor } from './comparisons';
import { createPreparer, type EntityKind, type MatchInput, type MatchOptions, type Prepared } from './match-record';
import { wordWeights } from './word-weights';

interface HelperSetup {
  kind: EntityKind;
  match: MatchOptions;
  limits: BlockLimits;
  shard: Shard;
  port: MessagePort;
  /** Messages posted so far: [0] to the calling thread, [1] to the helper. */
  posted: Int32Array;
  /** Per blocking rule, 1 once a thread has taken it to build its key list. */
  taken: Int32Array;
}

type KeyLists = (RuleKeyList | undefined)[];
type ToHelper = { type: 'prepare'; inputs: string } | { type: 'records'; records: string } | { type: 'keys'; lists: KeyLists };
type FromHelper =
  | { type: 'prepared'; records: string }
  | { type: 'keys'; lists: KeyLists }
  | { type: 'compared'; shard: ComparedShard }
  | { type: 'failed'; message: string; stack?: string };

/**
 * Whether this thread builds the rule's key list: both threads walk the rules in order and each
 * takes the ones the other has not, so the costly rules spread by themselves.
 */
const takes = (taken: Int32Array) => (rule: number): boolean => Atomics.compareExchange(taken, rule, 0, 1) === 0;

/** Each rule's list from whichever side built it. */
const together = (own: KeyLists, theirs: KeyLists): RuleKeyList[] => own.map((list, r) => (list ?? theirs[r]) as RuleKeyList);

const TO_CALLER = 0;
const TO_HELPER = 1;

const post = (port: MessagePort, posted: Int32Array, slot: number, message: ToHelper | FromHelper, transfer: ArrayBuffer[] = []) => {
  port.postMessage(message, transfer);
  Atomics.add(posted, slot, 1);
  Atomics.notify(posted, slot);
};

/** The next message on `port`, waiting without the event loop until one is posted. */
const receive = <T>(port: MessagePort, posted: Int32Array, slot: number): T => {
  for (;;) {
    const seen = Atomics.load(posted, slot);
    const message = receiveMessageOnPort(port);
    if (message) return message.message as T;
    Atomics.wait(posted, slot, seen);
  }
};

/** The calling thread's side. */
export class HelperThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly posted = new Int32Array(new SharedArrayBuffer(8));
  private readonly taken = new Int32Array(new SharedArrayBuffer(4 * MAX_RULES));

  constructor(kind: EntityKind, match: MatchOptions, limits: BlockLimits, shard: Shard) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const setup: HelperSetup = { kind, match, limits, shard, port: port2, posted: this.posted, taken: this.taken };
    // The helper loads this module's TypeScript source through tsx, as bin/concord.cjs does.
    const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(__filename)}).runHelper();`;
    this.worker = new Worker(code, { eval: true, workerData: setup, transferList: [port2] });
    this.worker.unref();
  }

  /** Starts preparing `inputs` on the helper. */
  prepare(inputs: readonly MatchInput[]): void {
    post(this.port, this.posted, TO_HELPER, { type: 'prepare', inputs: JSON.stringify(inputs) });
  }

  /** The records `prepare` was given, prepared. */
  prepared(): Prepared[] {
    return JSON.parse(this.expect('prepared').records) as Prepared[];
  }

  /** Hands the helper the records it did not prepare, in order; it then builds its key lists. */
  share(records: readonly Prepared[]): void {
    post(this.port, this.posted, TO_HELPER, { type: 'records', records: JSON.stringify(records) });
  }

  /** Every rule's key list, built by this thread and the helper between them. */
  keyLists(records: readonly Prepared[], rules: readonly BlockingRule[], limits: BlockLimits): RuleKeyList[] {
    const own = ruleKeyLists(records, rules, limits, takes(this.taken));
    post(this.port, this.posted, TO_HELPER, { type: 'keys', lists: own });
    return together(own, this.expect('keys').lists);
  }

  /** The helper's shard, compared; the helper then ends. */
  compared(): ComparedShard {
    const { shard } = this.expect('compared');
    this.port.close();
    return shard;
  }

  /** Ends the helper early (the calling thread failed). */
  stop(): void {
    this.port.close();
    void this.worker.terminate();
  }

  private expect<K extends FromHelper['type']>(type: K): Extract<FromHelper, { type: K }> {
    const message = receive<FromHelper>(this.port, this.posted, TO_CALLER);
    if (message.type === 'failed') {
      this.stop();
      throw new Error(`resolve's helper thread failed: ${message.message}\n${message.stack ?? ''}`);
    }
    if (message.type !== type) throw new Error(`resolve's helper thread sent ${message.type}, expected ${type}`);
    return message as Extract<FromHelper, { type: K }>;
  }
}

/**
 * The helper's side: prepare its records; given the rest, build half the rules' key lists and
 * swap them for the other half; then compare its shard.
 */
export const runHelper = (): void => {
  const { kind, match, limits, shard, port, posted, taken } = workerData as HelperSetup;
  const next = () => receive<ToHelper>(port, posted, TO_HELPER);
  try {
    const first = next();
    if (first.type !== 'prepare') throw new Error(`expected inputs, got ${first.type}`);
    const prepare = createPreparer(match);
    const own = (JSON.parse(first.inputs) as MatchInput[]).map((input) => prepare(input));
    post(port, posted, TO_CALLER, { type: 'prepared', records: JSON.stringify(own) });
    const second = next();
    if (second.type !== 'records') throw new Error(`expected records, got ${second.type}`);
    const records = (JSON.parse(second.records) as Prepared[]).concat(own);
    const rules = blockingFor(kind);
    const lists = ruleKeyLists(records, rules, limits, takes(taken));
    post(port, posted, TO_CALLER, { type: 'keys', lists });
    const third = next();
    if (third.type !== 'keys') throw new Error(`expected key lists, got ${third.type}`);
    const index = keyIndexOf(records.length, together(lists, third.lists), limits);
    const compared = compareShardApart(records, { wordWeight: wordWeights(records) }, index, rules, shard, comparisonsFor(kind));
    post(port, posted, TO_CALLER, { type: 'compared', shard: compared }, [compared.i.buffer, compared.j.buffer, compared.pattern.buffer] as ArrayBuffer[]);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    post(port, posted, TO_CALLER, { type: 'failed', message: error.message, ...(error.stack ? { stack: error.stack } : {}) });
  }
  port.close();
};
