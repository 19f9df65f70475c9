/**
 * The circuit breaker in the handoffs channel: a playbook that paused itself (too many of its
 * latest handoffs failed) with a Resume button, the same alert once resumed, and the short note a
 * resumption posts however it was done (the button, or `concord playbook resume`).
 */
import type { KnownBlock } from '@slack/types';
import { ACTION_IDS, playbookValue } from './action-ids';
import { actor, actorPlain, countOf } from './describe';
import { actions, button, confirmDialog, context, header, section } from './elements';
import type { SlackMessage } from './message';
import { code, formatUtc, inline, slackDate } from './mrkdwn';

export interface PausedPlaybook {
  playbook: string;
  title: string;
  reason?: string;
  /** When it paused (ISO 8601). */
  at?: string;
}

export interface PlaybookResumption {
  by: string;
  at: string;
  /** Held handoffs sent on their way. */
  released: number;
}

const pausedBody = (paused: PausedPlaybook): KnownBlock[] => [
  header(`⏸️ Playbook paused: ${paused.title}`),
  section(`${inline(paused.reason ?? 'Too many of its latest handoffs failed.', 1500)}\nHandoffs it would start meanwhile are held, and run once it is resumed.`),
  context([`${code(paused.playbook)}${paused.at === undefined ? '' : ` · paused ${slackDate(paused.at)}`} · or ${code(`concord playbook resume ${paused.playbook}`)}`]),
];

export const playbookPausedAlert = (paused: PausedPlaybook): SlackMessage => ({
  text: inline(`Playbook paused: ${paused.title}${paused.reason === undefined ? '' : ` (${paused.reason})`}`, 500),
  blocks: [
    ...pausedBody(paused),
    actions([
      button({
        text: 'Resume',
        actionId: ACTION_IDS.playbookResume,
        value: playbookValue(paused.playbook),
        style: 'primary',
        confirm: confirmDialog({
          title: 'Resume this playbook?',
          text: 'Its held handoffs run now, and new ones start again. If whatever made them fail is not fixed, it may pause again.',
          confirm: 'Resume',
          deny: 'Cancel',
        }),
      }),
    ]),
  ],
});

const resumedLine = (resumed: PlaybookResumption): string =>
  `▶️ Resumed by ${actor(resumed.by)} ${slackDate(resumed.at)}: ${countOf(resumed.released, 'held handoff')} released.`;

/** The alert once the playbook runs again: no button, who resumed it. */
export const playbookResumedAlert = (paused: PausedPlaybook, resumed: PlaybookResumption): SlackMessage => ({
  text: inline(`Playbook ${paused.title} resumed by ${actorPlain(resumed.by)} at ${formatUtc(resumed.at)}`, 500),
  blocks: [...pausedBody(paused), section(resumedLine(resumed))],
});

export const playbookResumedNote = (playbook: { playbook: string; title: string }, resumed: PlaybookResumption): SlackMessage => ({
  text: inline(`Playbook ${playbook.title} resumed by ${actorPlain(resumed.by)}`, 500),
  blocks: [section(`${inline(playbook.title, 300)} (${code(playbook.playbook)}): ${resumedLine(resumed)}`)],
});
