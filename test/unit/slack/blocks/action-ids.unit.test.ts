import fc from 'fast-check';
import {
  ACTION_IDS,
  actionIdPattern,
  baseActionId,
  entityValue,
  mergeValue,
  overrideMetadata,
  overrideSourceValue,
  proposalValue,
  readEntityValue,
  readMergeValue,
  readOverrideMetadata,
  readOverrideSourceValue,
  readProposalValue,
  rowActionId,
} from '../../../../slack/blocks/action-ids';

describe('action ids', () => {
  it('match the bare id and every row of it, and nothing else', () => {
    const undo = actionIdPattern(ACTION_IDS.mergeUndo);
    expect(undo.test('merge_undo')).toBe(true);
    expect(undo.test(rowActionId(ACTION_IDS.mergeUndo, 12))).toBe(true);
    expect(undo.test('merge_undo_all')).toBe(false);
    expect(undo.test('merge_undo:x')).toBe(false);
    expect(actionIdPattern(ACTION_IDS.proposalApprove).test('proposal_reject')).toBe(false);
  });

  it('give rows of one kind distinct ids that lead back to the kind', () => {
    const ids = [0, 1, 2].map((n) => rowActionId(ACTION_IDS.proposalApprove, n));
    expect(new Set(ids).size).toBe(3);
    expect(ids.map(baseActionId)).toEqual(['proposal_approve', 'proposal_approve', 'proposal_approve']);
    expect(baseActionId('something_else')).toBeUndefined();
    expect(baseActionId('proposal_approve:evil')).toBeUndefined();
  });
});

describe('button values', () => {
  it('carry an id of one kind and read back only as that kind', () => {
    expect(proposalValue('prp_ABC')).toBe('proposal:prp_ABC');
    expect(readProposalValue(proposalValue('prp_ABC'))).toBe('prp_ABC');
    expect(readMergeValue(mergeValue('mrg_01J'))).toBe('mrg_01J');
    expect(readEntityValue(entityValue('cus_0123'))).toBe('cus_0123');
    expect(readMergeValue(proposalValue('prp_ABC'))).toBeUndefined();
  });

  it('read nothing from a value a forged payload could carry', () => {
    for (const forged of [undefined, 42, '', 'proposal:', 'proposal:<!channel>', 'proposal:a b', `proposal:${'x'.repeat(201)}`, 'prp_ABC']) {
      expect(readProposalValue(forged)).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string(), (value) => {
        const id = readProposalValue(value);
        if (id !== undefined) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });

  it('refuse to make a button from an id they could not read back', () => {
    expect(() => proposalValue('prp <x>')).toThrow('not an id a button can carry');
  });
});

describe('the override modal', () => {
  it('carries the entity, its revision and the fields taken whole', () => {
    const text = overrideMetadata({ unifiedId: 'cus_1', rev: 7, wholeFields: ['address'] });
    expect(readOverrideMetadata(text)).toEqual({ unifiedId: 'cus_1', rev: 7, wholeFields: ['address'] });
    expect(readOverrideMetadata(overrideMetadata({ unifiedId: 'cus_1', rev: 0 }))).toEqual({ unifiedId: 'cus_1', rev: 0, wholeFields: [] });
    expect(readOverrideMetadata('{"unifiedId":"cus_1"}')).toBeUndefined();
    expect(readOverrideMetadata('not json')).toBeUndefined();
  });

  it('reads a source choice back, whatever the source key holds after the field', () => {
    const value = overrideSourceValue({ field: 'name', sourceKey: 'generic#account#crm:42' });
    expect(value).toBe('name:generic#account#crm:42');
    expect(readOverrideSourceValue(value)).toEqual({ field: 'name', sourceKey: 'generic#account#crm:42' });
    expect(readOverrideSourceValue(':x')).toBeUndefined();
    expect(readOverrideSourceValue('name:')).toBeUndefined();
  });
});
