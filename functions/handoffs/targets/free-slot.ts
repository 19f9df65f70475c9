/**
 * Where a meeting fits: the earliest start, on a grid of `stepMinutes` of the local clock, from which
 * `durationMinutes` lie within one weekday's working hours and overlap no one's busy time.
 *
 * Working hours and weekdays are read in `timeZone` (the organizer's, UTC unless given), so a 9–17
 * day means 9–17 there across daylight-saving changes. Busy intervals are half-open, as Google's
 * free/busy answers them: a meeting may start the minute another ends.
 *
 * The search steps through the grid instead of computing local-time arithmetic in closed form,
 * because closed forms go wrong at daylight-saving changes; a busy interval is skipped in one jump.
 * Its cost is proportional to the window (a fortnight at 15-minute steps is ~1,300 steps), which a
 * kickoff search never exceeds by much.
 */
import type { BusyInterval } from './ports';

export interface WorkingHours {
  /** Local hour the day starts, 0–23. */
  start: number;
  /** Local hour the day ends, 1–24, after `start`. */
  end: number;
}

export interface FreeSlotQuery {
  /** Each attendee's busy intervals (one list per calendar). */
  busy: BusyInterval[][];
  /** ISO instants bounding the search: the slot starts at or after `from` and ends by `to`. */
  from: string;
  to: string;
  durationMinutes: number;
  workingHours: WorkingHours;
  /** IANA zone the working hours and weekdays are read in; UTC unless given. */
  timeZone?: string;
  /** Grid of possible starts, in minutes past the local hour; must divide 60. */
  stepMinutes: number;
}

export interface Slot {
  start: string;
  end: string;
}

const MINUTE_MS = 60_000;
const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);

interface LocalTime {
  /** `YYYY-MM-DD` of the local calendar. */
  date: string;
  weekday: string;
  minuteOfDay: number;
}

/** Reads instants on the local clock of one zone; Intl does the zone rules, including daylight saving. */
const localClockOf = (timeZone: string): ((epochMs: number) => LocalTime) => {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  return (epochMs) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(epochMs)) parts[part.type] = part.value;
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      weekday: parts.weekday as string,
      minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
    };
  };
};

interface Span {
  start: number;
  end: number;
}

/** Every attendee's intervals as one sorted list of disjoint spans. */
const mergedBusy = (busy: BusyInterval[][]): Span[] => {
  const spans = busy
    .flat()
    .map((interval) => ({ start: Date.parse(interval.start), end: Date.parse(interval.end) }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
};

const checkQuery = (query: FreeSlotQuery): void => {
  const { durationMinutes, stepMinutes, workingHours } = query;
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1 || 60 % stepMinutes !== 0) throw new RangeError(`stepMinutes must divide 60, got ${stepMinutes}`);
  if (!Number.isInteger(durationMinutes) || durationMinutes < 1) throw new RangeError(`durationMinutes must be a positive whole number, got ${durationMinutes}`);
  if (!(workingHours.start >= 0 && workingHours.end <= 24 && workingHours.start < workingHours.end)) {
    throw new RangeError(`working hours ${workingHours.start}–${workingHours.end} are not a span of one day`);
  }
  for (const bound of [query.from, query.to]) if (Number.isNaN(Date.parse(bound))) throw new RangeError(`"${bound}" is not an ISO instant`);
};

/** The earliest free slot, or undefined when none fits before `to`. */
export const firstFreeSlot = (query: FreeSlotQuery): Slot | undefined => {
  checkQuery(query);
  const localTime = localClockOf(query.timeZone ?? 'UTC');
  const busy = mergedBusy(query.busy);
  const durationMs = query.durationMinutes * MINUTE_MS;
  const dayStart = query.workingHours.start * 60;
  const dayEnd = query.workingHours.end * 60;
  const latestStart = Date.parse(query.to) - durationMs;

  /** The first grid point at or after `epochMs`: whole minutes, then a multiple of the step past the local hour. */
  const onGrid = (epochMs: number): number => {
    const minute = Math.ceil(epochMs / MINUTE_MS) * MINUTE_MS;
    const behind = localTime(minute).minuteOfDay % query.stepMinutes;
    return behind === 0 ? minute : minute + (query.stepMinutes - behind) * MINUTE_MS;
  };

  const withinWorkingDay = (start: number): boolean => {
    const first = localTime(start);
    if (!WEEKDAYS.has(first.weekday) || first.minuteOfDay < dayStart) return false;
    const last = localTime(start + durationMs);
    // A slot ending at midnight reads as minute 0 of the next day: that is the end of this one.
    const endMinute = last.date === first.date ? last.minuteOfDay : last.minuteOfDay === 0 && dayEnd === 24 * 60 ? dayEnd : Number.POSITIVE_INFINITY;
    return endMinute <= dayEnd;
  };

  let busyIndex = 0;
  for (let start = onGrid(Date.parse(query.from)); start <= latestStart; ) {
    while (busyIndex < busy.length && (busy[busyIndex] as Span).end <= start) busyIndex += 1;
    const blocker = busy[busyIndex];
    if (blocker !== undefined && blocker.start < start + durationMs) {
      start = onGrid(blocker.end);
    } else if (!withinWorkingDay(start)) {
      start = onGrid(start + MINUTE_MS);
    } else {
      return { start: new Date(start).toISOString(), end: new Date(start + durationMs).toISOString() };
    }
  }
  return undefined;
};
