/**
 * Who may decide merges: the configured user ids, and the members of the stewards' user group,
 * asked of Slack and kept for a minute (a decision is rare; a changed group applies within it).
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../functions/shared/ports';

const GROUP_MEMBERS_TTL_MS = 60_000;

export class Stewards {
  private group: { members: Set<string>; until: number } | undefined;

  constructor(
    private readonly client: WebClient,
    private readonly settings: { stewardUserIds: readonly string[]; stewardUserGroup: string | undefined },
    private readonly clock: Clock,
  ) {}

  async isSteward(userId: string): Promise<boolean> {
    if (this.settings.stewardUserIds.includes(userId)) return true;
    if (this.settings.stewardUserGroup === undefined) return false;
    return (await this.groupMembers(this.settings.stewardUserGroup)).has(userId);
  }

  private async groupMembers(usergroup: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    if (this.group && this.group.until > now) return this.group.members;
    const { users } = await this.client.usergroups.users.list({ usergroup });
    this.group = { members: new Set(users ?? []), until: now + GROUP_MEMBERS_TTL_MS };
    return this.group.members;
  }
}
