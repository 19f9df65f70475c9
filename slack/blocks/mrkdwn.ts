/**
 * Text for Slack: every string a CRM, an ERP or a helpdesk holds is untrusted here. A company
 * called `<!channel> Acme` must not ping a channel, a contact named `<https://evil.example|Reset
 * your password>` must not become a link, and `<@U123>` in a ticket subject must not mention anyone.
 *
 * What Slack documents (docs.slack.dev, "Formatting text for app surfaces"): in mrkdwn, `&`, `<`
 * and `>` are control characters and must be sent as `&amp;`, `&lt;` and `&gt;`; everything Slack
 * turns into a mention, a link or a date is written between `<` and `>`. So escaped text holds no
 * raw `<` at all and can never form one. Text objects are also sent with `verbatim: true`, so Slack
 * does not go looking for bare URLs, `#channel` names or `@here` in CRM text to turn into links.
 *
 * Formatting characters (`*`, `_`, `~`, `` ` ``) are left alone in running text: an email address
 * like `first_last@example.com` must read exactly as stored, so it can be copied. Where a value is
 * put inside formatting (`*Acme*`), one of its own `*` would end the bold early, so there that mark
 * is replaced by a look-alike that Slack does not read as markup.
 *
 * Lengths are counted in UTF-16 code units (JavaScript's `length`), which is never fewer than the
 * characters Slack counts, so a text that fits here fits there.
 */
import type { MrkdwnElement, PlainTextElement } from '@slack/types';

/** Slack's limit for one text object (section text, context element, mrkdwn or plain_text). */
export const MAX_TEXT = 3000;

export const ELLIPSIS = '…';

// ---- escaping -------------------------------------------------------------------------------------

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const UNESCAPES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** The three replacements Slack documents; nothing else changes. */
export const escapeMrkdwn = (text: string): string => text.replace(/[&<>]/g, (c) => ESCAPES[c] as string);

/** What Slack does on receipt: the inverse of escapeMrkdwn (used by tests and by readers of message text). */
export const unescapeMrkdwn = (text: string): string => text.replace(/&(?:amp|lt|gt);/g, (entity) => UNESCAPES[entity] as string);

/** Line breaks and runs of spaces in a value become one space: a value stays on its line. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Slack reads `>` (sent as `&gt;`) at the start of a line as a block quote. A value that starts a
 * line (the second line of a field) would quote itself; a zero-width space in front prevents it.
 */
const ZERO_WIDTH_SPACE = '\u200b';
const guardLineStart = (escaped: string): string => (escaped.startsWith('&gt;') ? ZERO_WIDTH_SPACE + escaped : escaped);

/** A CRM value for running mrkdwn text: escaped, on one line, cut to `max` characters. */
export const inline = (value: string, max = MAX_TEXT): string => truncateMrkdwn(guardLineStart(escapeMrkdwn(oneLine(value))), max);

/** Look-alikes Slack does not read as formatting: ∗ (U+2217), ˍ (U+02CD), ∼ (U+223C), ˋ (U+02CB). */
const FORMATTING_LOOKALIKES: Readonly<Record<'*' | '_' | '~' | '`', string>> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' };

/**
 * A value wrapped in one formatting mark. Only that mark is replaced inside: it is what would end
 * the formatting early (an id like `cus_1` keeps its underscore in bold or code). Slack only reads
 * `*x*` as bold when the text inside starts and ends with something other than a space, hence the
 * trim; an empty value stays empty, since `**` would show as two asterisks.
 */
const wrap = (mark: '*' | '_' | '~' | '`', value: string, max: number): string => {
  const inner = truncateMrkdwn(escapeMrkdwn(oneLine(value)).split(mark).join(FORMATTING_LOOKALIKES[mark]), max - 2);
  return inner === '' ? '' : `${mark}${inner}${mark}`;
};

export const bold = (value: string, max = MAX_TEXT): string => wrap('*', value, max);
export const italic = (value: string, max = MAX_TEXT): string => wrap('_', value, max);
export const code = (value: string, max = MAX_TEXT): string => wrap('`', value, max);

// ---- links, mentions, dates -------------------------------------------------------------------------

/**
 * A URL fit to sit inside `<…|…>`: only http and https (no `javascript:`, `slack:` or `mailto:`),
 * no user info (`https://bank.example@evil.example` reads as the bank), and `|`, `<`, `>`
 * percent-encoded since they would end the URL early. `&` becomes `&amp;`, as in all mrkdwn.
 * Undefined when the text is not such a URL.
 */
export const safeUrl = (url: string): string | undefined => {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username !== '' || parsed.password !== '') return undefined;
  const encoded = parsed.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return encoded.replace(/&/g, '&amp;');
};

/**
 * A link whose label is escaped text; when the URL is not a safe one (or there is none), just the
 * label, so a bad URL costs the link and never the information.
 */
export const link = (url: string | undefined, label: string, max = MAX_TEXT): string => {
  const href = url === undefined ? undefined : safeUrl(url);
  if (href === undefined) return inline(label, max);
  const text = inline(label, Math.max(1, max - href.length - 3)) || href;
  // A link is never cut in half: when it does not fit, the label alone is shown.
  return href.length + text.length + 3 <= max ? `<${href}|${text}>` : inline(label, max);
};

/** Slack user ids (U…, or W… on Enterprise Grid): only these become a mention. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** `<@U123>` for a Slack user id (bare or as `slack:U123`), else the text escaped: never a mention of someone else. */
export const mention = (userId: string): string => {
  const id = userId.startsWith('slack:') ? userId.slice('slack:'.length) : userId;
  return SLACK_USER_ID.test(id) ? `<@${id}>` : inline(userId);
};

/** `2026-06-01 14:03 UTC`: what people read where Slack cannot format a date (notifications, plain text). */
export const formatUtc = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

/**
 * A time Slack shows in each reader's own time zone (`<!date^…>`), with the UTC text as the
 * fallback for clients that cannot. A text that is not a date is shown escaped.
 */
export const slackDate = (iso: string, format = '{date_short_pretty} {time}'): string => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return inline(iso);
  return `<!date^${Math.floor(ms / 1000)}^${format}|${formatUtc(iso)}>`;
};

// ---- truncation ------------------------------------------------------------------------------------

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest prefix of whole graphemes (so never half a surrogate pair or an emoji sequence) within `room`. */
const prefixWithin = (text: string, room: number): string => {
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
};

const cut = (text: string, max: number, tidy: (kept: string) => string): string => {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  return tidy(prefixWithin(text, max - ELLIPSIS.length)).trimEnd() + ELLIPSIS;
};

/** Plain text cut to `max` characters, the last one an ellipsis. */
export const truncatePlain = (text: string, max: number): string => cut(text, max, (kept) => kept);

/**
 * mrkdwn cut to `max` characters, the last one an ellipsis, never inside an escape (`&am…` would
 * show as text) nor inside a `<…>` link, mention or date (which would show its raw syntax).
 */
export const truncateMrkdwn = (text: string, max: number): string =>
  cut(text, max, (kept) => {
    const openToken = kept.lastIndexOf('<');
    const withoutToken = openToken > kept.lastIndexOf('>') ? kept.slice(0, openToken) : kept;
    return withoutToken.replace(/&[a-z]{0,3}$/, '');
  });

// ---- text objects ----------------------------------------------------------------------------------

/** Slack refuses an empty text object; a dash says "nothing here" instead. */
const EMPTY = '—';

/** A plain_text object (Slack shows it as is: no escaping needed), cut to `max`. */
export const plainText = (text: string, max = MAX_TEXT): PlainTextElement => {
  const trimmed = text.trim() === '' ? EMPTY : text;
  return { type: 'plain_text', text: truncatePlain(trimmed, max), emoji: true };
};

/** A mrkdwn object from text already escaped (built with the helpers above), cut to `max`; verbatim, see the module comment. */
export const mrkdwnText = (text: string, max = MAX_TEXT): MrkdwnElement => {
  const trimmed = text.trim() === '' ? EMPTY : text;
  return { type: 'mrkdwn', text: truncateMrkdwn(trimmed, max), verbatim: true };
};
