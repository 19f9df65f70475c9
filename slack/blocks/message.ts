import type { HomeView, KnownBlock, ModalView } from '@slack/types';

/**
 * What a builder gives the app to post, update or answer with: the blocks, and `text`, which Slack
 * shows in notifications and where blocks cannot be shown (escaped mrkdwn, like the blocks).
 */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Views whose blocks are all ones the builders know (Slack's types allow any block). */
export type HomeSurface = HomeView & { blocks: KnownBlock[] };
export type ModalSurface = ModalView & { blocks: KnownBlock[] };
