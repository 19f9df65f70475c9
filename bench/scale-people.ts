/**
 * Synthetic people for `npm run bench -- match --scale N`: N person records of one country, as a
 * CRM, an ERP, billing and a helpdesk would hold them after years of duplicates. The world
 * generator (generate/) models accounts and their few contacts in detail but stops at thousands;
 * this one only has to look like a large contact base to the matcher, fast.
 *
 * What makes it realistic enough to time the matcher on:
 * - Names follow a long-tailed (Zipf) distribution over real pools plus invented ones, so common
 *   names make large blocks (some past the block-size cap) and same-name strangers exist.
 * - Towns, postcodes, streets, employers and mail domains repeat the way they do in real data, so
 *   per-value caches and term frequencies meet realistic repetition.
 * - A person has 1 to 5 records (1.7 on average); each copy after the first may carry typos,
 *   nicknames, initials, swapped names, other phone and street formats, another mailbox, a day
 *   and month swapped, and missing fields.
 *
 * Deterministic: the same N and seed give the same records.
 */
import type { MatchInput } from '../functions/identity/matching/match-record';
import { FIRST_NAMES, LAST_NAMES, NICKNAMES, PERSONAL_EMAIL_DOMAINS } from './generate/names';
import { typo } from './generate/perturb';
import { Rng } from './generate/rng';

export interface ScalePeople {
  inputs: MatchInput[];
  /** Per record, its true person. */
  truth: string[];
}

const SYLLABLES = (
  'ka,lo,mi,ra,ten,vo,shi,dan,el,ri,mar,tho,gus,ne,po,la,ber,sa,fin,do,an,jo,ul,ix,qu,ze,wy,har,lin,mo,bru,cal,dre,fo,gil,' +
  'hes,ik,jur,kre,lum,nav,or,pet,rus,sol,tur,vin,yel,ast,bel,cor,den,ers,fal,gor,hal,ing,kel,mer,nor,ost,pra,ren,sten,tal,wen'
).split(',');

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** An invented word of `min` to `max` syllables: names no pool has, for the long tail. */
const inventedWord = (rng: Rng, min: number, max: number): string => {
  let s = '';
  for (let k = rng.int(min, max); k > 0; k--) s += rng.pick(SYLLABLES);
  return capitalized(s);
};

const distinct = (words: Iterable<string>): string[] => [...new Set(words)];

/**
 * Picks from a list by a Zipf law with a flattened head: item r has weight 1/(r + offset). Real
 * names look like this; the offsets below give about what a US census shows: the commonest given
 * name on 1.7% of people and the top twenty on a fifth, the commonest surname on 0.3% and the top
 * thousand on 40%.
 */
class Zipf<T> {
  private readonly cumulative: Float64Array;
  constructor(
    readonly items: readonly T[],
    offset: number,
  ) {
    this.cumulative = new Float64Array(items.length);
    let total = 0;
    for (let r = 0; r < items.length; r++) this.cumulative[r] = total += 1 / (r + offset);
  }
  pick(rng: Rng): T {
    const target = rng.next() * (this.cumulative[this.cumulative.length - 1] as number);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo] as T;
  }
}

interface Town {
  name: string;
  region: string;
  area: string;
  postcodes: readonly string[];
}

interface Employer {
  name: string;
  domain: string;
}

/** Area codes in service, so numbers parse the way real ones do (an unassigned code is a slower path). */
const AREA_CODES = (
  '201,202,203,205,206,207,208,209,210,212,213,214,215,216,217,218,219,224,225,228,229,231,234,239,240,248,251,252,253,254,' +
  '256,260,262,267,269,270,276,281,301,302,303,304,305,307,308,309,310,312,313,314,315,316,317,318,319,320,321,323,325,330,' +
  '334,336,337,339,347,351,352,360,361,386,401,402,404,405,406,407,408,409,410,412,413,414,415,417,419,423,425,430,432,434,' +
  '435,440,443,469,478,479,480,484,501,502,503,504,505,507,508,509,510,512,513,515,516,517,518,520,530,540,541,551,559,561,' +
  '562,563,567,570,571,573,574,575,580,585,586,601,602,603,605,606,607,608,609,610,612,614,615,616,617,618,619,620,623,626,' +
  '630,631,636,641,646,650,651,660,661,662,678,682,701,702,703,704,706,707,708,712,713,714,715,716,717,718,719,720,724,727,' +
  '731,732,734,740,754,757,760,763,765,770,772,773,774,775,781,785,786,801,802,803,804,805,806,808,810,812,813,814,815,816,' +
  '817,818,828,830,831,832,843,845,847,848,850,856,857,858,859,860,862,863,864,865,870,872,878,901,903,904,906,907,908,909,' +
  '910,912,913,914,915,916,917,918,919,920,925,928,931,936,937,940,941,949,951,952,954,956,970,971,972,973,978,979,980,985,989'
).split(',');
const REGIONS = 'AL,AZ,CA,CO,CT,FL,GA,IL,IN,KY,MA,MD,MI,MN,MO,NC,NJ,NY,OH,OR,PA,SC,TN,TX,UT,VA,WA,WI'.split(',');
const STREET_TYPES: readonly (readonly [string, string])[] = [
  ['Street', 'St'], ['Avenue', 'Ave'], ['Road', 'Rd'], ['Lane', 'Ln'], ['Drive', 'Dr'], ['Boulevard', 'Blvd'], ['Court', 'Ct'], ['Place', 'Pl'],
];
const LEGAL_FORMS = ['Inc', 'Inc.', 'LLC', 'Ltd', 'Corp', 'Corporation', 'Co', ''];
/** What each system keeps of a person: a helpdesk knows a name and a mailbox, an ERP the address. */
const SOURCE_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  crm: new Set(['email', 'phone', 'company', 'city', 'region']),
  erp: new Set(['phone', 'street', 'city', 'region', 'birth_date', 'company']),
  billing: new Set(['email', 'street', 'city', 'birth_date']),
  helpdesk: new Set(['email', 'phone']),
};
const SOURCES = Object.keys(SOURCE_FIELDS);

const digits = (rng: Rng, n: number) => {
  let s = String(rng.int(2, 9));
  for (let i = 1; i < n; i++) s += String(rng.int(0, 9));
  return s;
};

const pools = (rng: Rng) => {
  const firsts = distinct([...Object.values(FIRST_NAMES).flat(), ...Array.from({ length: 2500 }, () => inventedWord(rng, 2, 3))]);
  const lasts = distinct([...Object.values(LAST_NAMES).flat(), ...Array.from({ length: 120_000 }, () => inventedWord(rng, 2, 4))]);
  const usedPostcodes = new Set<string>();
  const towns = distinct(Array.from({ length: 9000 }, () => inventedWord(rng, 2, 3))).map((name, rank): Town => {
    // Big towns (the head of the Zipf law) have many postcodes, villages one.
    const count = rank < 50 ? 60 : rank < 500 ? 8 : rng.int(1, 2);
    const postcodes: string[] = [];
    while (postcodes.length < count) {
      const p = String(rng.int(10_000, 99_999));
      if (!usedPostcodes.has(p)) postcodes.push(p);
      usedPostcodes.add(p);
    }
    return { name, region: rng.pick(REGIONS), area: rng.pick(AREA_CODES), postcodes };
  });
  const streets = distinct(Array.from({ length: 4000 }, () => inventedWord(rng, 2, 3)));
  const employers = distinct(Array.from({ length: 40_000 }, () => `${inventedWord(rng, 2, 3)}${rng.chance(0.4) ? ` ${inventedWord(rng, 2, 3)}` : ''}`)).map(
    (name): Employer => ({ name, domain: `${name.toLowerCase().replace(/ /g, '')}.com` }),
  );
  return {
    firsts: new Zipf(firsts, 10),
    lasts: new Zipf(lasts, 50),
    towns: new Zipf(towns, 3),
    streets: new Zipf(streets, 20),
    employers: new Zipf(employers, 30),
  };
};

interface Person {
  first: string;
  last: string;
  birthDate?: { y: number; m: number; d: number };
  email: string;
  phone: string;
  houseNumber: number;
  street: string;
  streetType: readonly [string, string];
  town: Town;
  postcode: string;
  employer?: Employer;
}

const emailWord = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

const mailbox = (rng: Rng, first: string, last: string): string => {
  const f = emailWord(first);
  const l = emailWord(last);
  switch (rng.int(0, 3)) {
    case 0:
      return `${f}.${l}`;
    case 1:
      return `${f.charAt(0)}${l}`;
    case 2:
      return `${f}${l}${rng.int(1, 99)}`;
    default:
      return `${f}_${l}`;
  }
};

const personOf = (rng: Rng, p: ReturnType<typeof pools>): Person => {
  const first = p.firsts.pick(rng);
  const last = p.lasts.pick(rng);
  const town = p.towns.pick(rng);
  const employer = rng.chance(0.5) ? p.employers.pick(rng) : undefined;
  const domain = employer && rng.chance(0.7) ? employer.domain : rng.pick(PERSONAL_EMAIL_DOMAINS);
  const person: Person = {
    first,
    last,
    email: `${mailbox(rng, first, last)}@${domain}`,
    phone: `${rng.chance(0.6) ? town.area : rng.pick(AREA_CODES)}${digits(rng, 7)}`,
    houseNumber: rng.int(1, 999),
    street: p.streets.pick(rng),
    streetType: rng.pick(STREET_TYPES),
    town,
    postcode: rng.pick(town.postcodes),
  };
  if (rng.chance(0.85)) person.birthDate = { y: rng.int(1940, 2005), m: rng.int(1, 12), d: rng.int(1, 28) };
  if (employer) person.employer = employer;
  return person;
};

const two = (n: number) => String(n).padStart(2, '0');

const phoneText = (rng: Rng, d: string): string => {
  switch (rng.int(0, 4)) {
    case 0:
      return `+1${d}`;
    case 1:
      return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
    case 2:
      return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`;
    case 3:
      return `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
    default:
      return d;
  }
};

/** One record of `person`; `copy` > 0 makes it drift the way later records of one person do. */
const recordOf = (rng: Rng, person: Person, copy: number, source: string): Record<string, string> => {
  const keeps = SOURCE_FIELDS[source] as ReadonlySet<string>;
  const drift = (p: number) => copy > 0 && rng.chance(p);
  let first = person.first;
  let last = person.last;
  if (drift(0.05) && NICKNAMES[first]) first = rng.pick(NICKNAMES[first] as readonly string[]);
  else if (drift(0.12)) first = typo(rng, first);
  else if (drift(0.03)) first = first.charAt(0);
  if (drift(0.12)) last = typo(rng, last);
  if (drift(0.01)) [first, last] = [last, first];
  if (drift(0.1)) [first, last] = [first.toUpperCase(), last.toUpperCase()];

  const fields: Record<string, string> = { first_name: first, last_name: last };
  if (keeps.has('email') && !drift(0.2)) {
    if (drift(0.1)) fields.email = `${mailbox(rng, person.first, person.last)}@${rng.pick(PERSONAL_EMAIL_DOMAINS)}`;
    else fields.email = drift(0.03) ? typo(rng, person.email) : person.email;
  }
  if (keeps.has('phone') && !drift(0.2)) fields.phone = phoneText(rng, drift(0.02) ? `${person.phone.slice(0, 9)}${rng.int(0, 9)}` : person.phone);
  if (keeps.has('street') && !drift(0.1)) {
    const [long, short] = person.streetType;
    const street = drift(0.08) ? typo(rng, person.street) : person.street;
    fields.street = `${person.houseNumber} ${street} ${rng.chance(0.5) ? long : short}`;
    fields.postcode = drift(0.03) ? typo(rng, person.postcode) : person.postcode;
  }
  if (keeps.has('city') && !drift(0.1)) fields.city = drift(0.05) ? typo(rng, person.town.name) : person.town.name;
  if (keeps.has('region') && !drift(0.3)) fields.region = person.town.region;
  const dob = person.birthDate;
  if (dob && keeps.has('birth_date') && !drift(0.1)) {
    const [m, d] = drift(0.01) ? [dob.d, dob.m] : [dob.m, dob.d];
    const iso = `${dob.y}-${two(m)}-${two(d)}`;
    fields.birth_date = drift(0.04) ? `${iso.slice(0, 9)}${rng.int(0, 9)}` : iso;
  }
  if (person.employer && keeps.has('company') && !drift(0.2)) fields.company = `${person.employer.name} ${rng.pick(LEGAL_FORMS)}`.trim();
  return fields;
};

const RECORDS_PER_PERSON: readonly (readonly [number, number])[] = [[1, 55], [2, 25], [3, 12], [4, 5], [5, 3]];

export const scalePeople = (n: number, seed = 11): ScalePeople => {
  const rng = new Rng(seed);
  const p = pools(rng.fork('pools'));
  const inputs: MatchInput[] = [];
  const truth: string[] = [];
  for (let id = 0; inputs.length < n; id++) {
    const person = personOf(rng, p);
    const copies = rng.weighted(RECORDS_PER_PERSON);
    for (let copy = 0; copy < copies && inputs.length < n; copy++) {
      const source = rng.pick(SOURCES);
      inputs.push({ key: `${source}:${inputs.length}`, source, kind: 'person', fields: recordOf(rng, person, copy, source), trustedIds: {} });
      truth.push(String(id));
    }
  }
  return { inputs, truth };
};
