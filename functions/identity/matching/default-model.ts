/**
 * The models Concord ships with (trained on the generator's world by `npm run
 * train-default-models`): what scores a deployment's records until it has trained on its own.
 */
import bundled from './default-models.json';
import type { EntityKind } from './match-record';
import { fromSnapshot, ModelSnapshot, type LiveModel } from './model-snapshot';

export const defaultLiveModel = (kind: EntityKind): LiveModel => {
  const check = fromSnapshot(ModelSnapshot.parse(bundled[kind]));
  // A release whose comparisons changed must ship regenerated defaults; a test guards it.
  if (check.kind !== 'ok') throw new Error(`the bundled ${kind} model is stale (${check.reason}): run npm run train-default-models`);
  return check.live;
};
