/**
 * Google Calendar (API v3) as the handoffs' calendar, with an OAuth 2.0 access token as Bearer
 * (minted elsewhere: a service account with domain-wide delegation, acting as the organizer).
 *
 * - free/busy: `POST /calendar/v3/freeBusy` with the window and the calendars; a calendar Google
 *   cannot read comes back with `errors` instead of `busy`, which fails the whole lookup — a slot
 *   chosen without someone's busy time would double-book them.
 * - events: `POST /calendar/v3/calendars/{calendarId}/events?sendUpdates=all` with a client-chosen
 *   `id` (base32hex, 5–1024 characters; `eventIdFor` derives one from the step's key). Google refuses
 *   a second insert of that id with 409 `duplicate`, atomically, so a repeat — after a crash, a
 *   timeout, or concurrently — reads the event that exists (`GET …/events/{id}`) instead of making
 *   another. `sendUpdates=all` mails the invitation to the attendees once, on the insert that made it.
 *
 * The event Google holds is returned even when it was cancelled since: that was a person's decision
 * about the kickoff, not a failure to schedule it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { errorDescriber, exchangeForJson, joinUrl, jsonPayload, readJsonAnswer, vendorConfigSchema, type VendorFailure } from '../../identity/writeback/vendor-http';
import type { BusyInterval, CalendarPort, LookupResult, TargetResult } from './ports';

export const GOOGLE_API_URL = 'https://www.googleapis.com';

export const GoogleCalendarConfig = vendorConfigSchema(z.object({ accessToken: z.string().min(1) })).extend({
  baseUrl: z.url().default(GOOGLE_API_URL),
});
export type GoogleCalendarConfig = z.infer<typeof GoogleCalendarConfig>;

/**
 * A valid event id for a key: base32hex of the key's SHA-256, 52 characters. The same key always
 * gives the same id, and two keys practically never share one. JavaScript's radix-32 digits are
 * base32hex's own (0–9, a–v); the 256 bits are shifted to 260 so the last digit is a whole one.
 */
export const eventIdFor = (key: string): string => {
  const digest = createHash('sha256').update(key, 'utf8').digest('hex');
  return (BigInt(`0x${digest}`) << 4n).toString(32).padStart(52, '0');
};

/** Google answers errors as `{ error: { code, message, errors: [{ domain, reason, message }] } }`. */
const GoogleError = z.object({
  error: z.object({ message: z.string(), errors: z.array(z.object({ reason: z.string() })).optional() }),
});
const describeGoogleError = errorDescriber(GoogleError, ({ error }) => {
  const reason = error.errors?.[0]?.reason;
  return reason === undefined ? error.message : `${reason}: ${error.message}`;
});

const FreeBusyAnswer = z.object({
  calendars: z.record(
    z.string(),
    z.object({
      busy: z.array(z.object({ start: z.string(), end: z.string() })).default([]),
      errors: z.array(z.object({ reason: z.string() })).optional(),
    }),
  ),
});

const EventAnswer = z.object({ id: z.string(), htmlLink: z.string() });

const DuplicateAnswer = z.object({ error: z.object({ errors: z.array(z.object({ reason: z.literal('duplicate') })).min(1) }) });

/** A calendar's own errors that clear by themselves; any other (notFound, forbidden) needs a person. */
const TRANSIENT_CALENDAR_ERRORS = new Set(['backendError', 'internalError', 'rateLimitExceeded']);

export const createGoogleCalendar = (input: z.input<typeof GoogleCalendarConfig>): CalendarPort => {
  const config = GoogleCalendarConfig.parse(input);
  const headers = { authorization: `Bearer ${config.credentials.accessToken}`, accept: 'application/json' };
  const reading = { describeError: describeGoogleError };
  const eventsUrl = (calendarId: string): string => joinUrl(config.baseUrl, `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`);

  const busyOf = (calendars: z.infer<typeof FreeBusyAnswer>['calendars'], wanted: string[], request: VendorFailure['request']): LookupResult<Record<string, BusyInterval[]>> => {
    const busy: Record<string, BusyInterval[]> = {};
    for (const calendarId of wanted) {
      const answer = calendars[calendarId];
      if (answer === undefined) return { status: 'failed', retryable: false, detail: `free/busy has no answer for ${calendarId}`, request };
      const reasons = (answer.errors ?? []).map((error) => error.reason);
      if (reasons.length > 0) {
        return { status: 'failed', retryable: reasons.every((reason) => TRANSIENT_CALENDAR_ERRORS.has(reason)), detail: `free/busy of ${calendarId}: ${reasons.join(', ')}`, request };
      }
      busy[calendarId] = answer.busy;
    }
    return { status: 'done', value: busy };
  };

  const findEvent = async (calendarId: string, eventId: string): Promise<TargetResult> => {
    const answer = await exchangeForJson(config, { method: 'GET', url: `${eventsUrl(calendarId)}/${encodeURIComponent(eventId)}`, headers }, reading);
    if (answer.status === 'failed') return answer;
    const event = readJsonAnswer(answer, EventAnswer, 'an event');
    if (event.status === 'failed') return event;
    return { status: 'done', record: { system: 'calendar', kind: 'event', id: event.value.id, url: event.value.htmlLink, existed: true } };
  };

  return {
    async freeBusy({ calendars, timeMin, timeMax }) {
      const body = { timeMin, timeMax, items: calendars.map((id) => ({ id })) };
      const answer = await exchangeForJson(config, { method: 'POST', url: joinUrl(config.baseUrl, '/calendar/v3/freeBusy'), ...jsonPayload(headers, body) }, reading);
      if (answer.status === 'failed') return answer;
      const freeBusy = readJsonAnswer(answer, FreeBusyAnswer, 'free/busy calendars');
      if (freeBusy.status === 'failed') return freeBusy;
      return busyOf(freeBusy.value.calendars, calendars, answer.request);
    },

    async insertEvent({ eventId, calendarId, summary, description, start, end, attendees }) {
      const event = { id: eventId, summary, description, start: { dateTime: start }, end: { dateTime: end }, attendees: attendees.map((email) => ({ email })) };
      const answer = await exchangeForJson(
        config,
        { method: 'POST', url: `${eventsUrl(calendarId)}?sendUpdates=all`, ...jsonPayload(headers, event) },
        { ...reading, readStatuses: [409] },
      );
      if (answer.status === 'failed') return answer;
      if (answer.httpStatus === 409) {
        // Only `duplicate` means "this id exists"; any other conflict is the vendor's to retry.
        if (!DuplicateAnswer.safeParse(answer.body).success) return { status: 'failed', retryable: true, detail: `HTTP 409: ${describeGoogleError(JSON.stringify(answer.body))}`, request: answer.request };
        return findEvent(calendarId, eventId);
      }
      const created = readJsonAnswer(answer, EventAnswer, 'an event');
      if (created.status === 'failed') return created;
      return { status: 'done', record: { system: 'calendar', kind: 'event', id: created.value.id, url: created.value.htmlLink, existed: false } };
    },
  };
};
