/**
 * Buttons. Decisions, undos and a handoff's actions go to the worker, which checks who may act and
 * updates the message in place; opening the override modal happens here, as its trigger_id lasts
 * three seconds.
 */
import type { App, BlockAction, ButtonAction, StaticSelectAction, UsersSelectAction } from '@slack/bolt';
import { ACTION_IDS, actionIdPattern, overrideModal, readEntityValue, readHandoffValue, readMergeValue, readOverrideMetadata, readPlaybookValue, readProposalValue } from '../blocks';
import type { SlackAppDeps } from '../app';
import { deliveryOf } from '../deliveries';
import { slackWorkEvent, type SlackWork } from '../work';

const DECISIONS = [
  [ACTION_IDS.proposalApprove, 'approve'],
  [ACTION_IDS.proposalReject, 'reject'],
  [ACTION_IDS.proposalUnsure, 'unsure'],
] as const;

const HANDOFF_BUTTONS = [
  [ACTION_IDS.handoffRetry, 'retry'],
  [ACTION_IDS.handoffResolve, 'resolve'],
  [ACTION_IDS.handoffConfirm, 'confirm'],
] as const;

const messageOf = (body: BlockAction) => ({ channelId: body.container?.channel_id ?? body.channel?.id, messageTs: body.container?.message_ts ?? body.message?.ts });

export const registerActions = (app: App, deps: SlackAppDeps): void => {
  for (const [actionId, decision] of DECISIONS) {
    app.action<BlockAction<ButtonAction>>(actionIdPattern(actionId), async ({ ack, body, action }) => {
      await ack();
      const { channelId, messageTs } = messageOf(body);
      const proposalId = readProposalValue(action.value);
      if (!channelId || !messageTs || !proposalId) return deps.log.error('a decision click without its message or proposal', { actionId });
      await deps.bus.publish([slackWorkEvent({ ...deliveryOf(body), type: 'decide', proposalId, decision, userId: body.user.id, channelId, messageTs } satisfies SlackWork)]);
    });
  }

  app.action<BlockAction<ButtonAction>>(actionIdPattern(ACTION_IDS.mergeUndo), async ({ ack, body, action }) => {
    await ack();
    const mergeId = readMergeValue(action.value);
    if (!mergeId) return deps.log.error('an undo click without a merge id');
    const { channelId, messageTs } = messageOf(body);
    await deps.bus.publish([slackWorkEvent({ ...deliveryOf(body), type: 'undo', mergeId, userId: body.user.id, ...(channelId && messageTs ? { channelId, messageTs } : {}) })]);
  });

  for (const [actionId, action] of HANDOFF_BUTTONS) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action: clicked }) => {
      await ack();
      const { channelId } = messageOf(body);
      const handoffId = readHandoffValue(clicked.value);
      if (!channelId || !handoffId) return deps.log.error('a handoff click without its channel or handoff', { actionId });
      await deps.bus.publish([slackWorkEvent({ ...deliveryOf(body), type: 'handoff', action, handoffId, userId: body.user.id, channelId })]);
    });
  }

  // A select carries no value: the receipt's exception actions block is named after the handoff.
  app.action<BlockAction<UsersSelectAction>>(ACTION_IDS.handoffAssign, async ({ ack, body, action }) => {
    await ack();
    const { channelId } = messageOf(body);
    const handoffId = readHandoffValue(action.block_id);
    if (!channelId || !handoffId || !action.selected_user) return deps.log.error('an assignment without its channel, handoff or person', { actionId: action.action_id });
    await deps.bus.publish([
      slackWorkEvent({ ...deliveryOf(body), type: 'handoff', action: 'assign', handoffId, assignee: action.selected_user, userId: body.user.id, channelId }),
    ]);
  });

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.playbookResume, async ({ ack, body, action }) => {
    await ack();
    const { channelId, messageTs } = messageOf(body);
    const playbook = readPlaybookValue(action.value);
    if (!channelId || !messageTs || !playbook) return deps.log.error('a resume click without its message or playbook');
    await deps.bus.publish([slackWorkEvent({ ...deliveryOf(body), type: 'resumePlaybook', playbook, userId: body.user.id, channelId, messageTs })]);
  });

  app.action<BlockAction<ButtonAction>>(actionIdPattern(ACTION_IDS.cardOverrideOpen), async ({ ack, body, action, client }) => {
    await ack();
    const unifiedId = readEntityValue(action.value);
    const entity = unifiedId ? await deps.entities.entityOf(unifiedId) : undefined;
    if (!entity) return deps.log.info('override asked for an entity that is gone', { unifiedId });
    await client.views.open({ trigger_id: body.trigger_id, view: overrideModal(entity, { members: await deps.entities.membersOf(entity.members), dispatchFieldChoice: true }) });
  });

  // Picking the field narrows the sources offered to the values members hold for it.
  app.action<BlockAction<StaticSelectAction>>(ACTION_IDS.overrideField, async ({ ack, body, action, client }) => {
    await ack();
    const metadata = readOverrideMetadata(body.view?.private_metadata);
    const entity = metadata ? await deps.entities.entityOf(metadata.unifiedId) : undefined;
    if (!body.view || !entity) return;
    const view = overrideModal(entity, { members: await deps.entities.membersOf(entity.members), field: action.selected_option.value, dispatchFieldChoice: true });
    // The hash makes Slack refuse the update if the modal changed meanwhile (a second, later pick wins).
    await client.views.update({ view_id: body.view.id, hash: body.view.hash, view });
  });
};
