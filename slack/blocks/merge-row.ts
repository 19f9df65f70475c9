/**
 * One merge as a row with its Undo button, shared by the daily digest and App Home. An undone
 * merge says who undid it and has no button.
 */
import type { Button, SectionBlock } from '@slack/types';
import type { MergeRecord } from '../../functions/identity/graph/identity-graph';
import { ACTION_IDS, mergeValue, rowActionId } from './action-ids';
import { actor, countOf, percentPlain, strongestEvidencePlain } from './describe';
import { button, confirmDialog, section } from './elements';
import { bold, code, inline, slackDate } from './mrkdwn';

const entity = (unifiedId: string, labels: ReadonlyMap<string, string> | undefined): string => {
  const label = labels?.get(unifiedId);
  return label === undefined ? code(unifiedId) : `${bold(label, 200)} ${code(unifiedId)}`;
};

/** Undo for one merge; it asks first, since the two sides are kept apart from then on. */
export const undoButton = (mergeId: string, actionId: string = ACTION_IDS.mergeUndo, text = 'Undo'): Button =>
  button({
    text,
    actionId,
    value: mergeValue(mergeId),
    confirm: confirmDialog({
      title: 'Undo this merge?',
      text: 'Both sides become separate again, exactly as they were, and Concord will keep them apart from then on.',
      confirm: 'Undo',
      deny: 'Cancel',
    }),
  });

export const mergeRow = (merge: MergeRecord, row: number, labels?: ReadonlyMap<string, string>): SectionBlock => {
  const evidence = merge.evidence;
  const why = [
    evidence?.probability === undefined ? undefined : `${percentPlain(evidence.probability)} likely`,
    inline(strongestEvidencePlain(evidence?.fields ?? []), 300),
  ].filter((s): s is string => s !== undefined && s !== '');
  const lines = [
    `${entity(merge.absorbed, labels)} → ${entity(merge.survivor, labels)} · ${countOf(merge.moved.length, 'record')} moved`,
    `${why.length > 0 ? `${why.join(' · ')} · ` : ''}by ${actor(merge.actor.by)} ${slackDate(merge.at)} · ${code(merge.mergeId)}`,
    ...(merge.undone === undefined ? [] : [`↩️ Undone by ${actor(merge.undone.by)} ${slackDate(merge.undone.at)}`]),
  ];
  const undo = merge.undone === undefined ? undoButton(merge.mergeId, rowActionId(ACTION_IDS.mergeUndo, row)) : undefined;
  return section(lines.join('\n'), undo);
};
