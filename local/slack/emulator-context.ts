/**
 * What the parts of the local Slack share: the workspace, the state, the id source, the clock,
 * the trigger_ids and response_urls handed out. One value, built once by createSlackEmulator.
 */
import type { Clock } from '../../functions/shared/ports';
import type { ResponseUrls } from './response-urls';
import type { SlackIds } from './slack-ids';
import type { SlackState } from './slack-state';
import type { TriggerRegistry } from './triggers';
import type { Workspace } from './workspace';

export interface EmulatorContext {
  workspace: Workspace;
  state: SlackState;
  ids: SlackIds;
  clock: Clock;
  /** When the workspace came to be: the creation time of its users, groups and channels. */
  createdAt: Date;
  triggers: TriggerRegistry;
  responseUrls: ResponseUrls;
}
