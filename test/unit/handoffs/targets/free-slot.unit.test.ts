/**
 * firstFreeSlot: the slot it finds overlaps no busy interval, lies within a weekday's working hours
 * on the grid, and is the earliest such; when it finds none, there is none. Checked against a
 * plain enumeration of the grid, in UTC and in a zone three hours ahead of it.
 */
import fc from 'fast-check';
import { firstFreeSlot, type FreeSlotQuery } from '../../../../functions/handoffs/targets/free-slot';

const MINUTE = 60_000;
/** Monday 7 April 2025, 00:00 UTC. */
const MONDAY = Date.parse('2025-04-07T00:00:00Z');

/** Fixed-offset zones, so the oracle can read local time with plain arithmetic. */
const ZONES = [
  { timeZone: 'UTC', offsetMinutes: 0 },
  { timeZone: 'Etc/GMT-3', offsetMinutes: 180 },
] as const;

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

const arbInterval = fc
  .record({ startMinute: fc.integer({ min: 0, max: 21 * 24 * 60 }), lengthMinutes: fc.integer({ min: 1, max: 600 }) })
  .map(({ startMinute, lengthMinutes }) => ({ start: iso(MONDAY + startMinute * MINUTE), end: iso(MONDAY + (startMinute + lengthMinutes) * MINUTE) }));

const arbQuery = fc
  .record({
    busy: fc.array(fc.array(arbInterval, { maxLength: 15 }), { maxLength: 4 }),
    fromSecond: fc.integer({ min: 0, max: 7 * 24 * 3600 }),
    windowMinutes: fc.integer({ min: 30, max: 14 * 24 * 60 }),
    durationMinutes: fc.integer({ min: 1, max: 240 }),
    dayStart: fc.integer({ min: 0, max: 20 }),
    dayLength: fc.integer({ min: 1, max: 24 }),
    stepMinutes: fc.constantFrom(5, 10, 15, 20, 30, 60),
    zone: fc.constantFrom(...ZONES),
  })
  .map(({ busy, fromSecond, windowMinutes, durationMinutes, dayStart, dayLength, stepMinutes, zone }) => {
    const from = MONDAY + fromSecond * 1000;
    const query: FreeSlotQuery = {
      busy,
      from: iso(from),
      to: iso(from + windowMinutes * MINUTE),
      durationMinutes,
      workingHours: { start: dayStart, end: Math.min(24, dayStart + dayLength) },
      timeZone: zone.timeZone,
      stepMinutes,
    };
    return { query, offsetMinutes: zone.offsetMinutes };
  });

/** The rules a slot must keep, read independently of the implementation. */
const rulesOf = (query: FreeSlotQuery, offsetMinutes: number) => {
  const durationMs = query.durationMinutes * MINUTE;
  const intervals = query.busy.flat().map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }));
  const isFree = (start: number) => intervals.every((b) => b.end <= start || b.start >= start + durationMs);
  const isInWorkingHours = (start: number) => {
    const local = new Date(start + offsetMinutes * MINUTE);
    const weekday = local.getUTCDay();
    const startMinute = local.getUTCHours() * 60 + local.getUTCMinutes();
    const endMinute = startMinute + query.durationMinutes;
    return weekday >= 1 && weekday <= 5 && startMinute >= query.workingHours.start * 60 && endMinute <= query.workingHours.end * 60;
  };
  const isOnGrid = (start: number) => (start / MINUTE + offsetMinutes) % query.stepMinutes === 0;
  /** Every grid start from `from` up to `until` (exclusive). */
  const gridUntil = (until: number): number[] => {
    const first = Math.ceil(Date.parse(query.from) / (query.stepMinutes * MINUTE)) * query.stepMinutes * MINUTE;
    const starts: number[] = [];
    for (let start = first; start < until; start += query.stepMinutes * MINUTE) starts.push(start);
    return starts;
  };
  return { isFree, isInWorkingHours, isOnGrid, gridUntil, durationMs };
};

describe('firstFreeSlot', () => {
  it('finds a slot on the grid, inside the window, free for everyone and within a weekday’s working hours', () => {
    fc.assert(
      fc.property(arbQuery, ({ query, offsetMinutes }) => {
        const slot = firstFreeSlot(query);
        fc.pre(slot !== undefined);
        const rules = rulesOf(query, offsetMinutes);
        const start = Date.parse(slot?.start ?? '');
        expect(Date.parse(slot?.end ?? '') - start).toBe(rules.durationMs);
        expect(start).toBeGreaterThanOrEqual(Date.parse(query.from));
        expect(start + rules.durationMs).toBeLessThanOrEqual(Date.parse(query.to));
        expect(rules.isOnGrid(start)).toBe(true);
        expect(rules.isFree(start)).toBe(true);
        expect(rules.isInWorkingHours(start)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the earliest such slot, and none only when there is none', () => {
    fc.assert(
      fc.property(arbQuery, ({ query, offsetMinutes }) => {
        const slot = firstFreeSlot(query);
        const rules = rulesOf(query, offsetMinutes);
        const until = slot === undefined ? Date.parse(query.to) - rules.durationMs + 1 : Date.parse(slot.start);
        const earlier = rules.gridUntil(until).find((start) => rules.isFree(start) && rules.isInWorkingHours(start));
        expect(earlier === undefined ? undefined : iso(earlier)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('lets a meeting start the minute another ends and end as the working day does', () => {
    const slot = firstFreeSlot({
      busy: [[{ start: '2025-04-07T09:00:00Z', end: '2025-04-07T16:00:00Z' }]],
      from: '2025-04-07T08:00:00Z',
      to: '2025-04-08T00:00:00Z',
      durationMinutes: 60,
      workingHours: { start: 9, end: 17 },
      stepMinutes: 30,
    });
    expect(slot).toEqual({ start: '2025-04-07T16:00:00.000Z', end: '2025-04-07T17:00:00.000Z' });
  });

  it('reads working hours on the zone’s clock across a daylight-saving change', () => {
    // Friday 28 March 2025, 16:30 in Paris (UTC+1); the clocks go to UTC+2 on Sunday.
    const slot = firstFreeSlot({ busy: [], from: '2025-03-28T15:30:00Z', to: '2025-04-05T00:00:00Z', durationMinutes: 60, workingHours: { start: 9, end: 17 }, timeZone: 'Europe/Paris', stepMinutes: 15 });
    expect(slot).toEqual({ start: '2025-03-31T07:00:00.000Z', end: '2025-03-31T08:00:00.000Z' });
  });

  it('counts a slot that ends at midnight as inside a day that ends at 24', () => {
    const slot = firstFreeSlot({ busy: [], from: '2025-04-07T23:00:00Z', to: '2025-04-09T00:00:00Z', durationMinutes: 60, workingHours: { start: 0, end: 24 }, stepMinutes: 60 });
    expect(slot).toEqual({ start: '2025-04-07T23:00:00.000Z', end: '2025-04-08T00:00:00.000Z' });
  });

  it('refuses a step that does not divide the hour', () => {
    expect(() => firstFreeSlot({ busy: [], from: '2025-04-07T00:00:00Z', to: '2025-04-08T00:00:00Z', durationMinutes: 30, workingHours: { start: 9, end: 17 }, stepMinutes: 7 })).toThrow(RangeError);
  });
});
