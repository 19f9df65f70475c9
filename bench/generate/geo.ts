/**
 * Countries the synthetic companies sit in: cities, street names, phone plans, tax ids and
 * currencies. `randomAddress` and `randomPhone` build the TRUE structured values; formats.ts
 * writes them the many ways systems do.
 */
import type { Rng, Weights } from './rng';

export type CountryCode = 'US' | 'GB' | 'DE' | 'NL' | 'FR' | 'ES';

export const COUNTRY_WEIGHTS: Weights<CountryCode> = [
  ['US', 40],
  ['GB', 16],
  ['DE', 16],
  ['NL', 10],
  ['FR', 10],
  ['ES', 8],
];

interface City {
  name: string;
  region: string;
  /** Region as a code where the country uses one (US states). */
  regionCode?: string;
  /** Leading digits or letters of the postal code. */
  postal: string;
  /** Area code without the trunk prefix. */
  area: string;
}

const city = (name: string, region: string, postal: string, area: string, regionCode?: string): City =>
  regionCode ? { name, region, regionCode, postal, area } : { name, region, postal, area };

export const CITIES: Record<CountryCode, readonly City[]> = {
  US: [
    city('New York', 'New York', '100', '212', 'NY'),
    city('San Francisco', 'California', '941', '415', 'CA'),
    city('Austin', 'Texas', '787', '512', 'TX'),
    city('Chicago', 'Illinois', '606', '312', 'IL'),
    city('Boston', 'Massachusetts', '021', '617', 'MA'),
    city('Seattle', 'Washington', '981', '206', 'WA'),
    city('Denver', 'Colorado', '802', '303', 'CO'),
    city('Atlanta', 'Georgia', '303', '404', 'GA'),
    city('Raleigh', 'North Carolina', '276', '919', 'NC'),
    city('Minneapolis', 'Minnesota', '554', '612', 'MN'),
    city('Portland', 'Oregon', '972', '503', 'OR'),
    city('Columbus', 'Ohio', '432', '614', 'OH'),
    city('Phoenix', 'Arizona', '850', '602', 'AZ'),
    city('Nashville', 'Tennessee', '372', '615', 'TN'),
    city('Salt Lake City', 'Utah', '841', '801', 'UT'),
    city('Miami', 'Florida', '331', '305', 'FL'),
    city('Pittsburgh', 'Pennsylvania', '152', '412', 'PA'),
    city('San Diego', 'California', '921', '619', 'CA'),
  ],
  GB: [
    city('London', 'Greater London', 'EC1A', '20'),
    city('London', 'Greater London', 'SE1', '20'),
    city('Manchester', 'Greater Manchester', 'M1', '161'),
    city('Birmingham', 'West Midlands', 'B1', '121'),
    city('Leeds', 'West Yorkshire', 'LS1', '113'),
    city('Edinburgh', 'Scotland', 'EH1', '131'),
    city('Bristol', 'Bristol', 'BS1', '117'),
    city('Cambridge', 'Cambridgeshire', 'CB1', '1223'),
    city('Glasgow', 'Scotland', 'G1', '141'),
    city('Reading', 'Berkshire', 'RG1', '118'),
    city('Oxford', 'Oxfordshire', 'OX1', '1865'),
  ],
  DE: [
    city('Berlin', 'Berlin', '101', '30'),
    city('München', 'Bayern', '803', '89'),
    city('Hamburg', 'Hamburg', '200', '40'),
    city('Frankfurt am Main', 'Hessen', '603', '69'),
    city('Köln', 'Nordrhein-Westfalen', '506', '221'),
    city('Stuttgart', 'Baden-Württemberg', '701', '711'),
    city('Düsseldorf', 'Nordrhein-Westfalen', '402', '211'),
    city('Leipzig', 'Sachsen', '041', '341'),
    city('Hannover', 'Niedersachsen', '301', '511'),
    city('Nürnberg', 'Bayern', '904', '911'),
  ],
  NL: [
    city('Amsterdam', 'Noord-Holland', '101', '20'),
    city('Rotterdam', 'Zuid-Holland', '301', '10'),
    city('Utrecht', 'Utrecht', '351', '30'),
    city('Den Haag', 'Zuid-Holland', '251', '70'),
    city('Eindhoven', 'Noord-Brabant', '561', '40'),
    city('Groningen', 'Groningen', '971', '50'),
    city('Haarlem', 'Noord-Holland', '201', '23'),
    city('Leiden', 'Zuid-Holland', '231', '71'),
  ],
  FR: [
    city('Paris', 'Île-de-France', '750', '1'),
    city('Lyon', 'Auvergne-Rhône-Alpes', '690', '4'),
    city('Marseille', "Provence-Alpes-Côte d'Azur", '130', '4'),
    city('Toulouse', 'Occitanie', '310', '5'),
    city('Bordeaux', 'Nouvelle-Aquitaine', '330', '5'),
    city('Lille', 'Hauts-de-France', '590', '3'),
    city('Nantes', 'Pays de la Loire', '440', '2'),
    city('Strasbourg', 'Grand Est', '670', '3'),
  ],
  ES: [
    city('Madrid', 'Comunidad de Madrid', '280', '91'),
    city('Barcelona', 'Cataluña', '080', '93'),
    city('Valencia', 'Comunitat Valenciana', '460', '96'),
    city('Sevilla', 'Andalucía', '410', '95'),
    city('Bilbao', 'País Vasco', '480', '94'),
  ],
};

/** A street type: its full form and the abbreviations systems use for it. */
export interface StreetType {
  full: string;
  abbreviations: readonly string[];
}

const st = (full: string, ...abbreviations: string[]): StreetType => ({ full, abbreviations });

export const STREET_TYPES: Record<CountryCode, readonly StreetType[]> = {
  US: [
    st('Street', 'St.', 'St'),
    st('Avenue', 'Ave.', 'Ave'),
    st('Boulevard', 'Blvd.', 'Blvd'),
    st('Road', 'Rd.', 'Rd'),
    st('Drive', 'Dr.', 'Dr'),
    st('Parkway', 'Pkwy'),
    st('Lane', 'Ln.'),
    st('Way', 'Wy'),
  ],
  GB: [st('Street', 'St', 'St.'), st('Road', 'Rd', 'Rd.'), st('Lane', 'Ln'), st('Square', 'Sq'), st('Place', 'Pl'), st('Row', 'Row')],
  // German and Dutch street types are suffixes joined to the name ("Hauptstraße").
  DE: [st('straße', 'str.', 'strasse', 'Str.'), st('weg', 'weg'), st('allee', 'allee'), st('platz', 'pl.', 'platz'), st('ring', 'ring')],
  NL: [st('straat', 'str.', 'str'), st('weg', 'wg.'), st('laan', 'ln.'), st('gracht', 'gr.'), st('kade', 'kd.')],
  FR: [st('rue', 'r.', 'Rue'), st('avenue', 'av.', 'Av.', 'Avenue'), st('boulevard', 'bd', 'Bd', 'boul.'), st('place', 'pl.'), st('quai', 'Quai')],
  ES: [st('Calle', 'C/', 'c/'), st('Avenida', 'Avda.', 'Av.'), st('Paseo', 'Pº', 'P.º'), st('Plaza', 'Pza.', 'Pl.')],
};

export const STREET_NAMES: Record<CountryCode, readonly string[]> = {
  US: ['Main', 'Market', 'Oak', 'Maple', 'Pine', 'Cedar', 'Elm', 'Washington', 'Lake', 'Park', 'Mission', 'Congress', 'Commerce', 'Madison', 'Franklin', 'Jefferson', 'Lincoln', 'Sunset', 'Harbor', 'River', 'Spring', 'Walnut', 'Chestnut', 'Howard', 'Folsom', 'Peachtree', 'Industrial', 'Technology'],
  GB: ['High', 'Station', 'Church', 'Victoria', 'Mill', 'Park', 'London', 'King', 'Queen', 'Albert', 'George', 'Castle', 'Bridge', 'Kingsway', 'Old Broad', 'Shoreditch High', 'Deansgate', 'Whitehall', 'Fleet'],
  DE: ['Haupt', 'Bahnhof', 'Schiller', 'Goethe', 'Linden', 'Garten', 'Friedrich', 'Kaiser', 'König', 'Industrie', 'Wilhelm', 'Mozart', 'Rosen', 'Berg', 'Kirch', 'Markt', 'Schloss', 'Hafen'],
  NL: ['Keizers', 'Heren', 'Prinsen', 'Kalver', 'Stations', 'Kerk', 'Molen', 'Beurs', 'Haven', 'Dorps', 'Wilhelmina', 'Oranje', 'Zee', 'Parallel', 'Amstel'],
  FR: ['de la République', 'Victor Hugo', 'du Faubourg Saint-Honoré', 'de Rivoli', 'Jean Jaurès', 'Pasteur', 'Gambetta', 'de la Liberté', 'Foch', 'des Lilas', 'Haussmann', 'de la Paix', 'Voltaire', 'du Général Leclerc'],
  ES: ['de Alcalá', 'Mayor', 'Gran Vía', 'de la Castellana', 'Diagonal', 'de Colón', 'del Prado', 'de Serrano', 'de Goya', 'de la Constitución'],
};

/** How a country's name is written: ISO code first (the truth), then the other ways. */
export const COUNTRY_NAMES: Record<CountryCode, readonly string[]> = {
  US: ['US', 'United States', 'USA', 'United States of America'],
  GB: ['GB', 'United Kingdom', 'UK', 'Great Britain', 'England'],
  DE: ['DE', 'Germany', 'Deutschland'],
  NL: ['NL', 'Netherlands', 'The Netherlands', 'Nederland'],
  FR: ['FR', 'France'],
  ES: ['ES', 'Spain', 'España'],
};

export const CALLING_CODES: Record<CountryCode, string> = { US: '1', GB: '44', DE: '49', NL: '31', FR: '33', ES: '34' };

export const CURRENCIES: Record<CountryCode, string> = { US: 'USD', GB: 'GBP', DE: 'EUR', NL: 'EUR', FR: 'EUR', ES: 'EUR' };

export const TOP_LEVEL_DOMAINS: Record<CountryCode, Weights<string>> = {
  US: [['com', 80], ['io', 12], ['co', 8]],
  GB: [['co.uk', 65], ['com', 30], ['io', 5]],
  DE: [['de', 75], ['com', 25]],
  NL: [['nl', 75], ['com', 25]],
  FR: [['fr', 70], ['com', 30]],
  ES: [['es', 70], ['com', 30]],
};

export interface StreetAddress {
  country: CountryCode;
  number: string;
  streetName: string;
  streetType: StreetType;
  /** Suite, floor or unit, where the building has several. */
  unit?: { kind: 'suite' | 'floor' | 'unit'; value: string };
  city: string;
  region: string;
  regionCode?: string;
  postalCode: string;
}

export interface Phone {
  country: CountryCode;
  /** Area code without the trunk prefix ("20" for London, "415" for San Francisco). */
  area: string;
  subscriber: string;
  /** A direct extension behind the main line. */
  ext?: string;
}

const digits = (rng: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
};

const letters = (rng: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(65 + rng.int(0, 25));
  return s;
};

const postalCode = (rng: Rng, country: CountryCode, c: City): string => {
  switch (country) {
    case 'US':
      return c.postal + digits(rng, 2);
    case 'GB':
      return `${c.postal} ${rng.int(1, 9)}${letters(rng, 2)}`;
    case 'NL':
      return `${c.postal}${rng.int(1, 9)} ${letters(rng, 2)}`;
    case 'FR':
      return c.name === 'Paris' ? `750${String(rng.int(1, 20)).padStart(2, '0')}` : `${c.postal}${rng.int(0, 9)}0`;
    default:
      return c.postal + digits(rng, 2);
  }
};

export const randomAddress = (rng: Rng, country: CountryCode): StreetAddress => {
  const c = rng.pick(CITIES[country]);
  const streetType = rng.pick(STREET_TYPES[country]);
  const number = country === 'US' ? String(rng.int(1, 99) * rng.pick([1, 10, 10, 100])) : String(rng.int(1, 180));
  const address: StreetAddress = {
    country,
    number,
    streetName: rng.pick(STREET_NAMES[country]),
    streetType,
    city: c.name,
    region: c.region,
    postalCode: postalCode(rng, country, c),
  };
  if (c.regionCode) address.regionCode = c.regionCode;
  if ((country === 'US' || country === 'GB') && rng.chance(0.55)) {
    address.unit =
      country === 'US'
        ? { kind: 'suite', value: String(rng.int(1, 20) * 100 + rng.pick([0, 0, 10, 50])) }
        : rng.pick([{ kind: 'floor', value: String(rng.int(1, 12)) }, { kind: 'unit', value: String(rng.int(1, 40)) }] as const);
  }
  return address;
};

/** National significant number length, as the country's numbering plan has it. */
const subscriberLength = (country: CountryCode, area: string): number => {
  switch (country) {
    case 'US':
      return 7;
    case 'FR':
      return 8;
    case 'NL':
    case 'ES':
      return 9 - area.length;
    default:
      return 10 - area.length;
  }
};

/** The main line of a company in `city` (or any city of the country). */
export const randomPhone = (rng: Rng, country: CountryCode, area?: string): Phone => {
  const a = area ?? rng.pick(CITIES[country]).area;
  let subscriber = digits(rng, subscriberLength(country, a));
  // Subscriber numbers do not start with 0 or 1 in these plans.
  subscriber = String(rng.int(2, 9)) + subscriber.slice(1);
  return { country, area: a, subscriber };
};

export const areaOf = (address: StreetAddress): string | undefined =>
  CITIES[address.country].find((c) => c.name === address.city && c.region === address.region)?.area;

export const randomTaxId = (rng: Rng, country: CountryCode): string => {
  switch (country) {
    case 'US':
      return `${digits(rng, 2)}-${digits(rng, 7)}`;
    case 'GB':
      return `GB${digits(rng, 9)}`;
    case 'DE':
      return `DE${digits(rng, 9)}`;
    case 'NL':
      return `NL${digits(rng, 9)}B01`;
    case 'FR':
      return `FR${digits(rng, 11)}`;
    case 'ES':
      return `ESB${digits(rng, 8)}`;
  }
};
