/**
 * The identity commands of `concord`: look a customer up, explain a match, list and decide merges,
 * undo one, report where systems disagree, and train the matcher on the store's records. Each
 * acts on the running runtime (or the deployed stack with --aws) and prints JSON with --json.
 */
import type { Command } from 'commander';
import { scanDisagreements } from '../../functions/identity/disagreement-scan';
import { renderDisagreementReport } from '../../functions/identity/golden/disagreements';
import type { Actor } from '../../functions/identity/graph/identity-graph';
import { TooFewRecordsError, type DecisionOutcome } from '../../functions/identity/identity-service';
import { DEFAULT_THRESHOLDS } from '../../functions/identity/matching/resolve';
import type { CliContext } from '../cli-context';
import { renderEntityCard, renderMerges, renderProposals, renderWaterfall } from './identity-render';

type WithContext = <A extends unknown[]>(action: (ctx: CliContext, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

/** Who decides from a terminal: recorded in the audit log and on the merge. */
const cliActor = (reason: string | undefined, fallback: string): Actor => ({ by: `cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`, reason: reason ?? fallback });

const fail = (message: string): void => {
  process.exitCode = 1;
  console.error(message);
};

const printDecision = (outcome: DecisionOutcome, json: boolean | undefined): void => {
  if (json) return console.log(JSON.stringify(outcome, null, 2));
  switch (outcome.kind) {
    case 'merged':
      return console.log(`Merged ${outcome.merge.absorbed} into ${outcome.merge.survivor} (${outcome.merge.moved.length} record(s) moved). Undo with: concord unmerge ${outcome.merge.mergeId}`);
    case 'kept-apart':
      return console.log('Recorded: they are different. No later run will merge them.');
    case 'already-one':
      return console.log(`They are already one entity (${outcome.unifiedId}); the decision is recorded.`);
    case 'already-decided':
      return fail(`That proposal was already ${outcome.status}${outcome.by ? ` by ${outcome.by}` : ''}.`);
    case 'not-found':
      return fail(`Nothing found for ${outcome.what}: give a unified id (cus_…, per_…), a source key (system#type#id) or a proposal id.`);
  }
};

export const registerIdentity = (program: Command, withContext: WithContext): void => {
  program
    .command('lookup <query...>')
    .description('find a unified customer or person by name, domain, email, phone, external id, source key or unified id')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, words: string[], opts: { json?: boolean }) => {
        const query = words.join(' ');
        const entities = await ctx.identity.lookup(query);
        if (opts.json) {
          const out = await Promise.all(entities.map(async (e) => ({ ...e, records: await ctx.sourceRecords.getMany(e.members) })));
          return console.log(JSON.stringify(out, null, 2));
        }
        if (entities.length === 0) return fail(`No customer or person matches "${query}" (${ctx.where}).`);
        for (const e of entities) console.log(`${renderEntityCard(e, await ctx.sourceRecords.getMany(e.members))}\n`);
      }),
    );

  program
    .command('explain <a> <b>')
    .description('the per-field evidence for two records (source keys) under the current model, as a waterfall')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, a: string, b: string, opts: { json?: boolean }) => {
        const score = await ctx.identity.explainPair(a, b);
        if (!score) return fail(`Both must be stored records of the same kind (account or person), by source key: ${a}, ${b}.`);
        if (opts.json) return console.log(JSON.stringify(score, null, 2));
        console.log(renderWaterfall(a, b, score, DEFAULT_THRESHOLDS));
      }),
    );

  program
    .command('merges')
    .description('recent merges (newest first), or with --pending the merge proposals waiting for a person')
    .option('--pending', 'list pending merge proposals instead')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, opts: { pending?: boolean; limit: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        const items = opts.pending ? await ctx.identityStore.proposals('pending', limit) : await ctx.identityStore.merges(limit);
        if (opts.json) return console.log(JSON.stringify(items, null, 2));
        console.log(opts.pending ? renderProposals(items as Awaited<ReturnType<typeof ctx.identityStore.proposals>>) : renderMerges(items as Awaited<ReturnType<typeof ctx.identityStore.merges>>));
      }),
    );

  program
    .command('merge <a> <b>')
    .description('merge two entities (unified ids or member source keys), as a person decided')
    .option('--reason <text>', 'why, for the audit log')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, a: string, b: string, opts: { reason?: string; json?: boolean }) => {
        printDecision(await ctx.identity.merge(a, b, cliActor(opts.reason, 'merged from the command line')), opts.json);
      }),
    );

  const proposalDecisions = [
    { name: 'approve', approve: true, description: 'approve a merge proposal: the two entities merge, and no later run splits them', fallback: 'approved from the command line' },
    { name: 'reject', approve: false, description: 'reject a merge proposal: they are different, and no later run merges them', fallback: 'rejected from the command line' },
  ];
  for (const decision of proposalDecisions) {
    program
      .command(`${decision.name} <proposalId>`)
      .description(decision.description)
      .option('--reason <text>', 'why, for the audit log')
      .option('--json', 'print JSON')
      .action(
        withContext(async (ctx, id: string, opts: { reason?: string; json?: boolean }) => {
          printDecision(await ctx.identity.decideProposal(id, decision.approve, cliActor(opts.reason, decision.fallback)), opts.json);
        }),
      );
  }

  program
    .command('keep-apart <a> <b>')
    .description('record that two records or entities are different (a cannot-link)')
    .option('--reason <text>', 'why, for the audit log')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, a: string, b: string, opts: { reason?: string; json?: boolean }) => {
        printDecision(await ctx.identity.keepApart(a, b, cliActor(opts.reason, 'kept apart from the command line')), opts.json);
      }),
    );

  program
    .command('unmerge <mergeId>')
    .description('undo a merge exactly; the two sides are kept apart from then on')
    .option('--reason <text>', 'why, for the audit log')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, mergeId: string, opts: { reason?: string; json?: boolean }) => {
        const outcome = await ctx.identity.unmerge(mergeId, cliActor(opts.reason, 'undone from the command line'));
        if (opts.json) return console.log(JSON.stringify(outcome, null, 2));
        switch (outcome.kind) {
          case 'unmerged':
            return console.log(`Undid ${mergeId}: ${outcome.merge.absorbed} is back with ${outcome.merge.moved.length} record(s); ${outcome.merge.survivor} keeps the rest.`);
          case 'already-undone':
            return fail(`${mergeId} was already undone at ${outcome.at} by ${outcome.by}.`);
          case 'not-found':
            return fail(`No merge ${mergeId}: see concord merges.`);
          case 'refused':
            return fail(`Cannot undo ${mergeId}: ${outcome.reason}`);
        }
      }),
    );

  program
    .command('report <name>')
    .description('reports: disagreements (where the systems still disagree, per field and system pair)')
    .option('--entities <n>', 'entities listed in full', '10')
    .option('--json', 'print JSON')
    .action(
      withContext(async (ctx, name: string, opts: { entities: string; json?: boolean }) => {
        if (name !== 'disagreements') return fail(`Unknown report ${name}; try: concord report disagreements`);
        const { summary, entities } = await scanDisagreements(ctx.identityStore, ctx.sourceRecords);
        if (opts.json) return console.log(JSON.stringify({ summary, entities }, null, 2));
        console.log(renderDisagreementReport(summary, entities, { entities: Number(opts.entities) }));
      }),
    );

  program
    .command('train')
    .description("train the matcher on the store's records (people's decisions as labels) and use that model from now on")
    .option('--entity <kind>', 'account, person, or both', 'both')
    .action(
      withContext(async (ctx, opts: { entity: string }) => {
        const kinds = opts.entity === 'both' ? (['account', 'person'] as const) : ([opts.entity] as ('account' | 'person')[]);
        for (const kind of kinds) {
          try {
            const live = await ctx.identity.trainModel(kind);
            console.log(`${kind}: trained on ${live.records} records; ${live.model.comparisons.map((c) => `${c.name} (${c.mSource})`).join(', ')}`);
          } catch (error) {
            if (!(error instanceof TooFewRecordsError)) throw error;
            console.log(`${kind}: ${error.message}`);
          }
        }
      }),
    );
};
