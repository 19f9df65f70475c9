/**
 * Company domains from whatever a system holds: a website URL, a bare domain or an email address.
 * The registrable domain ('acme.co.uk' from 'https://www.shop.acme.co.uk/path') is the strongest
 * company key we have, so this module also says when a domain is NOT company evidence: free
 * mail (everyone at gmail.com is unrelated) and profile pages on social platforms.
 *
 * Choices a matcher should know:
 * - Public suffixes come from tldts (the Public Suffix List) WITH its private section, so
 *   'acme.github.io' and 'acme.wixsite.com' are registrable domains of their own ('hosted:
 *   true') instead of all collapsing into 'github.io'. Tenants of one host are different owners;
 *   treating the host as the company would merge every GitHub Pages customer into one account.
 * - Hostnames and registrable domains are ASCII (IDNs as punycode: 'müller.de' is
 *   'xn--mller-kva.de'), so a system that stores Unicode and one that stores punycode agree.
 * - A URL whose path names a profile on a social or link platform ('linkedin.com/company/acme')
 *   is kind 'platform': the path, not the host, is the company. The bare host ('linkedin.com',
 *   or an email at linkedin.com) is the platform's own company domain.
 * - Unknown suffixes ('acme.local', 'intranet') and IP addresses are invalid: they identify no
 *   one outside one network.
 */
import { domainToASCII } from 'node:url';
import { parse } from 'tldts';
import { FREEMAIL_BRANDS, FREEMAIL_DOMAINS } from './freemail-domains';

export type DomainInvalidReason = 'empty' | 'malformed' | 'ip-address' | 'unknown-suffix' | 'public-suffix-only';

export type DomainNormalization =
  /** `hosted`: the public suffix is a hosting platform's (github.io), so the tenant is the owner. */
  | { kind: 'company'; registrableDomain: string; hostname: string; hosted: boolean }
  | { kind: 'freemail'; registrableDomain: string; hostname: string }
  | { kind: 'platform'; registrableDomain: string; hostname: string }
  | { kind: 'invalid'; reason: DomainInvalidReason };

/** Hosts where a URL's path, not the host, names the company (profile pages, link shorteners). */
const PLATFORM_DOMAINS: ReadonlySet<string> = new Set([
  'linkedin.com', 'xing.com', 'facebook.com', 'fb.com', 'instagram.com', 'twitter.com', 'x.com', 'youtube.com', 'youtu.be',
  'tiktok.com', 'pinterest.com', 'github.com', 'gitlab.com', 'medium.com', 'google.com', 'goo.gl', 'bit.ly', 'linktr.ee',
  'wa.me', 't.me', 'yelp.com', 'crunchbase.com', 'glassdoor.com', 'wellfound.com', 'angel.co', 'tripadvisor.com',
]);

/** Whitespace inside, or characters no host, URL or address can contain. */
const MALFORMED = /[\s<>"'`{}|\\^]/;

/** A scheme with an authority ('https://', 'ftp://'); anything else is read as a bare host. */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;

/**
 * The host part of a URL, domain or email, in ASCII and lower case; undefined when it cannot be
 * read. WHATWG URL does the work: IDN to punycode, ports, paths, queries, userinfo and IPv6.
 */
const locate = (input: string): { hostname: string; hasLocator: boolean } | undefined => {
  const text = input.replace(/^mailto:/, '');
  const at = text.lastIndexOf('@');
  // An email: the domain is after the last '@' (a URL with userinfo has '://' before it).
  if (at >= 0 && !SCHEME.test(text)) return locateHost(text.slice(at + 1));
  const parsed = parseUrl(SCHEME.test(text) ? text : `http://${text}`);
  return parsed && { hostname: parsed.hostname, hasLocator: parsed.pathname.length > 1 || parsed.search.length > 1 };
};

/**
 * `new URL`, with a malformed URL as undefined. Not URL.canParse: on Node 20 its optimized fast
 * path starts answering false for valid Latin-1 input ('müller.de') after a few thousand calls.
 */
const parseUrl = (url: string): URL | undefined => {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

/** An email's domain: a bare host, so no path, port or userinfo may follow. */
const locateHost = (domain: string): { hostname: string; hasLocator: boolean } | undefined => {
  if (/[/:?#@]/.test(domain)) return undefined;
  const ascii = domainToASCII(domain);
  return ascii === '' ? undefined : { hostname: ascii, hasLocator: false };
};

/** Letters, digits and inner hyphens (LDH), 1 to 63 per label: what DNS names a host with. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

const isHostname = (host: string): boolean => host.length <= 253 && host.split('.').every((label) => LABEL.test(label));

/** 'www.' is presentation, not identity: 'www.acme.com' and 'acme.com' are one site. */
const withoutWww = (hostname: string, registrableDomain: string): string =>
  hostname.startsWith('www.') && hostname.length > registrableDomain.length ? withoutWww(hostname.slice(4), registrableDomain) : hostname;

/** `<brand>.<country code>` and `<brand>.com/.net` of a multi-country free-mail brand. */
const isBrandFreemail = (label: string, publicSuffix: string): boolean =>
  FREEMAIL_BRANDS.has(label) && (/(^|\.)[a-z]{2}$/.test(publicSuffix) || publicSuffix === 'com' || publicSuffix === 'net');

const isFreemailDomain = (registrableDomain: string): boolean => {
  const dot = registrableDomain.indexOf('.');
  return FREEMAIL_DOMAINS.has(registrableDomain) || (dot > 0 && isBrandFreemail(registrableDomain.slice(0, dot), registrableDomain.slice(dot + 1)));
};

/**
 * Normalizes a website URL, a bare domain or an email address to its registrable domain and
 * says whether it is company evidence. Never throws.
 */
export const normalizeDomain = (raw: string): DomainNormalization => {
  const text = raw.normalize('NFKC').trim().toLowerCase();
  if (text === '') return { kind: 'invalid', reason: 'empty' };
  if (MALFORMED.test(text)) return { kind: 'invalid', reason: 'malformed' };
  const located = locate(text);
  if (!located) return { kind: 'invalid', reason: 'malformed' };
  const host = located.hostname.replace(/\.$/, '');
  const info = parse(host, { allowPrivateDomains: true });
  if (info.isIp) return { kind: 'invalid', reason: 'ip-address' };
  if (!isHostname(host)) return { kind: 'invalid', reason: 'malformed' };
  if (!info.isIcann && !info.isPrivate) return { kind: 'invalid', reason: 'unknown-suffix' };
  if (info.domain === null) return { kind: 'invalid', reason: 'public-suffix-only' };
  const registrableDomain = info.domain;
  const hostname = withoutWww(host, registrableDomain);
  if (located.hasLocator && PLATFORM_DOMAINS.has(registrableDomain)) return { kind: 'platform', registrableDomain, hostname };
  if (isFreemailDomain(registrableDomain)) return { kind: 'freemail', registrableDomain, hostname };
  return { kind: 'company', registrableDomain, hostname, hosted: info.isPrivate === true };
};
