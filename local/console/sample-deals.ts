/**
 * The console's "Try a handoff": each click makes a fresh sample customer in Salesforce
 * (../sample-deal.ts) and sends it the way Salesforce would, signed, through the real ingest path:
 * first the account, its buyer and the open opportunity, then, once identity has unified them, the
 * opportunity closed-won, which starts the closed-won playbook. The page is answered at once with
 * the deal's name; the sending goes on in the background, and its receipt appears in #handoffs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { ContactHierarchy } from '../../functions/identity/golden/contact-hierarchy';
import type { IdentityStore } from '../../functions/identity/identity.store';
import type { Clock } from '../../functions/shared/ports';
import { sampleDeal, type SampleDeal } from '../sample-deal';
import { sendChanges } from '../send-webhooks';
import type { SourceChange } from '../vendors/vendor-simulator';

/** A deal that runs through, or one whose contract waits for legal review (an exception on the receipt). */
export const SampleDealKind = z.enum(['won', 'legal-review']);
export type SampleDealKind = z.infer<typeof SampleDealKind>;

export interface StartedSampleDeal {
  kind: SampleDealKind;
  /** The customer's name, as the receipt's title shows it (`<name> Inc.`). */
  name: string;
  opportunityId: string;
}

export interface SampleDeals {
  /** Picks the next fresh customer and starts sending it; resolves before the sending is done. */
  start(kind: SampleDealKind): Promise<StartedSampleDeal>;
  /** Stops waiting on deals still being sent: the runtime is stopping. */
  close(): void;
}

export interface SampleDealsDeps {
  /** The runtime's own URL: known once its server listens, which is after the console is made. */
  baseUrl: () => string;
  secretEnv: NodeJS.ProcessEnv;
  clock: Clock;
  identity: Pick<IdentityStore, 'entityOfRecord' | 'relatedTo'>;
  /** Where the seeds start. The tests' sample deals use seeds below 1000, so the console's are never theirs. */
  firstSeed?: number;
  /** How often, and how long, to look for the unified customer before closing the deal. */
  pollMs?: number;
  unifiedWithinMs?: number;
  /** Told when a deal could not be sent; nobody waits on the background sending to hear it otherwise. */
  logError?: (message: string, extra: Record<string, unknown>) => void;
}

const FIRST_SEED = 1000;
const POLL_MS = 250;
const UNIFIED_WITHIN_MS = 60_000;

const keysOf = (deal: SampleDeal) => ({
  account: `salesforce#account#${deal.accountId}`,
  buyer: `salesforce#person#${deal.contactId}`,
  opportunity: `salesforce#opportunity#${deal.opportunityId}`,
});

/**
 * Identity has made the deal's customer: the account unified, its buyer among the account's
 * contacts and the opportunity related to it. Closed any sooner, the handoff would find no
 * customer yet, or no buyer to welcome and invite to the kickoff.
 */
const readyToClose = async (identity: SampleDealsDeps['identity'], deal: SampleDeal): Promise<boolean> => {
  const keys = keysOf(deal);
  const [account, buyer, related] = await Promise.all([identity.entityOfRecord(keys.account), identity.entityOfRecord(keys.buyer), identity.relatedTo(keys.account)]);
  const contacts = (account?.hierarchy as ContactHierarchy | null | undefined)?.people ?? [];
  return buyer !== undefined && contacts.some((p) => p.personId === buyer.unifiedId) && related.some((r) => r.sourceKey === keys.opportunity);
};

export const createSampleDeals = (deps: SampleDealsDeps): SampleDeals => {
  const pollMs = deps.pollMs ?? POLL_MS;
  const unifiedWithinMs = deps.unifiedWithinMs ?? UNIFIED_WITHIN_MS;
  const logError = deps.logError ?? ((message, extra) => console.error(`console: ${message}`, extra));
  const stopping = new AbortController();
  let nextSeed = deps.firstSeed ?? FIRST_SEED;

  /**
   * The next seed whose customer Concord does not know yet: after a restart on kept data the
   * counter starts again, and a deal closed before would start no new handoff. Each call takes
   * its seeds before it awaits, so two clicks at once never get the same customer.
   */
  const freshDeal = async (kind: SampleDealKind): Promise<SampleDeal> => {
    for (;;) {
      const deal = sampleDeal({ seed: nextSeed++, now: deps.clock.now(), legalReview: kind === 'legal-review' });
      if ((await deps.identity.entityOfRecord(keysOf(deal).account)) === undefined) return deal;
    }
  };

  const send = async (changes: SourceChange[]): Promise<void> => {
    const results = await sendChanges(deps.baseUrl(), { salesforce: changes }, { secretEnv: deps.secretEnv, now: deps.clock.now() });
    const refused = results.find((r) => r.status !== 202);
    if (refused !== undefined) throw new Error(`Salesforce's webhook was answered ${refused.status}: ${refused.body.slice(0, 300)}`);
  };

  const waitUntilUnified = async (deal: SampleDeal): Promise<void> => {
    const deadline = Date.now() + unifiedWithinMs;
    while (!(await readyToClose(deps.identity, deal))) {
      if (Date.now() > deadline) throw new Error(`identity did not unify the account, buyer and opportunity within ${unifiedWithinMs} ms`);
      await sleep(pollMs, undefined, { signal: stopping.signal });
    }
  };

  const run = async (deal: SampleDeal): Promise<void> => {
    try {
      await send(deal.setup);
      await waitUntilUnified(deal);
      await send([deal.closeWon]);
    } catch (error) {
      // A runtime that stops mid-deal ends the wait and the requests: that is no failure to report.
      if (stopping.signal.aborted) return;
      logError('a sample deal was not sent', { name: deal.name, opportunityId: deal.opportunityId, error: error instanceof Error ? error.message : String(error) });
    }
  };

  return {
    async start(kind) {
      const deal = await freshDeal(kind);
      void run(deal);
      return { kind, name: deal.name, opportunityId: deal.opportunityId };
    },
    close: () => stopping.abort(),
  };
};
