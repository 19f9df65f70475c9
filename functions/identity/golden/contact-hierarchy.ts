/**
 * The contact hierarchy: each person's role on an account (buyer, user, influencer, executive
 * sponsor), from what every system shows of them.
 *
 * No system holds the role reliably. The CRM knows who played which part in a deal, sometimes; the
 * job title hints at seniority; the helpdesk knows who uses the product (they file tickets);
 * billing knows who pays. Each of those is a piece of evidence for one role with a weight by its
 * kind (EVIDENCE_WEIGHTS): what someone stated about this person on this account outweighs what we
 * infer from a title or from activity. The role with the strongest single piece of evidence wins
 * (ten tickets do not outweigh being named economic buyer on a deal); equal strength goes to the
 * role with more total weight, then to ROLE_PRECEDENCE, so the result never depends on order.
 *
 * A person's manual choice always wins; the evidence is still returned so the choice can be
 * reviewed. A person with no evidence and no choice has no role (null): guessing 'user' would
 * show a fact nobody stated.
 *
 * Only active source records count. Evidence that points at nobody on the account (a deal contact
 * or ticket requester we have not linked, a billing email no person has) is returned in
 * `unmatched` rather than dropped, so the gap can be seen.
 *
 * Note: a CRM role field Concord itself writes back would come back here as 'crm-role' evidence
 * and reinforce its own earlier decision; only the systems' own role fields should be mapped to it.
 */
import { z } from 'zod';
import { ContactRole, type Person, type SourceSystem, type Ticket } from '../../shared/canonical';
import { normalizeEmail } from '../normalize/email';
import { foldText } from '../normalize/person-name';
import { compareText, isActive, presentText, type Sourced } from './sourced';

export const ManualRoleChoice = z.object({ role: ContactRole, by: z.string().min(1), at: z.iso.datetime({ offset: true }) });
export type ManualRoleChoice = z.infer<typeof ManualRoleChoice>;

export interface ContactPerson {
  /** The unified person. */
  personId: string;
  members: readonly Sourced<Person>[];
  manual?: ManualRoleChoice;
}

/** A contact's part in a deal as the CRM names it (Salesforce OpportunityContactRole, a HubSpot buying role). */
export interface DealContactRole {
  /** The contact role record, or the deal when the CRM keeps roles on it. */
  sourceKey: string;
  /** The person's record in the same CRM. */
  contact: { sourceSystem: SourceSystem; externalId: string };
  role: string;
  status?: Sourced<Person>['status'];
}

/** An email that pays: a subscription's or invoice's billing contact. */
export interface BillingContact {
  sourceKey: string;
  email: string;
  status?: Sourced<Person>['status'];
}

export interface ContactHierarchyEvidence {
  people: readonly ContactPerson[];
  dealContactRoles: readonly DealContactRole[];
  /** The account's tickets; each requester (same system) is a user. */
  tickets: readonly Sourced<Ticket>[];
  billingContacts: readonly BillingContact[];
}

export type RoleEvidenceKind = 'deal-contact-role' | 'crm-role' | 'billing-contact' | 'title' | 'ticket-requester';

/** Stated beats inferred: a role named on a deal or a contact, then who pays, then titles, then activity. */
export const EVIDENCE_WEIGHTS: Readonly<Record<RoleEvidenceKind, number>> = {
  'deal-contact-role': 5,
  'crm-role': 4,
  'billing-contact': 3,
  title: 2,
  'ticket-requester': 1,
};

/** Ties of equal strength go to the role that matters more to the account team. */
export const ROLE_PRECEDENCE: readonly ContactRole[] = ['executive_sponsor', 'buyer', 'influencer', 'user'];

export interface RoleEvidence {
  kind: RoleEvidenceKind;
  role: ContactRole;
  sourceKey: string;
  detail: string;
  weight: number;
}

export interface ContactRoleDecision {
  personId: string;
  role: ContactRole | null;
  decidedBy: 'manual' | 'evidence' | 'none';
  /** Strongest first. */
  evidence: RoleEvidence[];
  manual?: ManualRoleChoice;
}

export interface UnmatchedRoleEvidence {
  sourceKey: string;
  reason: 'no-such-person' | 'unknown-role' | 'invalid-email';
  detail: string;
}

export interface ContactHierarchy {
  /** By person id. */
  people: ContactRoleDecision[];
  unmatched: UnmatchedRoleEvidence[];
}

// ---- role names, as CRMs write them -------------------------------------------------------------

/** Salesforce's standard contact roles and HubSpot's buying roles, folded ('BUDGET_HOLDER' → 'budget holder'). */
const DEAL_ROLE_NAMES: Readonly<Record<string, ContactRole>> = {
  'economic buyer': 'buyer',
  'economic decision maker': 'buyer',
  'decision maker': 'buyer',
  'technical buyer': 'buyer',
  'budget holder': 'buyer',
  buyer: 'buyer',
  procurement: 'buyer',
  'executive sponsor': 'executive_sponsor',
  sponsor: 'executive_sponsor',
  executive: 'executive_sponsor',
  influencer: 'influencer',
  champion: 'influencer',
  evaluator: 'influencer',
  'technical evaluator': 'influencer',
  blocker: 'influencer',
  'legal and compliance': 'influencer',
  'end user': 'user',
  'business user': 'user',
  'technical user': 'user',
  user: 'user',
};

/** 'Economic Buyer', 'ECONOMIC_BUYER', 'economic-buyer' → 'buyer'; unknown ('Other') → undefined. */
export const roleOfDealContactRole = (role: string): ContactRole | undefined => {
  const name = foldText(role);
  return Object.hasOwn(DEAL_ROLE_NAMES, name) ? DEAL_ROLE_NAMES[name] : undefined;
};

// ---- job titles ---------------------------------------------------------------------------------

/**
 * How a title's words show a role. Words are folded (case, accents: 'Geschäftsführer' is
 * 'geschaftsfuhrer'); `prefixes` and `suffixes` catch compounds ('Einkaufsleiter',
 * 'Vertriebsleiterin').
 */
interface TitlePattern {
  role: ContactRole;
  label: string;
  words?: readonly string[];
  phrases?: readonly string[];
  prefixes?: readonly string[];
  suffixes?: readonly string[];
}

/**
 * Tried in order, first match wins, so the order settles mixed titles: an assistant to the CEO is
 * not the CEO; a purchasing director is the buyer, whatever the seniority; a team lead is an
 * influencer even in German ('Teamleiter' would otherwise read as 'head of'), and a product owner
 * is not an owner of the company.
 */
const TITLE_PATTERNS: readonly TitlePattern[] = [
  {
    role: 'user',
    label: 'assistant',
    phrases: ['assistant to', 'executive assistant', 'personal assistant', 'assistant de direction'],
    words: ['assistent', 'assistentin', 'intern', 'trainee', 'praktikant', 'praktikantin', 'stagiaire', 'werkstudent', 'werkstudentin'],
  },
  {
    role: 'buyer',
    label: 'procurement',
    words: ['procurement', 'purchasing', 'purchaser', 'buyer', 'sourcing', 'achats', 'achat', 'acheteur', 'acheteuse', 'compras', 'comprador', 'compradora', 'acquisti'],
    prefixes: ['einkauf', 'inkoop', 'inkoper', 'beschaffung'],
    suffixes: ['einkauf', 'einkaufer', 'einkauferin', 'einkaeufer', 'einkaeuferin', 'inkoop', 'inkoper'],
  },
  {
    role: 'influencer',
    label: 'team or product lead',
    phrases: ['team lead', 'team leader', 'chef de projet', 'chef d equipe', 'project lead', 'product owner', 'process owner'],
    words: ['teamleiter', 'teamleiterin', 'projektleiter', 'projektleiterin', 'gruppenleiter', 'gruppenleiterin', 'teamlead'],
  },
  {
    role: 'executive_sponsor',
    label: 'executive',
    phrases: [
      'head of', 'vice president', 'managing director', 'general manager', 'board member', 'chief executive', 'directeur general',
      'director general', 'gerente general', 'amministratore delegato', 'algemeen directeur',
    ],
    words: [
      'ceo', 'cfo', 'cto', 'coo', 'cio', 'cmo', 'cro', 'cso', 'ciso', 'cpo', 'cdo', 'chief', 'president', 'presidente', 'vp', 'svp',
      'evp', 'avp', 'founder', 'cofounder', 'owner', 'chairman', 'chairwoman', 'chair', 'head', 'director', 'directeur', 'directrice',
      'directora', 'direttore', 'direttrice', 'diretor', 'diretora', 'pdg', 'dg', 'md', 'gm', 'gf', 'inhaber', 'inhaberin', 'prokurist',
      'prokuristin', 'gerant', 'gerante', 'bestuurder', 'eigenaar', 'hoofd', 'dirigeant', 'dirigeante',
    ],
    // also as written without umlauts ('Geschaeftsfuehrer')
    prefixes: ['geschaftsfuhr', 'geschaeftsfuehr', 'vorstand'],
    suffixes: ['leiter', 'leiterin', 'direktor', 'direktorin'],
  },
  {
    role: 'influencer',
    label: 'manager',
    words: ['manager', 'managerin', 'lead', 'architect', 'principal', 'responsable', 'responsabile', 'gerente', 'jefe', 'jefa', 'consultant', 'advisor', 'adviseur', 'berater', 'beraterin'],
    suffixes: ['manager', 'architekt', 'architektin'],
  },
  {
    role: 'user',
    label: 'individual contributor',
    words: [
      'engineer', 'developer', 'programmer', 'analyst', 'specialist', 'administrator', 'admin', 'technician', 'associate', 'coordinator',
      'representative', 'agent', 'operator', 'designer', 'scientist', 'accountant', 'clerk', 'assistant', 'employee', 'staff',
      'ingenieur', 'ingenieurin', 'entwickler', 'entwicklerin', 'sachbearbeiter', 'sachbearbeiterin', 'mitarbeiter', 'mitarbeiterin',
      'referent', 'referentin', 'developpeur', 'developpeuse', 'analyste', 'technicien', 'technicienne', 'specialiste', 'charge',
      'chargee', 'ingeniero', 'ingeniera', 'desarrollador', 'desarrolladora', 'analista', 'especialista', 'tecnico', 'tecnica',
      'medewerker', 'ontwikkelaar', 'programmeur', 'beheerder',
    ],
    suffixes: ['engineer', 'entwickler', 'ingenieur'],
  },
];

/** Abbreviations people write in titles. Seniority words ('Sr.', 'Jr.') say nothing of the role. */
const TITLE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  dir: 'director',
  mgr: 'manager',
  mngr: 'manager',
  eng: 'engineer',
  engr: 'engineer',
  dev: 'developer',
  sr: '',
  snr: '',
  jr: '',
};

/** Folded words, abbreviations expanded; 'V.P.' folds to 'v p', and a run of single letters is one word ('vp'). */
const titleWords = (title: string): string[] => {
  const letters = foldText(title).split(' ').filter((w) => w !== '');
  const joined: string[] = [];
  let initials = '';
  for (const word of letters) {
    if (word.length === 1 && /[a-z]/.test(word)) {
      initials += word;
      continue;
    }
    if (initials !== '') joined.push(initials);
    initials = '';
    joined.push(word);
  }
  if (initials !== '') joined.push(initials);
  return joined.map((w) => TITLE_ABBREVIATIONS[w] ?? w).filter((w) => w !== '');
};

const matchPattern = (pattern: TitlePattern, words: readonly string[]): string | undefined => {
  const text = ` ${words.join(' ')} `;
  return (
    pattern.phrases?.find((phrase) => text.includes(` ${phrase} `)) ??
    pattern.words?.find((word) => words.includes(word)) ??
    words.find((w) => pattern.prefixes?.some((p) => w.startsWith(p)) || pattern.suffixes?.some((s) => w.endsWith(s)))
  );
};

export interface TitleRole {
  role: ContactRole;
  /** Which kind of title it is ('procurement', 'executive'…) and the word that showed it. */
  label: string;
  matched: string;
}

/** The role a job title suggests: 'VP Sales' → executive_sponsor; 'Inkoper' → buyer; 'Sr. Data Analyst' → user. */
export const classifyTitle = (title: string): TitleRole | undefined => {
  const words = titleWords(title);
  for (const pattern of TITLE_PATTERNS) {
    const matched = matchPattern(pattern, words);
    if (matched !== undefined) return { role: pattern.role, label: pattern.label, matched };
  }
  return undefined;
};

// ---- gathering evidence -------------------------------------------------------------------------

const evidenceOf = (kind: RoleEvidenceKind, role: ContactRole, sourceKey: string, detail: string): RoleEvidence => ({
  kind,
  role,
  sourceKey,
  detail,
  weight: EVIDENCE_WEIGHTS[kind],
});

const ownEvidence = (member: Sourced<Person>): RoleEvidence[] => {
  const { fields, sourceKey, sourceSystem } = member;
  const found: RoleEvidence[] = [];
  if (fields.role !== undefined) found.push(evidenceOf('crm-role', fields.role, sourceKey, `${sourceSystem} contact role is ${fields.role}`));
  const title = presentText(fields.title);
  const byTitle = title === undefined ? undefined : classifyTitle(title);
  if (byTitle !== undefined) found.push(evidenceOf('title', byTitle.role, sourceKey, `title "${title}" reads as ${byTitle.label} (${byTitle.matched})`));
  return found;
};

const recordKey = (sourceSystem: SourceSystem, externalId: string): string => `${sourceSystem}#${externalId}`;

const emailKey = (email: string): string | undefined => {
  const normalized = normalizeEmail(email);
  return normalized.kind === 'valid' ? normalized.matchKey : undefined;
};

/** Who is who on this account: by each member record, and by each member's email. */
interface PeopleIndex {
  byRecord: ReadonlyMap<string, readonly string[]>;
  byEmail: ReadonlyMap<string, readonly string[]>;
}

const addTo = (index: Map<string, string[]>, key: string, personId: string): void => {
  const ids = index.get(key) ?? [];
  if (!ids.includes(personId)) index.set(key, [...ids, personId]);
};

const indexPeople = (people: readonly ContactPerson[]): PeopleIndex => {
  const byRecord = new Map<string, string[]>();
  const byEmail = new Map<string, string[]>();
  for (const person of people) {
    for (const member of person.members.filter(isActive)) {
      addTo(byRecord, recordKey(member.sourceSystem, member.externalId), person.personId);
      const email = presentText(member.fields.email);
      const key = email === undefined ? undefined : emailKey(email);
      if (key !== undefined) addTo(byEmail, key, person.personId);
    }
  }
  return { byRecord, byEmail };
};

type Attributed = { personId: string; evidence: RoleEvidence } | UnmatchedRoleEvidence;

const attributeTo = (personIds: readonly string[] | undefined, evidence: RoleEvidence, unmatched: string): Attributed[] =>
  personIds === undefined || personIds.length === 0
    ? [{ sourceKey: evidence.sourceKey, reason: 'no-such-person', detail: unmatched }]
    : personIds.map((personId) => ({ personId, evidence }));

const dealEvidence = (deal: DealContactRole, index: PeopleIndex): Attributed[] => {
  const role = roleOfDealContactRole(deal.role);
  const contact = recordKey(deal.contact.sourceSystem, deal.contact.externalId);
  if (role === undefined) return [{ sourceKey: deal.sourceKey, reason: 'unknown-role', detail: `deal contact role "${deal.role}" of ${contact}` }];
  const evidence = evidenceOf('deal-contact-role', role, deal.sourceKey, `named "${deal.role}" on a deal`);
  return attributeTo(index.byRecord.get(contact), evidence, `deal contact ${contact} is not a person on this account`);
};

const ticketEvidence = (ticket: Sourced<Ticket>, index: PeopleIndex): Attributed[] => {
  const requester = presentText(ticket.fields.requesterRef);
  if (requester === undefined) return [];
  const subject = presentText(ticket.fields.subject);
  const evidence = evidenceOf('ticket-requester', 'user', ticket.sourceKey, `requested ticket${subject === undefined ? ` ${ticket.externalId}` : ` "${subject}"`}`);
  const contact = recordKey(ticket.sourceSystem, requester);
  return attributeTo(index.byRecord.get(contact), evidence, `ticket requester ${contact} is not a person on this account`);
};

const billingEvidence = (billing: BillingContact, index: PeopleIndex): Attributed[] => {
  const key = emailKey(billing.email);
  if (key === undefined) return [{ sourceKey: billing.sourceKey, reason: 'invalid-email', detail: `billing contact "${billing.email}"` }];
  const evidence = evidenceOf('billing-contact', 'buyer', billing.sourceKey, `billing contact ${key}`);
  return attributeTo(index.byEmail.get(key), evidence, `billing contact ${key} is not a person on this account`);
};

// ---- deciding -----------------------------------------------------------------------------------

const strongestFirst = (a: RoleEvidence, b: RoleEvidence): number =>
  b.weight - a.weight ||
  ROLE_PRECEDENCE.indexOf(a.role) - ROLE_PRECEDENCE.indexOf(b.role) ||
  compareText(a.kind, b.kind) ||
  compareText(a.sourceKey, b.sourceKey) ||
  compareText(a.detail, b.detail);

interface RoleStrength {
  role: ContactRole;
  strongest: number;
  total: number;
}

const strengthOf = (role: ContactRole, evidence: readonly RoleEvidence[]): RoleStrength => {
  const weights = evidence.filter((e) => e.role === role).map((e) => e.weight);
  return { role, strongest: Math.max(0, ...weights), total: weights.reduce((sum, w) => sum + w, 0) };
};

/** Strongest single piece, then total weight, then ROLE_PRECEDENCE; null without any evidence. */
const roleFromEvidence = (evidence: readonly RoleEvidence[]): ContactRole | null => {
  const [best] = ROLE_PRECEDENCE.map((role) => strengthOf(role, evidence))
    .filter((s) => s.strongest > 0)
    .sort((a, b) => b.strongest - a.strongest || b.total - a.total || ROLE_PRECEDENCE.indexOf(a.role) - ROLE_PRECEDENCE.indexOf(b.role));
  return best?.role ?? null;
};

const decideRole = (person: ContactPerson, gathered: readonly RoleEvidence[]): ContactRoleDecision => {
  const evidence = [...gathered].sort(strongestFirst);
  if (person.manual !== undefined) return { personId: person.personId, role: person.manual.role, decidedBy: 'manual', evidence, manual: person.manual };
  const role = roleFromEvidence(evidence);
  return { personId: person.personId, role, decidedBy: role === null ? 'none' : 'evidence', evidence };
};

const assertDistinctPeople = (people: readonly ContactPerson[]): void => {
  const ids = new Set(people.map((p) => p.personId));
  // Two entries for one unified person would split its evidence; that is a bug upstream.
  if (ids.size !== people.length) throw new Error('contact hierarchy: a person is listed twice');
};

/** Each person's role on one account, from every system's evidence (any order) and people's choices. */
export const buildContactHierarchy = (input: ContactHierarchyEvidence): ContactHierarchy => {
  assertDistinctPeople(input.people);
  const index = indexPeople(input.people);
  const attributed: Attributed[] = [
    ...input.dealContactRoles.filter(isActive).flatMap((d) => dealEvidence(d, index)),
    ...input.tickets.filter(isActive).flatMap((t) => ticketEvidence(t, index)),
    ...input.billingContacts.filter(isActive).flatMap((b) => billingEvidence(b, index)),
  ];
  const gathered = new Map<string, RoleEvidence[]>(input.people.map((p) => [p.personId, p.members.filter(isActive).flatMap(ownEvidence)]));
  const unmatched: UnmatchedRoleEvidence[] = [];
  for (const item of attributed) {
    if ('personId' in item) gathered.get(item.personId)?.push(item.evidence);
    else unmatched.push(item);
  }
  return {
    people: input.people.map((p) => decideRole(p, gathered.get(p.personId) ?? [])).sort((a, b) => compareText(a.personId, b.personId)),
    unmatched: unmatched.sort((a, b) => compareText(a.sourceKey, b.sourceKey) || compareText(a.reason, b.reason) || compareText(a.detail, b.detail)),
  };
};
