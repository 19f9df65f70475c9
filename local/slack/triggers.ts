/**
 * trigger_ids: Slack hands one to the app with every slash command and interaction, and the app
 * may exchange it once, within 3 seconds, to open a modal for the person who acted. The local
 * Slack keeps the ones it issued so views.open refuses the others exactly as Slack does.
 */
import type { Clock } from '../../functions/shared/ports';

export const TRIGGER_LIFETIME_MS = 3000;

export type TriggerRefusal = 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id';

export type TriggerCheck = { kind: 'usable'; user: string } | { kind: 'refused'; error: TriggerRefusal };

interface IssuedTrigger {
  user: string;
  issuedAt: number;
  exchanged: boolean;
}

/** Long-expired triggers are forgotten after this, so a long session does not grow without bound. */
const FORGET_AFTER_MS = 10 * 60_000;

export class TriggerRegistry {
  private readonly issued = new Map<string, IssuedTrigger>();

  constructor(private readonly clock: Clock) {}

  issue(triggerId: string, user: string): void {
    const now = this.clock.now().getTime();
    for (const [id, trigger] of this.issued) if (now - trigger.issuedAt > FORGET_AFTER_MS) this.issued.delete(id);
    this.issued.set(triggerId, { user, issuedAt: now, exchanged: false });
  }

  /** Whether the trigger may open a view now, and for whom; it stays unused until `exchange`. */
  check(triggerId: string | undefined): TriggerCheck {
    const trigger = triggerId === undefined ? undefined : this.issued.get(triggerId);
    if (trigger === undefined) return { kind: 'refused', error: 'invalid_trigger_id' };
    if (trigger.exchanged) return { kind: 'refused', error: 'exchanged_trigger_id' };
    if (this.clock.now().getTime() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return { kind: 'refused', error: 'expired_trigger_id' };
    return { kind: 'usable', user: trigger.user };
  }

  exchange(triggerId: string): void {
    const trigger = this.issued.get(triggerId);
    if (trigger !== undefined) trigger.exchanged = true;
  }
}
