/**
 * A fake of Google Calendar's API (v3) for kickoffs, below `/google-calendar/calendar/v3`:
 * - `POST /freeBusy`: each asked calendar's busy intervals in the window (clipped to it): what the
 *   sandbox was told (below) plus the events that calendar organizes or is invited to;
 * - `POST /calendars/{calendarId}/events` with an optional client-chosen `id` and `sendUpdates`;
 * - `GET /calendars/{calendarId}/events/{eventId}`.
 *
 * As Google: an OAuth Bearer token is required (401 authError); errors are `{ error: { code,
 * message, errors: [{ domain, reason, message }] } }`; an event id must be base32hex, 5–1024
 * characters (400 invalid), and one that exists is refused with 409 duplicate, atomically — the
 * handler runs to completion before the next request is served, so of concurrent inserts of one id
 * exactly one is made; start and end need a time zone (an offset in `dateTime`, or `timeZone`) and
 * end after start (400 timeRangeEmpty); freeBusy takes at most 50 calendars. Every calendar id
 * names a calendar, as every email names a primary calendar.
 *
 * Sandbox-only, without credentials: `POST /google-calendar/sandbox/busy` with `{ calendar, busy:
 * [{ start, end }] }` adds busy time to a calendar (a person's other meetings), kept as
 * `busy/<calendar>`. Events are stored as `event/<id>`; an event's `htmlLink` opens its record on
 * the sandbox (`/sandbox/google-calendar/records/event/<id>`).
 */
import { isPlainObject, jsonObjectOf, route, bearerTokenOf, isFakeResponse, type FakeContext, type FakeRequest, type FakeResponse, type FakeSystem } from '../fake-system';
import type { RecordStore } from '../record-store';

const REASONS: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  405: 'httpMethodNotAllowed',
  409: 'conflict',
  413: 'uploadTooLarge',
  429: 'rateLimitExceeded',
};

const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const SEND_UPDATES = new Set(['all', 'externalOnly', 'none']);
const MAX_CALENDARS = 50;
/** An RFC 3339 date-time; without an offset it needs a `timeZone` beside it. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i;
const SANDBOX_BUSY_PATH = '/sandbox/busy';

export const googleError = (status: number, reason: string, message: string): FakeResponse => ({
  status,
  body: { error: { errors: [{ domain: 'global', reason, message }], code: status, message } },
});

const reasonOf = (status: number): string => REASONS[status] ?? (status >= 500 ? 'backendError' : 'badRequest');

interface Span {
  start: number;
  end: number;
}

const spanOf = (value: unknown): Span | undefined => {
  if (!isPlainObject(value) || typeof value.start !== 'string' || typeof value.end !== 'string') return undefined;
  const span = { start: Date.parse(value.start), end: Date.parse(value.end) };
  return Number.isNaN(span.start) || Number.isNaN(span.end) || span.end <= span.start ? undefined : span;
};

/** Busy time of one calendar: what the sandbox was told, and the live events it takes part in. */
const busyOf = (records: RecordStore, calendar: string): Span[] => {
  const told = ((records.find(`busy/${calendar}`)?.fields.intervals ?? []) as unknown[]).map(spanOf);
  const events = records
    .list()
    .filter((record) => record.key.startsWith('event/') && record.state === 'live')
    .map((record) => record.fields)
    .filter((event) => event.status !== 'cancelled' && (event.calendarId === calendar || (event.attendees as { email: string }[]).some((a) => a.email === calendar)))
    .map((event) => spanOf({ start: (event.start as { dateTime: string }).dateTime, end: (event.end as { dateTime: string }).dateTime }));
  return [...told, ...events].filter((span): span is Span => span !== undefined).sort((a, b) => a.start - b.start);
};

const freeBusy = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const body = jsonObjectOf(request);
  if (body === undefined) return googleError(400, 'parseError', 'Parse Error');
  const { timeMin, timeMax, items } = body;
  if (typeof timeMin !== 'string') return googleError(400, 'required', 'Missing timeMin.');
  if (typeof timeMax !== 'string') return googleError(400, 'required', 'Missing timeMax.');
  const window = { start: Date.parse(timeMin), end: Date.parse(timeMax) };
  if (!DATE_TIME.test(timeMin) || Number.isNaN(window.start)) return googleError(400, 'invalid', `Invalid value for: ${timeMin} is not a valid date-time`);
  if (!DATE_TIME.test(timeMax) || Number.isNaN(window.end)) return googleError(400, 'invalid', `Invalid value for: ${timeMax} is not a valid date-time`);
  if (window.end <= window.start) return googleError(400, 'timeRangeEmpty', 'The specified time range is empty.');
  if (!Array.isArray(items) || items.some((item) => !isPlainObject(item) || typeof item.id !== 'string')) return googleError(400, 'required', 'Missing items[].id.');
  if (items.length > MAX_CALENDARS) return googleError(400, 'tooManyCalendarsRequested', `The number of calendars requested exceeds ${MAX_CALENDARS}.`);

  const calendars: Record<string, { busy: { start: string; end: string }[] }> = {};
  for (const { id } of items as { id: string }[]) {
    calendars[id] = {
      busy: busyOf(records, id)
        .filter((span) => span.end > window.start && span.start < window.end)
        .map((span) => ({ start: new Date(Math.max(span.start, window.start)).toISOString(), end: new Date(Math.min(span.end, window.end)).toISOString() })),
    };
  }
  return { status: 200, body: { kind: 'calendar#freeBusy', timeMin: new Date(window.start).toISOString(), timeMax: new Date(window.end).toISOString(), calendars } };
};

/** An event time as sent, or why Google refuses it. */
const eventTimeOf = (value: unknown, which: 'start' | 'end'): { dateTime: string; timeZone?: string; at: number } | FakeResponse => {
  if (!isPlainObject(value) || typeof value.dateTime !== 'string') return googleError(400, 'required', `Missing ${which} time.`);
  const match = DATE_TIME.exec(value.dateTime);
  if (match === null || Number.isNaN(Date.parse(value.dateTime))) return googleError(400, 'invalid', `Invalid ${which} time.`);
  const timeZone = typeof value.timeZone === 'string' ? value.timeZone : undefined;
  // The sandbox reads a zone-less time as UTC; Google would read it in `timeZone`.
  if (match[1] === undefined && timeZone === undefined) return googleError(400, 'required', `Missing time zone definition for ${which} time.`);
  return { dateTime: value.dateTime, ...(timeZone === undefined ? {} : { timeZone }), at: Date.parse(match[1] === undefined ? `${value.dateTime}Z` : value.dateTime) };
};

const attendeesOf = (value: unknown): { email: string; responseStatus: string }[] | FakeResponse => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return googleError(400, 'invalid', 'Invalid attendees.');
  const attendees: { email: string; responseStatus: string }[] = [];
  for (const attendee of value) {
    if (!isPlainObject(attendee) || typeof attendee.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(attendee.email)) return googleError(400, 'invalid', 'Invalid attendee email.');
    attendees.push({ email: attendee.email.toLowerCase(), responseStatus: 'needsAction' });
  }
  return attendees;
};

const eventIdMinter = (): (() => string) => {
  let next = 0;
  return () => `sb${(next += 1).toString(32).padStart(8, '0')}`;
};

const insertEvent =
  (mintId: () => string) =>
  (request: FakeRequest, { records }: FakeContext): FakeResponse => {
    const calendarId = request.params.calendarId ?? '';
    const sendUpdates = request.query.get('sendUpdates') ?? 'none';
    if (!SEND_UPDATES.has(sendUpdates)) return googleError(400, 'invalidParameter', `Invalid value for: sendUpdates: ${sendUpdates}`);
    const body = jsonObjectOf(request);
    if (body === undefined) return googleError(400, 'parseError', 'Parse Error');
    if (body.id !== undefined && (typeof body.id !== 'string' || !EVENT_ID.test(body.id))) return googleError(400, 'invalid', 'Invalid resource id value.');
    const id = (body.id as string | undefined) ?? mintId();
    const start = eventTimeOf(body.start, 'start');
    if (isFakeResponse(start)) return start;
    const end = eventTimeOf(body.end, 'end');
    if (isFakeResponse(end)) return end;
    if (end.at <= start.at) return googleError(400, 'timeRangeEmpty', 'The specified time range is empty.');
    const attendees = attendeesOf(body.attendees);
    if (isFakeResponse(attendees)) return attendees;
    for (const text of ['summary', 'description'] as const) {
      if (body[text] !== undefined && typeof body[text] !== 'string') return googleError(400, 'invalid', `Invalid value for: ${text}`);
    }
    // An id is taken for good once used, in any calendar: a deleted event's id cannot be reused either.
    if (records.find(`event/${id}`) !== undefined) return googleError(409, 'duplicate', 'The requested identifier already exists.');

    const now = new Date().toISOString();
    const event = {
      kind: 'calendar#event',
      etag: `"${Date.now()}000"`,
      id,
      status: 'confirmed',
      htmlLink: `http://${request.headers.host ?? 'localhost'}/sandbox/google-calendar/records/event/${id}`,
      created: now,
      updated: now,
      summary: body.summary ?? '',
      description: body.description ?? '',
      creator: { email: calendarId },
      organizer: { email: calendarId, self: true },
      start: { dateTime: start.dateTime, ...(start.timeZone === undefined ? {} : { timeZone: start.timeZone }) },
      end: { dateTime: end.dateTime, ...(end.timeZone === undefined ? {} : { timeZone: end.timeZone }) },
      iCalUID: `${id}@google.com`,
      sequence: 0,
      attendees,
      reminders: { useDefault: true },
      eventType: 'default',
    };
    // Kept beside the resource: which calendar holds it, and whether invitations went out.
    records.patch(`event/${id}`, { ...event, calendarId, sendUpdates });
    return { status: 200, body: event };
  };

const getEvent = ({ params: { calendarId = '', eventId = '' } }: FakeRequest, { records }: FakeContext): FakeResponse => {
  const record = records.find(`event/${eventId}`);
  if (record === undefined || record.fields.calendarId !== calendarId) return googleError(404, 'notFound', 'Not Found');
  const { calendarId: _calendar, sendUpdates: _sendUpdates, ...event } = record.fields;
  return { status: 200, body: event };
};

/** Sandbox-only: adds busy intervals to a calendar, for scheduling to work around. */
const addBusy = (request: FakeRequest, { records }: FakeContext): FakeResponse => {
  const body = jsonObjectOf(request);
  const intervals = body?.busy;
  if (typeof body?.calendar !== 'string' || !Array.isArray(intervals) || intervals.some((interval) => spanOf(interval) === undefined)) {
    return googleError(400, 'invalid', 'Expected { calendar: string, busy: [{ start, end }] } with each end after its start.');
  }
  const key = `busy/${body.calendar}`;
  const before = (records.find(key)?.fields.intervals ?? []) as unknown[];
  const after = records.patch(key, { calendar: body.calendar, intervals: [...before, ...intervals] });
  return { status: 200, body: after.fields };
};

export interface GoogleCalendarFakeOptions {
  /** The only token accepted; any Bearer token when unset. */
  accessToken?: string;
}

const UNAUTHENTICATED: FakeResponse = {
  status: 401,
  body: {
    error: {
      code: 401,
      message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
      status: 'UNAUTHENTICATED',
    },
  },
};

export const createGoogleCalendarFake = (options: GoogleCalendarFakeOptions = {}): FakeSystem => {
  const api = '/calendar/v3';
  return {
    name: 'google-calendar',
    error: (status, message) => googleError(status, reasonOf(status), message),
    authenticate: (request) => {
      if (request.path === SANDBOX_BUSY_PATH) return undefined;
      const token = bearerTokenOf(request);
      return token === undefined || (options.accessToken !== undefined && token !== options.accessToken) ? UNAUTHENTICATED : undefined;
    },
    routes: [
      route('POST', `${api}/freeBusy`, freeBusy),
      route('POST', `${api}/calendars/:calendarId/events`, insertEvent(eventIdMinter())),
      route('GET', `${api}/calendars/:calendarId/events/:eventId`, getEvent),
      route('POST', SANDBOX_BUSY_PATH, addBusy),
    ],
  };
};
