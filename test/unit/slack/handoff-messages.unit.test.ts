import { mayActOnHandoff } from '../../../slack/handoff-permission';
import { SlackWork } from '../../../slack/work';
import { readSlackMessage } from '../../../slack/worker.handler';

const envelope = (source: string, detailType: string, detail: unknown) => JSON.stringify({ version: '0', source, 'detail-type': detailType, detail });

describe("the Slack worker's handoff messages", () => {
  it('reads each handoff event the routing table sends it', () => {
    expect(readSlackMessage(envelope('concord.handoffs', 'handoff.updated', { handoffId: 'hof_1', playbook: 'closed-won', status: 'running' }))).toEqual({ kind: 'handoffUpdated', handoffId: 'hof_1' });
    expect(readSlackMessage(envelope('concord.handoffs', 'handoff.playbookPaused', { playbook: 'closed-won', title: 'Closed-won', reason: 'r', at: '2026-06-01T00:00:00Z' }))).toEqual({
      kind: 'playbookPaused',
      paused: { playbook: 'closed-won', title: 'Closed-won', reason: 'r', at: '2026-06-01T00:00:00Z' },
    });
    expect(readSlackMessage(envelope('concord.handoffs', 'handoff.playbookResumed', { playbook: 'closed-won', by: 'U1', released: 2, at: '2026-06-01T00:00:00Z' }))).toMatchObject({
      kind: 'playbookResumed',
      resumed: { released: 2 },
    });
    expect(readSlackMessage(envelope('concord.handoffs', 'handoff.ownerNotice', { key: 'k', email: 'a@b.example', text: 'yours', handoffId: 'hof_1' }))).toMatchObject({ kind: 'ownerNotice' });
  });

  it('refuses a malformed handoff event with the reason, and handoff events not meant for Slack', () => {
    expect(readSlackMessage(envelope('concord.handoffs', 'handoff.ownerNotice', { key: 'k', text: 'yours', handoffId: 'hof_1' }))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('email') });
    expect(readSlackMessage(envelope('concord.handoffs', 'handoff.requested', {}))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('not for the Slack worker') });
  });

  it('takes an assignment only with the person assigned', () => {
    const click = { type: 'handoff', handoffId: 'hof_1', userId: 'U0SALES', channelId: 'C0HANDOFFS' };
    expect(SlackWork.safeParse({ ...click, action: 'assign', assignee: 'U0SUCCESS' }).success).toBe(true);
    expect(SlackWork.safeParse({ ...click, action: 'assign' }).success).toBe(false);
    expect(SlackWork.safeParse({ ...click, action: 'retry' }).success).toBe(true);
    expect(SlackWork.safeParse({ ...click, action: 'delete' }).success).toBe(false);
  });
});

describe('who may act on a handoff', () => {
  it('is anyone clicking on the receipt in its channel, and nobody on a copy elsewhere', () => {
    expect(mayActOnHandoff({ userId: 'U0SALES', channelId: 'C0HANDOFFS' }, 'C0HANDOFFS')).toEqual({ ok: true });
    expect(mayActOnHandoff({ userId: 'U0SALES', channelId: 'C0OTHER' }, 'C0HANDOFFS')).toMatchObject({ ok: false });
  });
});
