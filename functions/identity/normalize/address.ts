/**
 * Postal addresses for matching: '100 Main St., Ste. 400' and '100 Main Street #400' are one
 * street, one house number and one unit.
 *
 * Choices a matcher should know:
 * - `street` is the street name only: folded (foldText), street types expanded to one word
 *   (St/St./Street → street, Ave → avenue, Str./Straße → strasse), the house number and the unit
 *   taken out into their own fields. Compare the three separately; a missing unit is common and
 *   is not a mismatch.
 * - Some abbreviations depend on the language, which comes from the country (or, with no country,
 *   from a Dutch-shaped postal code): 'Str.' is strasse in German and straat in Dutch, 'Av.' and
 *   'Pl.' are avenida/plaza in Spanish and avenue/place otherwise, 'Ste' is sainte in French and
 *   suite otherwise. An address without a country reads them the German/English/French way.
 * - 'St' is street at the end of the street name and saint elsewhere ('St. Mary's Rd'); 'Dr' is
 *   drive at the end and doctor elsewhere; N/S/E/W expand at either end, outside German, Dutch,
 *   French and Spanish addresses.
 * - German and Dutch street types glue to the name: 'Hauptstr.', 'Haupt Str.' and 'Hauptstraße'
 *   are all 'hauptstrasse'. A Spanish street type drops the 'de'/'del'/'de la' after it, as
 *   systems do when they abbreviate ('Calle de Alcalá' = 'C/ Alcalá' = 'calle alcala').
 * - `unit` is the value only ('Suite 400', 'Ste. 400', '#400' → '400'; 'Fl 3', '3rd Floor' → '3'),
 *   so a floor and a suite with the same number compare equal. Several units join with a space.
 * - `houseNumber` is a leading number (US, UK, France) or else a trailing one (Germany, the
 *   Netherlands, Spain), with a letter ('12a') or a range ('12-14'); absent when the street is
 *   only numbers.
 * - `postalCode` is upper case without spaces in every country (so 'EC1A 1BB' meets 'EC1A1BB'),
 *   without an old country prefix ('D-10115'); a US ZIP+4 becomes its five digits, and a US ZIP
 *   that lost its leading zero in a spreadsheet ('2108') gets it back.
 * - `country` is ISO 3166-1 alpha-2 from a code (alpha-2 or alpha-3), 'UK', or a common English or
 *   native name; undefined when it cannot be read, so 'Atlantis' does not count as a country.
 * - `region` (an addition) is the state code for the US and Canada ('New York' → 'NY'), folded
 *   text elsewhere; with no country a US state name or code is read as one.
 * - City names are folded, with St./Ste./Ft./Mt. expanded; exonyms are not resolved (München is
 *   not Munich).
 */
import { foldText } from './person-name';

export interface AddressInput {
  street?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

export interface NormalizedAddress {
  street: string;
  houseNumber?: string;
  unit?: string;
  city: string;
  region?: string;
  postalCode: string;
  country?: string;
}

/** The language whose street abbreviations an address uses. */
export type StreetLanguage = 'en' | 'de' | 'nl' | 'fr' | 'es';

// ---- countries ----------------------------------------------------------------------------------------

const ISO_ALPHA2: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Alpha-3 codes and names, English and native, by alpha-2 code. '|' separates. */
const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  US: 'USA|United States|United States of America|America|Vereinigte Staaten|États-Unis|Estados Unidos|Verenigde Staten|Stati Uniti',
  GB:
    'GBR|UK|United Kingdom|United Kingdom of Great Britain and Northern Ireland|Great Britain|Britain|England|Scotland|Wales|' +
    'Northern Ireland|Vereinigtes Königreich|Großbritannien|Royaume-Uni|Grande-Bretagne|Reino Unido|Verenigd Koninkrijk|' +
    'Groot-Brittannië|Regno Unito',
  DE: 'DEU|Germany|Deutschland|Federal Republic of Germany|Bundesrepublik Deutschland|Allemagne|Alemania|Duitsland|Germania|Niemcy',
  NL: 'NLD|Netherlands|Nederland|Holland|Kingdom of the Netherlands|Niederlande|Pays-Bas|Países Bajos|Paesi Bassi',
  FR: 'FRA|France|Frankreich|Francia|Frankrijk|Francja',
  ES: 'ESP|Spain|España|Spanien|Espagne|Spanje|Spagna|Hiszpania',
  IT: 'ITA|Italy|Italia|Italien|Italie|Italië',
  AT: 'AUT|Austria|Österreich|Autriche|Oostenrijk',
  CH: 'CHE|Switzerland|Schweiz|Suisse|Svizzera|Suiza|Zwitserland|Swiss Confederation',
  BE: 'BEL|Belgium|België|Belgique|Belgien|Bélgica',
  LU: 'LUX|Luxembourg|Luxemburg',
  IE: 'IRL|Ireland|Republic of Ireland|Éire|Irland|Irlande',
  PT: 'PRT|Portugal',
  DK: 'DNK|Denmark|Danmark|Dänemark|Danemark|Denemarken',
  SE: 'SWE|Sweden|Sverige|Schweden|Suède|Zweden',
  NO: 'NOR|Norway|Norge|Norwegen|Norvège|Noorwegen',
  FI: 'FIN|Finland|Suomi|Finnland|Finlande',
  IS: 'ISL|Iceland|Ísland',
  PL: 'POL|Poland|Polska|Polen|Pologne|Polonia',
  CZ: 'CZE|Czech Republic|Czechia|Česko|Česká republika|Tschechien|Tchéquie|Tsjechië',
  SK: 'SVK|Slovakia|Slovensko|Slowakei',
  HU: 'HUN|Hungary|Magyarország|Ungarn|Hongrie',
  RO: 'ROU|Romania|România|Rumänien',
  BG: 'BGR|Bulgaria|Bulgarien',
  GR: 'GRC|Greece|Hellas|Ελλάδα|Griechenland|Grèce|Griekenland',
  HR: 'HRV|Croatia|Hrvatska|Kroatien',
  SI: 'SVN|Slovenia|Slovenija|Slowenien',
  RS: 'SRB|Serbia|Srbija',
  UA: 'UKR|Ukraine|Україна',
  RU: 'RUS|Russia|Russian Federation|Россия|Russland|Russie',
  TR: 'TUR|Turkey|Türkiye|Türkei|Turquie',
  EE: 'EST|Estonia|Eesti',
  LV: 'LVA|Latvia|Latvija',
  LT: 'LTU|Lithuania|Lietuva',
  MT: 'MLT|Malta',
  CY: 'CYP|Cyprus',
  LI: 'LIE|Liechtenstein',
  MC: 'MCO|Monaco',
  CA: 'CAN|Canada|Kanada',
  MX: 'MEX|Mexico|México|Mexiko|Mexique',
  BR: 'BRA|Brazil|Brasil|Brasilien|Brésil',
  AR: 'ARG|Argentina|Argentinien',
  CL: 'CHL|Chile',
  CO: 'COL|Colombia|Kolumbien',
  PE: 'PER|Peru|Perú',
  AU: 'AUS|Australia|Australien|Australie',
  NZ: 'NZL|New Zealand|Aotearoa|Neuseeland',
  JP: 'JPN|Japan|Japon|日本',
  CN: 'CHN|China|PRC|Peoples Republic of China|Chine|中国',
  HK: 'HKG|Hong Kong',
  TW: 'TWN|Taiwan',
  KR: 'KOR|South Korea|Korea|Republic of Korea|Korea Republic of|대한민국',
  IN: 'IND|India|Bharat|Indien|Inde',
  SG: 'SGP|Singapore',
  MY: 'MYS|Malaysia',
  ID: 'IDN|Indonesia',
  TH: 'THA|Thailand',
  VN: 'VNM|Vietnam|Viet Nam',
  PH: 'PHL|Philippines',
  IL: 'ISR|Israel',
  AE: 'ARE|United Arab Emirates|UAE|Emirates',
  SA: 'SAU|Saudi Arabia',
  ZA: 'ZAF|South Africa|Suid-Afrika',
  EG: 'EGY|Egypt',
  NG: 'NGA|Nigeria',
  KE: 'KEN|Kenya',
  MA: 'MAR|Morocco|Maroc',
};

/** 'The Netherlands', 'U.S.A.' and 'united  states' become 'netherlands', 'usa', 'unitedstates'. */
const countryKey = (s: string): string => foldText(s).replace(/^the /, '').replace(/ /g, '');

const COUNTRY_BY_KEY: ReadonlyMap<string, string> = new Map(
  Object.entries(COUNTRY_NAMES).flatMap(([code, names]) => names.split('|').map((name) => [countryKey(name), code] as const)),
);

/** ISO 3166-1 alpha-2 for a code or a common name; undefined when it cannot be read. */
export const normalizeCountry = (country: string): string | undefined => {
  const key = countryKey(country);
  const code = key.toUpperCase();
  return key.length === 2 && ISO_ALPHA2.has(code) ? code : COUNTRY_BY_KEY.get(key);
};

// ---- postal codes and regions -----------------------------------------------------------------------

const DUTCH_POSTAL = /^\d{4}[A-Z]{2}$/;

export const normalizePostalCode = (postalCode: string, country?: string): string => {
  // 'D-10115', 'NL-1011AB', 'F-75001': the country prefix of old European mail.
  const code = postalCode.normalize('NFKC').toUpperCase().replace(/\s+/g, '').replace(/^[A-Z]{1,3}-(?=\d)/, '');
  if (country !== 'US' && country !== undefined) return code;
  // ZIP+4 only adds the delivery segment; the 5-digit ZIP is what every system has.
  const zip4 = /^(\d{5})-\d{4}$/.exec(code) ?? (country === 'US' ? /^(\d{5})\d{4}$/.exec(code) : null);
  if (zip4?.[1] !== undefined) return zip4[1];
  // Spreadsheets read New England and Puerto Rico ZIPs (02108, 00601) as numbers.
  return country === 'US' && /^\d{3,4}$/.test(code) ? code.padStart(5, '0') : code;
};

const US_STATES: Readonly<Record<string, string>> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
  DE: 'Delaware', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois', IN: 'Indiana', IA: 'Iowa',
  KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan',
  MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire',
  NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York', NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma',
  OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee',
  TX: 'Texas', UT: 'Utah', VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin',
  WY: 'Wyoming', DC: 'District of Columbia', PR: 'Puerto Rico', GU: 'Guam', VI: 'US Virgin Islands', AS: 'American Samoa',
  MP: 'Northern Mariana Islands',
};

const CA_PROVINCES: Readonly<Record<string, string>> = {
  AB: 'Alberta', BC: 'British Columbia', MB: 'Manitoba', NB: 'New Brunswick', NL: 'Newfoundland and Labrador',
  NS: 'Nova Scotia', NT: 'Northwest Territories', NU: 'Nunavut', ON: 'Ontario', PE: 'Prince Edward Island', QC: 'Quebec',
  SK: 'Saskatchewan', YT: 'Yukon',
};

/** Folded name or lower-case code → code. */
const codeIndex = (names: Readonly<Record<string, string>>): ReadonlyMap<string, string> =>
  new Map(Object.entries(names).flatMap(([code, name]) => [[code.toLowerCase(), code] as const, [foldText(name), code] as const]));

const US_STATE_CODES = codeIndex(US_STATES);
const CA_PROVINCE_CODES = codeIndex(CA_PROVINCES);

export const normalizeRegion = (region: string, country?: string): string => {
  const folded = foldText(region);
  const codes = country === 'US' || country === undefined ? US_STATE_CODES : country === 'CA' ? CA_PROVINCE_CODES : undefined;
  return codes?.get(folded) ?? folded;
};

// ---- streets ------------------------------------------------------------------------------------------

const LANGUAGE_BY_COUNTRY: Readonly<Record<string, StreetLanguage>> = {
  DE: 'de', AT: 'de', CH: 'de', LI: 'de', NL: 'nl', BE: 'nl', SR: 'nl', FR: 'fr', LU: 'fr', MC: 'fr',
  ES: 'es', MX: 'es', AR: 'es', CL: 'es', CO: 'es', PE: 'es', UY: 'es', VE: 'es', EC: 'es', BO: 'es', PY: 'es', CR: 'es',
  US: 'en', GB: 'en', IE: 'en', CA: 'en', AU: 'en', NZ: 'en', ZA: 'en', IN: 'en', SG: 'en',
};

/** Undefined when neither the country nor the postal code tells. */
export const streetLanguage = (country?: string, postalCode?: string): StreetLanguage | undefined => {
  if (country !== undefined) return LANGUAGE_BY_COUNTRY[country];
  return postalCode !== undefined && DUTCH_POSTAL.test(normalizePostalCode(postalCode)) ? 'nl' : undefined;
};

/** Street types abbreviated and glued to the name with a period: 'Marktpl.', 'Herengr.'. */
const GLUED_WITH_PERIOD: Readonly<Record<string, string>> = { ln: 'laan', wg: 'weg', gr: 'gracht', kd: 'kade' };

/**
 * Rewrites that need the raw text: symbols folding would lose, and glued German/Dutch types that
 * need their period to tell 'Stationsln.' from a name ending in 'ln'. A glued 'str' needs no
 * period ('Keizersstr 5'), so expandWord handles it on the folded word.
 */
const rewriteRaw = (street: string, lang: StreetLanguage | undefined): string => {
  // Each rewrite needs a character most streets lack; looking for it first skips the regex.
  let s = street.normalize('NFC');
  if (s.includes('#')) s = s.replace(/#\s*/g, ' unit ');
  if (s.includes('/')) s = s.replace(/(^|[\s,])c\/\s*/giu, '$1calle ');
  if (s.includes('º')) s = s.replace(/(^|[\s,])p\.?\s*º\s*/giu, '$1paseo ');
  if ((lang === 'de' || lang === 'nl' || lang === undefined) && s.includes('.')) {
    const platz = lang === 'nl' ? 'plein' : 'platz';
    s = s
      .replace(/(\p{L}{2,})pl\./giu, `$1${platz}`)
      .replace(/(\p{L}{2,})(ln|wg|gr|kd)\./giu, (_, stem: string, abbr: string) => stem + (GLUED_WITH_PERIOD[abbr.toLowerCase()] ?? abbr));
  }
  return s;
};

/** Words that name a unit when a value follows: 'suite 400', 'apt 5b', 'unit 12' (from '#12'). */
const UNIT_LABELS: ReadonlySet<string> = new Set(['suite', 'ste', 'apt', 'apartment', 'unit', 'fl', 'flr', 'floor', 'room', 'rm']);
const FLOOR_LABELS: ReadonlySet<string> = new Set(['fl', 'flr', 'floor']);

const isUnitValue = (t: string | undefined): t is string => t !== undefined && (/\d/.test(t) || /^\p{L}$/u.test(t));

/** One pass over the tokens: takes out each 'label value' and '3rd floor'. */
const takeUnitsOnce = (tokens: readonly string[]): { rest: string[]; units: string[] } => {
  const rest: string[] = [];
  const units: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const next = tokens[i + 1];
    const ordinal = /^(\d+)(?:st|nd|rd|th)$/.exec(t);
    if (ordinal?.[1] !== undefined && next !== undefined && FLOOR_LABELS.has(next)) {
      units.push(ordinal[1]);
      i++;
    } else if (UNIT_LABELS.has(t) && isUnitValue(next)) {
      units.push(next);
      i++;
    } else rest.push(t);
  }
  return { rest, units };
};

/** Until none is left: taking 'ste b' out of 'fl ste b 2' makes 'fl 2' a unit too. */
const takeUnits = (tokens: readonly string[]): { rest: string[]; units: string[] } => {
  let rest = [...tokens];
  const units: string[] = [];
  for (let found = takeUnitsOnce(rest); found.units.length > 0; found = takeUnitsOnce(rest)) {
    units.push(...found.units);
    rest = found.rest;
  }
  return { rest, units };
};

const NUMBER = /^\d+[a-z]?$/;
const DIGITS = /^\d+$/;
const hasLetter = (ts: readonly string[]) => ts.some((t) => /\p{L}/u.test(t));

/**
 * The house number: leading (US, UK, France) or else trailing (Germany, the Netherlands, Spain),
 * with a following range end ('12 14' from '12-14') or a trailing letter ('12 b'). Only when a
 * street name with letters remains.
 */
const takeHouseNumber = (ts: readonly string[]): { rest: string[]; houseNumber?: string } => {
  const [a, b] = ts;
  if (a !== undefined && NUMBER.test(a)) {
    const range = b !== undefined && DIGITS.test(a) && NUMBER.test(b) && hasLetter(ts.slice(2));
    const rest = ts.slice(range ? 2 : 1);
    if (hasLetter(rest)) return { rest, houseNumber: range ? `${a}-${b}` : a };
  }
  const z = ts[ts.length - 1];
  const y = ts[ts.length - 2];
  if (z !== undefined && y !== undefined && DIGITS.test(y) && (NUMBER.test(z) || /^[a-z]$/.test(z))) {
    const rest = ts.slice(0, -2);
    if (hasLetter(rest)) return { rest, houseNumber: NUMBER.test(z) ? `${y}-${z}` : y + z };
  }
  if (z !== undefined && NUMBER.test(z) && hasLetter(ts.slice(0, -1))) return { rest: ts.slice(0, -1), houseNumber: z };
  return { rest: [...ts] };
};

/** Abbreviations with one meaning wherever they stand; full forms map to themselves. */
const STREET_WORDS: Readonly<Record<string, string>> = {
  street: 'street', avenue: 'avenue', ave: 'avenue', boulevard: 'boulevard', blvd: 'boulevard', boul: 'boulevard',
  bd: 'boulevard', road: 'road', rd: 'road', drive: 'drive', lane: 'lane', ln: 'lane', parkway: 'parkway', pkwy: 'parkway',
  pky: 'parkway', highway: 'highway', hwy: 'highway', square: 'square', sq: 'square', court: 'court', ct: 'court',
  crescent: 'crescent', cres: 'crescent', gardens: 'gardens', gdns: 'gardens', way: 'way', wy: 'way', place: 'place',
  suite: 'suite', apartment: 'apartment', apt: 'apartment', floor: 'floor', fl: 'floor', flr: 'floor', room: 'room',
  rm: 'room', building: 'building', bldg: 'building', strasse: 'strasse', straat: 'straat', avenida: 'avenida',
  avda: 'avenida', plaza: 'plaza', pza: 'plaza', paseo: 'paseo', pso: 'paseo', carretera: 'carretera', ctra: 'carretera',
  calle: 'calle', rue: 'rue', faubourg: 'faubourg', fbg: 'faubourg', chemin: 'chemin', chem: 'chemin', route: 'route',
  rte: 'route', impasse: 'impasse', imp: 'impasse',
};

const DIRECTIONS: Readonly<Record<string, string>> = {
  n: 'north', s: 'south', e: 'east', w: 'west', ne: 'northeast', nw: 'northwest', se: 'southeast', sw: 'southwest',
};

type Position = { first: boolean; last: boolean };

/** Abbreviations whose meaning depends on the language or on where they stand; glued 'str'. */
const expandWord = (t: string, at: Position, lang: StreetLanguage | undefined): string => {
  switch (t) {
    case 'st':
      return lang !== 'fr' && at.last ? 'street' : 'saint';
    case 'ste':
      return lang === 'fr' ? 'sainte' : 'suite';
    case 'dr':
      return at.last ? 'drive' : 'doctor';
    case 'str':
      return lang === 'nl' ? 'straat' : 'strasse';
    case 'av':
      return lang === 'es' ? 'avenida' : 'avenue';
    case 'pl':
      return lang === 'es' ? 'plaza' : lang === 'de' ? 'platz' : lang === 'nl' ? 'plein' : 'place';
    case 'r':
      return lang === 'fr' && at.first ? 'rue' : t;
  }
  if (lang !== 'en' && lang !== 'fr' && lang !== 'es' && /^\p{L}{2,}str$/u.test(t)) return t.slice(0, -3) + (lang === 'nl' ? 'straat' : 'strasse');
  const direction = DIRECTIONS[t];
  if (direction !== undefined && (lang === 'en' || lang === undefined) && (at.first || at.last)) return direction;
  return STREET_WORDS[t] ?? t;
};

const expandWords = (ts: readonly string[], lang: StreetLanguage | undefined): string[] =>
  ts.map((t, i) => expandWord(t, { first: i === 0, last: i === ts.length - 1 }, lang));

/** 'haupt strasse' → 'hauptstrasse': German and Dutch write the type as part of the name. */
const glueStreetType = (ts: readonly string[]): string[] => {
  const out: string[] = [];
  for (const t of ts) {
    const prev = out[out.length - 1];
    if ((t === 'strasse' || t === 'straat') && prev !== undefined && /\p{L}/u.test(prev)) out[out.length - 1] = prev + t;
    else out.push(t);
  }
  return out;
};

const SPANISH_TYPES: ReadonlySet<string> = new Set(['calle', 'avenida', 'paseo', 'plaza', 'carretera', 'ronda', 'camino', 'travesia']);

/** 'calle de la castellana' → 'calle castellana'; keeps at least one word after the type. */
const dropSpanishParticles = (ts: readonly string[]): string[] => {
  if (!SPANISH_TYPES.has(ts[0] ?? '')) return [...ts];
  let i = 1;
  while (ts[i] === 'de' || ts[i] === 'del') {
    const article = ts[i] === 'de' && ['la', 'las', 'los'].includes(ts[i + 1] ?? '');
    i += article ? 2 : 1;
  }
  return i < ts.length ? [ts[0] as string, ...ts.slice(i)] : [...ts];
};

export interface StreetParts {
  street: string;
  houseNumber?: string;
  unit?: string;
}

/** One street line; `lang` as streetLanguage() gives it for the address's country and postal code. */
export const normalizeStreet = (street: string, lang?: StreetLanguage): StreetParts => {
  const folded = foldText(rewriteRaw(street, lang));
  const { rest, units } = takeUnits(folded === '' ? [] : folded.split(' '));
  const { rest: name, houseNumber } = takeHouseNumber(rest);
  const words = dropSpanishParticles(glueStreetType(expandWords(name, lang)));
  const out: StreetParts = { street: words.join(' ') };
  if (houseNumber !== undefined) out.houseNumber = houseNumber;
  if (units.length > 0) out.unit = units.join(' ');
  return out;
};

// ---- cities and the whole address ---------------------------------------------------------------------

const CITY_WORDS: Readonly<Record<string, string>> = { st: 'saint', ste: 'sainte', ft: 'fort', mt: 'mount' };

export const normalizeCity = (city: string): string =>
  foldText(city)
    .split(' ')
    .map((t) => CITY_WORDS[t] ?? t)
    .join(' ');

const present = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

/** Every part of an address; the country, read first, decides how the street's abbreviations read. */
export const normalizeAddress = (address: AddressInput): NormalizedAddress => {
  const country = present(address.country) ? normalizeCountry(address.country) : undefined;
  const lang = streetLanguage(country, address.postalCode);
  const out: NormalizedAddress = {
    ...normalizeStreet(address.street ?? '', lang),
    city: normalizeCity(address.city ?? ''),
    postalCode: normalizePostalCode(address.postalCode ?? '', country),
  };
  if (present(address.region)) out.region = normalizeRegion(address.region, country);
  if (country !== undefined) out.country = country;
  return out;
};
