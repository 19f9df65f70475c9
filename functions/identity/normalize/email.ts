/**
 * Email addresses for matching. Systems store the same mailbox as 'Jane Doe <Jane.Doe@Acme.com>',
 * 'mailto:jane.doe@acme.com' or ' JANE.DOE@ACME.COM '; all of them normalize to one address.
 *
 * Choices a matcher should know:
 * - The whole address is lower-cased. RFC 5321 lets the local part be case-sensitive, but no
 *   mainstream provider treats it so, and CRMs change case freely.
 * - `matchKey` is what to compare. It drops plus-addressing ('jane+news@' is 'jane@'): sub-
 *   addresses deliver to the same mailbox at Gmail, Outlook, iCloud, Fastmail, Proton and most
 *   company servers. `address` and `tag` keep the original. '-' is not treated as a sub-address
 *   separator (a few providers use it), because hyphens are common in real names.
 * - Dots in the local part are dropped only for gmail.com and googlemail.com, which ignore them
 *   (and are one service, so googlemail.com becomes gmail.com). Everywhere else 'j.doe' and
 *   'jdoe' can be different people.
 * - The domain is ASCII (IDNs as punycode) and kept whole in `matchKey` (a mailbox at
 *   mail.acme.com is not necessarily one at acme.com); `registrableDomain` is the company key.
 * - `strength` grades the address as person evidence: 'role' for shared mailboxes (info@,
 *   sales@, kontakt@, verkoop@, compta@, noreply@ ...), which many people answer; 'freemail'
 *   for a personal mailbox at a free-mail provider (strong for the person, no company
 *   evidence); 'personal' for a named mailbox at a company domain. `domainKind` separately says
 *   whether the domain is company evidence: info@acme.com is a role address at a company.
 */
import { domainToASCII } from 'node:url';
import { normalizeDomain, type DomainNormalization } from './domain';

export type EmailStrength = 'personal' | 'role' | 'freemail';

export type EmailInvalidReason = 'empty' | 'missing-at' | 'malformed' | 'invalid-local-part' | 'invalid-domain';

export type EmailNormalization =
  | {
      kind: 'valid';
      /** Lower case, trimmed, without 'mailto:' or a display name; keeps '+tag' and dots. */
      address: string;
      local: string;
      /** ASCII (punycode for IDNs). */
      domain: string;
      /** Compare this: no '+tag'; for Gmail also no dots, and the domain gmail.com. */
      matchKey: string;
      /** The plus-address tag, when there is one ('news' in 'jane+news@'). */
      tag?: string;
      registrableDomain: string;
      /** Whether the domain is company evidence ('freemail': it is not). */
      domainKind: 'company' | 'freemail';
      strength: EmailStrength;
    }
  | { kind: 'invalid'; reason: EmailInvalidReason };

/**
 * Shared mailboxes, written without separators or trailing digits ('customer-service2' is
 * 'customerservice'). English first, then German, Dutch, French, Spanish and Italian.
 */
const ROLE_MAILBOXES: ReadonlySet<string> = new Set([
  'info', 'information', 'sales', 'support', 'admin', 'administrator', 'administration', 'contact', 'contactus', 'hello',
  'office', 'billing', 'accounts', 'accountspayable', 'accountsreceivable', 'finance', 'jobs', 'careers', 'recruiting',
  'recruitment', 'talent', 'noreply', 'donotreply', 'dontreply', 'mailerdaemon', 'team', 'marketing', 'service', 'services',
  'customerservice', 'customercare', 'customersupport', 'care', 'help', 'helpdesk', 'servicedesk', 'enquiries', 'enquiry',
  'inquiries', 'inquiry', 'webmaster', 'postmaster', 'hostmaster', 'abuse', 'security', 'privacy', 'legal', 'compliance',
  'gdpr', 'dpo', 'press', 'media', 'news', 'newsletter', 'events', 'orders', 'invoices', 'invoice', 'invoicing', 'payments',
  'payables', 'receivables', 'purchasing', 'procurement', 'operations', 'itsupport', 'techsupport', 'reception',
  'frontdesk', 'general', 'mail', 'feedback', 'partners', 'bookings', 'booking', 'reservations', 'shop', 'store', 'returns',
  'shipping', 'logistics', 'warehouse', 'quality', 'management', 'root', 'notifications', 'alerts', 'bounce', 'bounces',
  'staff', 'everyone', 'all', 'inbox', 'community', 'humanresources', 'ecommerce',
  // German
  'kontakt', 'vertrieb', 'buchhaltung', 'verwaltung', 'empfang', 'zentrale', 'bewerbung', 'bewerbungen', 'karriere',
  'personal', 'personalabteilung', 'rechnung', 'rechnungen', 'rechnungswesen', 'einkauf', 'kundenservice', 'kundendienst',
  'anfrage', 'anfragen', 'presse', 'datenschutz', 'technik', 'bestellung', 'bestellungen', 'verkauf', 'auftrag',
  'buero', 'sekretariat', 'geschaeftsfuehrung', 'post', 'poststelle', 'hallo', 'versand', 'finanzen', 'hilfe',
  // Dutch
  'verkoop', 'facturen', 'factuur', 'facturatie', 'administratie', 'boekhouding', 'klantenservice', 'inkoop', 'receptie',
  'secretariaat', 'algemeen', 'vacatures', 'personeelszaken', 'sollicitatie', 'sollicitaties', 'debiteuren',
  'crediteuren', 'kantoor', 'offerte', 'offertes',
  // French
  'compta', 'comptabilite', 'commercial', 'ventes', 'vente', 'accueil', 'secretariat', 'direction', 'facturation',
  'factures', 'recrutement', 'achats', 'serviceclient', 'serviceclients', 'sav', 'bonjour', 'emploi', 'candidature',
  'candidatures', 'juridique', 'devis', 'commandes', 'commande',
  // Spanish, Italian
  'ventas', 'contacto', 'informacion', 'administracion', 'facturacion', 'compras', 'rrhh', 'atencionalcliente', 'soporte',
  'recepcion', 'pedidos', 'empleo', 'commerciale', 'amministrazione', 'vendite', 'ufficio', 'segreteria', 'assistenza',
  'ordini',
]);

/**
* Short role words (hr@, it@, ops@). They count only as the whole local part: as a first
 * token they are more often initials ('h.r.giger', 'it.nguyen' is unlikely, 'pr.sharma' is not).
 */
const SHORT_ROLE_MAILBOXES: ReadonlySet<string> = new Set(['hr', 'it', 'pr', 'rh', 'ap', 'ar', 'qa', 'hi', 'ops']);

/** Role words that are also surnames, so a last token 'jobs' ('steve.jobs@') is not a role. */
const SURNAME_LIKE: ReadonlySet<string> = new Set(['jobs', 'sales', 'service', 'help', 'post', 'press', 'team', 'care', 'general', 'hallo']);

const GMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);

/** RFC 5322 dot-atom, widened to Unicode letters and digits (SMTPUTF8 addresses exist). */
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;

const DOMAIN_PART = /^[\p{L}\p{N}.-]+$/u;

/**
 * The bare address from the ways systems decorate it: 'Name <a@b>', '"a@b"', 'mailto:a@b?subject=x',
 * 'a@b (Name)', and a list separator or full stop left at the end.
 */
const unwrap = (raw: string): string => {
  let text = raw.normalize('NFKC').trim();
  const angle = /<([^<>]*)>\s*$/.exec(text);
  if (angle) text = angle[1] ?? '';
  text = text.trim();
  if (/^mailto:/i.test(text)) text = text.slice('mailto:'.length).replace(/\?.*$/, '');
  text = text.replace(/\s*\([^()]*\)$/, '');
  return text.replace(/^[\s"'<([]+/, '').replace(/[\s"'>)\].,;:]+$/, '').toLowerCase();
};

/** 'customer-service2' → ['customer', 'service']: the words of a local part, digits dropped. */
const tokens = (local: string): string[] =>
  local
    .split(/[._-]+/)
    .map((t) => t.replace(/\d+$/, ''))
    .filter((t) => t.length > 0);

const isRoleMailbox = (base: string): boolean => {
  const words = tokens(base);
  const joined = words.join('');
  const first = words[0] ?? '';
  const last = words.at(-1) ?? '';
  if (ROLE_MAILBOXES.has(joined) || SHORT_ROLE_MAILBOXES.has(joined)) return true;
  if (words.length < 2) return false;
  return ROLE_MAILBOXES.has(first) || (ROLE_MAILBOXES.has(last) && !SURNAME_LIKE.has(last));
};

/** Splits 'jane+news' into the mailbox and its tag; a leading '+' is not a sub-address. */
const splitTag = (local: string): { base: string; tag?: string } => {
  const plus = local.indexOf('+');
  if (plus <= 0) return { base: local };
  const tag = local.slice(plus + 1);
  return tag === '' ? { base: local.slice(0, plus) } : { base: local.slice(0, plus), tag };
};

const invalid = (reason: EmailInvalidReason): EmailNormalization => ({ kind: 'invalid', reason });

interface Site {
  /** ASCII; '' when the text cannot be a domain. */
  domain: string;
  site: DomainNormalization | undefined;
}

// A few thousand domains (free mail, employers) hold most addresses, and reading one costs a URL
// parse and a public-suffix lookup: each is read once, up to a bound so memory stays small.
const SITES_KEPT = 20_000;
const sites = new Map<string, Site>();

const siteOf = (rawDomain: string): Site => {
  const known = sites.get(rawDomain);
  if (known !== undefined) return known;
  const domain = DOMAIN_PART.test(rawDomain) ? domainToASCII(rawDomain) : '';
  const read: Site = { domain, site: domain === '' ? undefined : normalizeDomain(domain) };
  if (sites.size >= SITES_KEPT) sites.clear();
  sites.set(rawDomain, read);
  return read;
};

/** Normalizes one email address for matching. Never throws. */
export const normalizeEmail = (raw: string): EmailNormalization => {
  const text = unwrap(raw);
  if (text === '') return invalid('empty');
  const parts = text.split('@');
  if (parts.length === 1) return invalid('missing-at');
  const [local = '', rawDomain = ''] = parts;
  if (parts.length > 2 || /\s/.test(text)) return invalid('malformed');
  if (local.length > 64 || !LOCAL_PART.test(local)) return invalid('invalid-local-part');
  const { domain, site } = siteOf(rawDomain);
  if (site === undefined || (site.kind !== 'company' && site.kind !== 'freemail')) return invalid('invalid-domain');

  const { base, tag } = splitTag(local);
  const gmail = GMAIL_DOMAINS.has(domain);
  const matchKey = gmail ? `${base.replace(/\./g, '')}@gmail.com` : `${base}@${domain}`;
  const strength: EmailStrength = isRoleMailbox(base) ? 'role' : site.kind === 'freemail' ? 'freemail' : 'personal';
  return {
    kind: 'valid',
    address: `${local}@${domain}`,
    local,
    domain,
    matchKey,
    ...(tag === undefined ? {} : { tag }),
    registrableDomain: site.registrableDomain,
    domainKind: site.kind,
    strength,
  };
};
