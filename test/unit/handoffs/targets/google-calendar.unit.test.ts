/**
 * The Google Calendar adapter against the sandbox's calendar, over real HTTP: a kickoff exists once
 * however often, and however concurrently, a step inserts it; free/busy sees what people are busy
 * with; a calendar that fails, hangs or is slow is a classified failure, never a throw.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { firstFreeSlot } from '../../../../functions/handoffs/targets/free-slot';
import { createGoogleCalendar, eventIdFor } from '../../../../functions/handoffs/targets/google-calendar';
import type { CalendarPort } from '../../../../functions/handoffs/targets/ports';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { createGoogleCalendarFake } from '../../../../local/sandbox/targets/google-calendar';
import { heldRequestAnswered, recordsOfType } from './erp-crm-sandbox';
import { callSandbox, faultingFirst, orderTargetFault } from './pm-calendar-email-sandbox';

const SYSTEM = 'google-calendar';
const TOKEN = 'ya29.sandbox-access-token';
const DEADLINE_MS = 300;
const ROOMY_DEADLINE_MS = 5_000;
const CSM = 'dana.csm@concord.example';
const BUYER = 'bo.buyer@acme.example';

describe('eventIdFor', () => {
  /** RFC 4648's base32hex, spelled out: the digest's bits in groups of five, the last padded with zeros. */
  const base32hexOfSha256 = (key: string): string => {
    const bits = [...createHash('sha256').update(key).digest()].map((byte) => byte.toString(2).padStart(8, '0')).join('');
    const groups = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0').match(/.{5}/g) ?? [];
    return groups.map((group) => '0123456789abcdefghijklmnopqrstuv'[parseInt(group, 2)]).join('');
  };

  it('is the base32hex of the key’s SHA-256, which Google takes as an event id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (key) => {
        const id = eventIdFor(key);
        expect(id).toMatch(/^[a-v0-9]{5,1024}$/);
        expect(id).toBe(base32hexOfSha256(key));
      }),
    );
  });

  it('gives distinct keys distinct ids', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string(), { minLength: 2, maxLength: 50 }), (keys) => expect(new Set(keys.map(eventIdFor)).size).toBe(keys.length)));
  });
});

describe('the Google Calendar adapter', () => {
  let sandbox: RunningSandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({ systems: [createGoogleCalendarFake({ accessToken: TOKEN })] });
  });
  afterEach(() => sandbox.stop());

  const calendarWith = (overrides: { timeoutMs?: number; fetch?: typeof fetch; accessToken?: string } = {}): CalendarPort =>
    createGoogleCalendar({
      baseUrl: `${sandbox.url}/${SYSTEM}`,
      credentials: { accessToken: overrides.accessToken ?? TOKEN },
      timeoutMs: overrides.timeoutMs ?? ROOMY_DEADLINE_MS,
      ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
    });

  const kickoff = (key = 'handoff-7f3a:kickoff') => ({
    eventId: eventIdFor(key),
    calendarId: CSM,
    summary: 'Acme Robotics × Concord: onboarding kickoff',
    description: 'Goals, timeline and owners for the onboarding.',
    start: '2025-04-08T14:00:00.000Z',
    end: '2025-04-08T14:45:00.000Z',
    attendees: [CSM, BUYER],
  });

  const seedBusy = (calendar: string, busy: { start: string; end: string }[]) => callSandbox(sandbox, 'POST', `/${SYSTEM}/sandbox/busy`, { calendar, busy });

  describe('inserting an event with a client-chosen id', () => {
    it('creates the event, invitations sent, and links to it', async () => {
      const result = await calendarWith().insertEvent(kickoff());

      const id = eventIdFor('handoff-7f3a:kickoff');
      expect(result).toEqual({ status: 'done', record: { system: 'calendar', kind: 'event', id, url: `${sandbox.url}/sandbox/${SYSTEM}/records/event/${id}`, existed: false } });
      const opened = await fetch(`${sandbox.url}/sandbox/${SYSTEM}/records/event/${id}`);
      expect(await opened.json()).toMatchObject({ key: `event/${id}`, state: 'live' });
      const [event] = await recordsOfType(sandbox, SYSTEM, 'event');
      expect(event?.fields).toMatchObject({
        id,
        calendarId: CSM,
        sendUpdates: 'all',
        summary: 'Acme Robotics × Concord: onboarding kickoff',
        start: { dateTime: '2025-04-08T14:00:00.000Z' },
        attendees: [
          { email: CSM, responseStatus: 'needsAction' },
          { email: BUYER, responseStatus: 'needsAction' },
        ],
      });
    });

    it('finds the event on a repeat (Google answers 409 duplicate) instead of making another', async () => {
      const calendar = calendarWith();
      const first = await calendar.insertEvent(kickoff());
      const again = await calendar.insertEvent(kickoff());

      expect(again).toEqual({ status: 'done', record: { ...(first as { record: object }).record, existed: true } });
      expect(sandbox.requests(SYSTEM).map((r) => `${r.method} ${r.response?.status}`)).toEqual(['POST 200', 'POST 409', 'GET 200']);
      expect(await recordsOfType(sandbox, SYSTEM, 'event')).toHaveLength(1);
    });

    it('makes one event of 10 concurrent inserts, and all 10 name it', async () => {
      const calendar = calendarWith();
      const results = await Promise.all(Array.from({ length: 10 }, () => calendar.insertEvent(kickoff())));

      const records = results.map((result) => (result.status === 'done' ? result.record : undefined));
      expect(new Set(records.map((record) => record?.id))).toEqual(new Set([eventIdFor('handoff-7f3a:kickoff')]));
      expect(records.filter((record) => record?.existed === false)).toHaveLength(1);
      expect(await recordsOfType(sandbox, SYSTEM, 'event')).toHaveLength(1);
    });

    it('refuses an id that is not base32hex as a permanent failure', async () => {
      const result = await calendarWith().insertEvent({ ...kickoff(), eventId: 'Kickoff-1' });
      expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 400: invalid: Invalid resource id value.' });
    });
  });

  describe('free/busy', () => {
    it('reports what each calendar is busy with, its own events included, clipped to the window', async () => {
      await seedBusy(BUYER, [
        { start: '2025-04-07T08:00:00Z', end: '2025-04-08T10:00:00Z' },
        { start: '2025-04-08T15:00:00Z', end: '2025-04-08T16:00:00Z' },
      ]);
      const calendar = calendarWith();
      await calendar.insertEvent(kickoff());

      const result = await calendar.freeBusy({ calendars: [CSM, BUYER, 'nobody@acme.example'], timeMin: '2025-04-08T09:00:00Z', timeMax: '2025-04-09T00:00:00Z' });

      expect(result).toEqual({
        status: 'done',
        value: {
          [CSM]: [{ start: '2025-04-08T14:00:00.000Z', end: '2025-04-08T14:45:00.000Z' }],
          [BUYER]: [
            { start: '2025-04-08T09:00:00.000Z', end: '2025-04-08T10:00:00.000Z' },
            { start: '2025-04-08T14:00:00.000Z', end: '2025-04-08T14:45:00.000Z' },
            { start: '2025-04-08T15:00:00.000Z', end: '2025-04-08T16:00:00.000Z' },
          ],
          'nobody@acme.example': [],
        },
      });
    });

    it('feeds firstFreeSlot, whose slot the calendar then holds', async () => {
      await seedBusy(CSM, [{ start: '2025-04-08T09:00:00Z', end: '2025-04-08T12:30:00Z' }]);
      await seedBusy(BUYER, [{ start: '2025-04-08T12:00:00Z', end: '2025-04-08T13:10:00Z' }]);
      const calendar = calendarWith();
      const window = { timeMin: '2025-04-08T00:00:00Z', timeMax: '2025-04-12T00:00:00Z' };
      const busy = await calendar.freeBusy({ calendars: [CSM, BUYER], ...window });
      if (busy.status !== 'done') throw new Error(busy.detail);

      const slot = firstFreeSlot({ busy: Object.values(busy.value), from: window.timeMin, to: window.timeMax, durationMinutes: 45, workingHours: { start: 9, end: 17 }, stepMinutes: 15 });
      expect(slot).toEqual({ start: '2025-04-08T13:15:00.000Z', end: '2025-04-08T14:00:00.000Z' });
      await calendar.insertEvent({ ...kickoff(), start: slot?.start ?? '', end: slot?.end ?? '' });

      const after = await calendar.freeBusy({ calendars: [BUYER], ...window });
      expect(after).toMatchObject({ status: 'done', value: { [BUYER]: expect.arrayContaining([{ start: '2025-04-08T13:15:00.000Z', end: '2025-04-08T14:00:00.000Z' }]) } });
    });

    it('refuses an empty window as a permanent failure', async () => {
      const result = await calendarWith().freeBusy({ calendars: [CSM], timeMin: '2025-04-09T00:00:00Z', timeMax: '2025-04-08T00:00:00Z' });
      expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 400: timeRangeEmpty: The specified time range is empty.' });
    });
  });

  describe('a calendar that fails, hangs or is slow', () => {
    it('reports 503 as retryable and 400 as permanent, in Google’s words', async () => {
      const calendar = calendarWith();
      await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 503, times: 1 });
      const unavailable = await calendar.insertEvent(kickoff());
      await orderTargetFault(sandbox, SYSTEM, { mode: 'fail', status: 400, times: 1 });
      const refused = await calendar.freeBusy({ calendars: [CSM], timeMin: '2025-04-08T00:00:00Z', timeMax: '2025-04-09T00:00:00Z' });

      expect(unavailable).toMatchObject({ status: 'failed', retryable: true, detail: 'HTTP 503: backendError: fault injected by the sandbox (HTTP 503)' });
      expect(refused).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 400: badRequest: fault injected by the sandbox (HTTP 400)' });
      expect(await recordsOfType(sandbox, SYSTEM, 'event')).toHaveLength(0);
    });

    it('gives up at its deadline on a calendar that never answers, and calls that retryable', async () => {
      await orderTargetFault(sandbox, SYSTEM, { mode: 'timeout', times: 1 });
      const result = await calendarWith({ timeoutMs: DEADLINE_MS }).insertEvent(kickoff());
      expect(result).toMatchObject({ status: 'failed', retryable: true, detail: `no answer within ${DEADLINE_MS} ms` });
    });

    it('finds the event a timed-out insert made, when the retry comes', async () => {
      const slow = calendarWith({ timeoutMs: DEADLINE_MS, fetch: faultingFirst(sandbox, SYSTEM, 'POST', { mode: 'slow', delayMs: DEADLINE_MS + 300 }) });
      const timedOut = await slow.insertEvent(kickoff());
      await heldRequestAnswered(sandbox, SYSTEM);
      const retried = await calendarWith().insertEvent(kickoff());

      expect(timedOut).toMatchObject({ status: 'failed', retryable: true });
      expect(retried).toMatchObject({ status: 'done', record: { id: eventIdFor('handoff-7f3a:kickoff'), existed: true } });
      expect(await recordsOfType(sandbox, SYSTEM, 'event')).toHaveLength(1);
    });

    it('fails permanently with credentials Google does not take', async () => {
      const result = await calendarWith({ accessToken: 'ya29.revoked' }).insertEvent(kickoff());
      expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 401: authError: Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.' });
    });
  });
});
