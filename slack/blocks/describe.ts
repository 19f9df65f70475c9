/**
 * How the builders name things: systems, records, fields, values, people who acted, scores.
 * Every function returns escaped mrkdwn (mrkdwn.ts) unless its name says `plain`.
 */
import type { EntityType, SourceRecord, SourceSystem } from '../../functions/shared/canonical';
import { recordUrl, type DeepLinkConfig, type RecordRef } from './deep-links';
import { code, inline, link, mention } from './mrkdwn';

export const SYSTEM_NAMES: Readonly<Record<SourceSystem, string>> = {
  salesforce: 'Salesforce',
  hubspot: 'HubSpot',
  netsuite: 'NetSuite',
  zendesk: 'Zendesk',
  stripe: 'Stripe',
  generic: 'Generic',
};

const isSourceSystem = (value: string): value is SourceSystem => Object.hasOwn(SYSTEM_NAMES, value);

/** `Salesforce`, or the name as given for a system this version does not know. */
export const systemNamePlain = (system: string): string => (isSourceSystem(system) ? SYSTEM_NAMES[system] : system);

/** A source key (`system#type#external id`, the id may hold `#`) as a record reference, or undefined. */
export const parseSourceKey = (sourceKey: string): RecordRef | undefined => {
  const [system, type, ...rest] = sourceKey.split('#');
  if (system === undefined || type === undefined || rest.length === 0 || !isSourceSystem(system)) return undefined;
  return { sourceSystem: system, entityType: type as EntityType, externalId: rest.join('#') };
};

/** `hubspot↔salesforce` (the disagreement report's pairs) as `HubSpot ↔ Salesforce`. */
export const systemPairPlain = (pair: string): string =>
  pair
    .split('↔')
    .map((s) => systemNamePlain(s))
    .join(' ↔ ');

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** What people call a record: its name, a person's name or email, a deal's name, a ticket's subject, or its id. */
export const recordLabelPlain = (record: Pick<SourceRecord, 'fields' | 'externalId'>): string => {
  const f = record.fields;
  const person = [text(f.firstName), text(f.lastName)].filter(Boolean).join(' ');
  return text(f.name) ?? (person || undefined) ?? text(f.email) ?? text(f.subject) ?? text(f.number) ?? text(f.orderNumber) ?? text(f.plan) ?? record.externalId;
};

/**
 * A record as a link into its system, labelled `Salesforce 001…` (or `label` when given); when the
 * system is not configured, the same words with the id as code.
 */
export const recordLink = (links: DeepLinkConfig, record: RecordRef, label?: string): string => {
  const url = recordUrl(links, record);
  const system = systemNamePlain(record.sourceSystem);
  if (url !== undefined) return link(url, label ?? `${system} ${record.externalId}`, 500);
  const id = `${inline(system)} ${code(record.externalId, 200)}`;
  return label === undefined || label === system ? id : `${inline(label, 300)} (${id})`;
};

/** A source key as a link when it can be read, else as code. */
export const sourceKeyLink = (links: DeepLinkConfig, sourceKey: string, label?: string): string => {
  const ref = parseSourceKey(sourceKey);
  return ref === undefined ? code(sourceKey, 300) : recordLink(links, ref, label);
};

/** `ownerEmail` → `Owner email`, `address.postalCode` → `Address postal code`, the matcher's `first_name` → `First name`. */
export const fieldNamePlain = (path: string): string => {
  const words = path
    .split(/[._]/)
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const ADDRESS_ORDER = ['street', 'city', 'region', 'postalCode', 'country'];

const numbers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A canonical value as people read it: an address as one line, numbers grouped, flags as yes/no. */
export const valuePlain = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numbers.format(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return entries
      .map(([, v]) => valuePlain(v))
      .filter((v) => v.trim() !== '')
      .join(', ');
  }
  return JSON.stringify(value);
};

const rank = (key: string): number => {
  const i = ADDRESS_ORDER.indexOf(key);
  return i < 0 ? ADDRESS_ORDER.length : i;
};

/** Who did something: Concord itself, a Slack user (a mention), or whoever the CLI recorded. */
export const AUTOMATIC_ACTOR = 'concord';
export const actor = (by: string): string => (by === AUTOMATIC_ACTOR ? 'Concord (automatically)' : mention(by));
export const actorPlain = (by: string): string => (by === AUTOMATIC_ACTOR ? 'Concord (automatically)' : by.startsWith('slack:') ? by.slice('slack:'.length) : by);

/** `97.3%`; near-certain values keep a decimal more, so 0.9996 does not read as 100%. */
export const percentPlain = (probability: number): string => {
  const p = probability * 100;
  if (p >= 99.95 && p < 100) return `${p.toFixed(2)}%`;
  return `${p.toFixed(1)}%`;
};

/** A weight in bits with its sign: `+8.40`, `-2.90`. */
export const bitsPlain = (weight: number): string => `${weight >= 0 ? '+' : ''}${weight.toFixed(2)}`;

/** What one comparison said, as a short phrase: `email exact`. */
export const evidencePhrasePlain = (e: { comparison: string; level: string }): string => `${fieldNamePlain(e.comparison)} ${e.level}`;

/** The strongest agreeing evidence first, as `Email exact, Name similar` (what speaks against is in the full message). */
export const strongestEvidencePlain = (evidence: readonly { comparison: string; level: string; weight: number }[], count = 3): string =>
  evidence
    .filter((e) => e.weight > 0)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, count)
    .map(evidencePhrasePlain)
    .join(', ');

/** `1 record`, `3 records`. */
export const countOf = (n: number, noun: string, plural = `${noun}s`): string => `${numbers.format(n)} ${n === 1 ? noun : plural}`;

/** The systems a set of source keys come from, by name, in a fixed order. */
export const systemsOfPlain = (sourceKeys: readonly string[]): string[] => {
  const systems = new Set(sourceKeys.map((k) => k.split('#')[0] as string));
  return (Object.keys(SYSTEM_NAMES) as SourceSystem[]).filter((s) => systems.has(s)).map((s) => SYSTEM_NAMES[s]);
};
