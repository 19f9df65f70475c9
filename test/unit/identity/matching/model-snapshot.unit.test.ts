/** A trained model survives storage exactly, and a snapshot from other comparisons is refused. */
import { defaultLiveModel } from '../../../../functions/identity/matching/default-model';
import { decodeSnapshot, encodeSnapshot, fromSnapshot, toSnapshot } from '../../../../functions/identity/matching/model-snapshot';
import { resolve, wordFrequencies } from '../../../../functions/identity/matching/resolve';

const inputs = ['Acme Analytics', 'ACME Analytics Inc', 'Globex', 'Globex Corp', 'Initech', 'Umbrella Group', 'Umbrella Grp'].map((name, i) => ({
  key: `generic#account#${i}`,
  source: 'generic',
  kind: 'account' as const,
  fields: { name, phone: `+1617555${String(100 + (i >> 1)).padStart(4, '0')}` },
  trustedIds: {},
}));

describe('model snapshots', () => {
  const result = resolve(inputs, { kind: 'account' });
  const snapshot = toSnapshot('account', result.model, wordFrequencies(result.records), { trainedAt: '2026-11-24T00:00:00.000Z', records: inputs.length, origin: 'trained' });

  it('round-trips through storage unchanged', () => {
    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual(snapshot);
  });

  it('gives back the parameters it was given', () => {
    const check = fromSnapshot(snapshot);
    expect(check.kind).toBe('ok');
    if (check.kind !== 'ok') return;
    expect(check.live.model.lambda).toBe(result.model.lambda);
    expect(check.live.model.comparisons.map((c) => c.m)).toEqual(result.model.comparisons.map((c) => c.m));
  });

  it('keeps only values more common than an average exact agreement', () => {
    snapshot.termFrequencies.forEach((values, k) => {
      for (const [, share] of values ?? []) expect(share).toBeGreaterThan(result.model.comparisons[k]!.u[0]!);
    });
  });

  it('refuses a snapshot whose comparisons are not this version’s', () => {
    const renamed = { ...snapshot, comparisons: snapshot.comparisons.map((c, k) => (k === 0 ? { ...c, levels: [...c.levels, 'new level'], m: [...c.m, 0.1], u: [...c.u, 0.1] } : c)) };
    expect(fromSnapshot(renamed)).toMatchObject({ kind: 'stale' });
  });

  it('ships bundled models that match this version’s comparisons', () => {
    expect(() => defaultLiveModel('account')).not.toThrow();
    expect(() => defaultLiveModel('person')).not.toThrow();
  });
});
