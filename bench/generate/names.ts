/**
 * Name pools: people by locale, nicknames, company name parts, legal suffixes, industries and
 * job titles. Data only; the generator picks from these with its seeded Rng.
 */
import type { ContactRole } from '../../functions/shared/canonical';
import type { CountryCode } from './geo';
import type { Weights } from './rng';

export type Locale = 'en_US' | 'en_GB' | 'de' | 'nl' | 'fr' | 'es' | 'it' | 'in' | 'zh' | 'pl';

const words = (s: string): readonly string[] => s.split(',').map((w) => w.trim());

export const FIRST_NAMES: Record<Locale, readonly string[]> = {
  en_US: words(
    'James,Robert,John,Michael,William,David,Richard,Joseph,Thomas,Christopher,Daniel,Matthew,Anthony,Andrew,Steven,Kenneth,' +
      'Timothy,Jonathan,Nicholas,Samuel,Benjamin,Gregory,Charles,Edward,Mary,Patricia,Jennifer,Linda,Elizabeth,Barbara,Susan,' +
      'Jessica,Sarah,Karen,Katherine,Margaret,Rebecca,Deborah,Victoria,Christine,Abigail,Emily,Ashley,Megan,Lauren,Tyler,Brandon,Kayla',
  ),
  en_GB: words(
    'Oliver,George,Harry,Jack,Charlie,Thomas,William,James,Edward,Alexander,Henry,Samuel,Daniel,Matthew,Richard,Robert,' +
      'Christopher,Andrew,Amelia,Olivia,Isla,Emily,Sophie,Charlotte,Jessica,Lucy,Hannah,Eleanor,Katherine,Elizabeth,Victoria,' +
      'Rebecca,Alice,Harriet,Fiona,Siobhan,Rhys,Callum,Niamh,Eilidh',
  ),
  de: words(
    'Johannes,Wolfgang,Katharina,Alexander,Stefanie,Matthias,Franziska,Christian,Andreas,Maximilian,Lukas,Jonas,Felix,Tobias,' +
      'Sebastian,Jürgen,Uwe,Dieter,Klaus,Sabine,Ursula,Anja,Julia,Lena,Laura,Sophie,Anna,Birgit,Monika,Jörg,Björn,Sören,Mareike,' +
      'Friederike,Günther,Heike',
  ),
  nl: words(
    'Johannes,Willem,Pieter,Jacobus,Cornelis,Hendrik,Jan,Daan,Sem,Lucas,Bram,Thijs,Joris,Maarten,Sander,Ruud,Femke,Sanne,Lotte,' +
      'Anouk,Eva,Iris,Marieke,Elisabeth,Anke,Ingrid,Esther,Floor,Fleur,Noor,Mirjam,Wouter,Koen,Bas',
  ),
  fr: words(
    'Jean,Pierre,Nicolas,Alexandre,Guillaume,Frédéric,Christophe,Julien,Thomas,Antoine,Mathieu,Sébastien,François,Olivier,' +
      'Philippe,Laurent,Hugo,Louis,Marie,Catherine,Isabelle,Nathalie,Sophie,Camille,Céline,Hélène,Élodie,Aurélie,Chloé,Léa,Manon,' +
      'Juliette,Margaux,Anaïs,Amélie,Brigitte',
  ),
  es: words(
    'José,Francisco,Alejandro,Guillermo,Javier,Carlos,Manuel,Antonio,David,Daniel,Pablo,Sergio,Jorge,Álvaro,Diego,María,Carmen,' +
      'Lucía,Ana,Laura,Marta,Elena,Cristina,Paula,Sara,Raquel,Beatriz,Inés,Nuria,Pilar,Rocío',
  ),
  it: words(
    'Giuseppe,Giovanni,Antonio,Francesco,Alessandro,Luca,Marco,Matteo,Lorenzo,Andrea,Stefano,Davide,Federico,Giulia,Francesca,' +
      'Chiara,Sara,Valentina,Alessia,Elisa,Martina,Silvia,Elena,Roberta,Paola',
  ),
  in: words(
    'Rahul,Amit,Priya,Anjali,Vikram,Arjun,Rohan,Sanjay,Deepak,Suresh,Ramesh,Aditya,Karthik,Neha,Pooja,Divya,Sneha,Kavya,Ananya,' +
      'Meera,Lakshmi,Raj,Nikhil,Siddharth,Varun',
  ),
  zh: words(
    'Wei,Jing,Li,Min,Hui,Yan,Lei,Jun,Xin,Yu,Hao,Jie,Ling,Mei,Xiaoming,Xiaoyu,Zhiwei,Yiming,Jiahui,Ziyi,Haoran,Yuxuan,Ming,Fang,Tao',
  ),
  pl: words(
    'Piotr,Krzysztof,Tomasz,Paweł,Michał,Marcin,Łukasz,Jakub,Kamil,Mateusz,Anna,Katarzyna,Małgorzata,Agnieszka,Magdalena,Joanna,' +
      'Monika,Aleksandra,Ewa,Zofia',
  ),
};

export const LAST_NAMES: Record<Locale, readonly string[]> = {
  en_US: words(
    'Smith,Johnson,Williams,Brown,Jones,Miller,Davis,Wilson,Anderson,Taylor,Thomas,Moore,Jackson,Martin,Thompson,White,Harris,' +
      "Clark,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,Hill,Green,Adams,Baker,Nelson,Carter,Mitchell,Roberts,Turner," +
      "Phillips,Campbell,Parker,Evans,Edwards,Collins,Stewart,Morris,Murphy,Cook,Rogers,O'Brien,McCarthy,Sullivan,Bennett",
  ),
  en_GB: words(
    'Smith,Jones,Taylor,Brown,Williams,Wilson,Johnson,Davies,Robinson,Wright,Thompson,Evans,Walker,White,Roberts,Green,Hall,Wood,' +
      "Jackson,Clarke,Hughes,Edwards,Lewis,Harrison,Patel,Khan,Ahmed,Murray,MacDonald,Campbell,Stewart,Fletcher,Gallagher,O'Connor," +
      'Pritchard,Whitfield,Ashworth,Holloway,Bradshaw,Fairbairn',
  ),
  de: words(
    'Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,Schulz,Hoffmann,Schäfer,Koch,Bauer,Richter,Klein,Wolf,Schröder,' +
      'Neumann,Schwarz,Zimmermann,Braun,Krüger,Hofmann,Hartmann,Lange,Schmitt,Werner,Krause,Meier,Lehmann,Köhler,Groß,Weiß,Jäger,' +
      'Vogel,Friedrich',
  ),
  nl: words(
    'de Jong,Jansen,de Vries,van den Berg,van Dijk,Bakker,Janssen,Visser,Smit,Meijer,de Boer,Mulder,de Groot,Bos,Vos,Peters,' +
      'Hendriks,van Leeuwen,Dekker,Brouwer,de Wit,Dijkstra,Smits,de Graaf,van der Meer,van der Linden,Kok,Jacobs,de Haan,Vermeulen,' +
      'van den Heuvel,Verhoeven',
  ),
  fr: words(
    'Martin,Bernard,Dubois,Thomas,Robert,Richard,Petit,Durand,Leroy,Moreau,Simon,Laurent,Lefèvre,Michel,Garcia,David,Bertrand,' +
      'Roux,Vincent,Fournier,Morel,Girard,André,Lefebvre,Mercier,Dupont,Lambert,Bonnet,François,Martinez,Legrand,Garnier,Faure,' +
      'Rousseau,Blanc,Guérin,Chevalier',
  ),
  es: words(
    'García,Rodríguez,González,Fernández,López,Martínez,Sánchez,Pérez,Gómez,Martín,Jiménez,Ruiz,Hernández,Díaz,Moreno,Muñoz,' +
      'Álvarez,Romero,Alonso,Gutiérrez,Navarro,Torres,Domínguez,Vázquez,Ramos,Gil,Ramírez,Serrano,Blanco,Molina,Castro,Ortega',
  ),
  it: words(
    'Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,Gallo,Conti,De Luca,Mancini,Costa,Giordano,' +
      'Rizzo,Lombardi,Moretti,Barbieri,Fontana,Santoro,Mariani,Rinaldi',
  ),
  in: words(
    'Sharma,Patel,Singh,Kumar,Gupta,Reddy,Iyer,Nair,Menon,Rao,Joshi,Mehta,Shah,Desai,Kapoor,Malhotra,Chopra,Agarwal,Banerjee,' +
      'Chatterjee,Mukherjee,Pillai,Krishnan,Verma,Bhat',
  ),
  zh: words(
    'Wang,Li,Zhang,Liu,Chen,Yang,Huang,Zhao,Wu,Zhou,Xu,Sun,Ma,Zhu,Hu,Guo,He,Lin,Gao,Luo,Zheng,Liang,Xie,Song,Tang',
  ),
  pl: words(
    'Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,Szymański,Woźniak,Dąbrowski,Kozłowski,' +
      'Jankowski,Mazur,Kwiatkowski,Krawczyk,Piotrowski,Grabowski,Nowakowski,Pawłowski',
  ),
};

/** Who works at a company in each country: mostly locals, plus the usual mix. */
export const LOCALE_MIX: Record<CountryCode, Weights<Locale>> = {
  US: [['en_US', 60], ['es', 8], ['in', 10], ['zh', 8], ['it', 4], ['pl', 3], ['de', 3], ['fr', 2], ['en_GB', 2]],
  GB: [['en_GB', 65], ['in', 10], ['pl', 6], ['fr', 5], ['it', 4], ['es', 3], ['zh', 4], ['de', 3]],
  DE: [['de', 72], ['pl', 8], ['it', 5], ['en_GB', 4], ['fr', 3], ['nl', 3], ['es', 3], ['in', 2]],
  NL: [['nl', 70], ['de', 8], ['en_GB', 6], ['fr', 3], ['in', 5], ['pl', 4], ['es', 2], ['zh', 2]],
  FR: [['fr', 75], ['es', 6], ['it', 6], ['en_GB', 4], ['de', 3], ['nl', 2], ['zh', 2], ['in', 2]],
  ES: [['es', 78], ['fr', 5], ['it', 5], ['en_GB', 5], ['de', 3], ['in', 2], ['zh', 2]],
};

/** Formal first name → what people call themselves on a web form or in an email signature. */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  Robert: ['Bob', 'Rob', 'Bobby'],
  William: ['Bill', 'Will', 'Billy'],
  Katherine: ['Kate', 'Kathy', 'Katie'],
  Catherine: ['Cathy', 'Kate'],
  Elizabeth: ['Liz', 'Beth', 'Eliza'],
  Michael: ['Mike'],
  James: ['Jim', 'Jimmy', 'Jamie'],
  Richard: ['Rick', 'Rich', 'Dick'],
  Thomas: ['Tom', 'Tommy'],
  Jennifer: ['Jen', 'Jenny'],
  Margaret: ['Maggie', 'Peggy', 'Meg'],
  Christopher: ['Chris'],
  Daniel: ['Dan', 'Danny'],
  Matthew: ['Matt'],
  Joseph: ['Joe'],
  Alexander: ['Alex'],
  Patricia: ['Pat', 'Trish'],
  Anthony: ['Tony'],
  Andrew: ['Andy', 'Drew'],
  Edward: ['Ed', 'Ted', 'Eddie'],
  Jonathan: ['Jon'],
  Nicholas: ['Nick'],
  Samuel: ['Sam'],
  Benjamin: ['Ben'],
  Steven: ['Steve'],
  Timothy: ['Tim'],
  Rebecca: ['Becky', 'Becca'],
  Victoria: ['Vicky', 'Tori'],
  Susan: ['Sue', 'Susie'],
  Deborah: ['Deb', 'Debbie'],
  Jessica: ['Jess'],
  Christine: ['Chris', 'Tina'],
  Charles: ['Charlie', 'Chuck'],
  Gregory: ['Greg'],
  Kenneth: ['Ken', 'Kenny'],
  Abigail: ['Abby'],
  Harriet: ['Hattie'],
  Eleanor: ['Ellie', 'Nell'],
  Henry: ['Harry', 'Hal'],
  Oliver: ['Ollie'],
  Johannes: ['Hans', 'Jo'],
  Wolfgang: ['Wolf'],
  Katharina: ['Kathi', 'Katja'],
  Stefanie: ['Steffi'],
  Franziska: ['Franzi'],
  Christian: ['Chris'],
  Andreas: ['Andi'],
  Maximilian: ['Max'],
  Friederike: ['Rike'],
  Willem: ['Wim'],
  Pieter: ['Piet'],
  Jacobus: ['Koos', 'Jaap'],
  Cornelis: ['Kees'],
  Hendrik: ['Henk'],
  Nicolas: ['Nico'],
  Alexandre: ['Alex'],
  Frédéric: ['Fred'],
  Christophe: ['Chris'],
  Francisco: ['Paco'],
  José: ['Pepe'],
  Alejandro: ['Alex'],
  Giuseppe: ['Beppe', 'Peppe'],
  Alessandro: ['Sandro', 'Ale'],
  Francesca: ['Franca'],
  Aleksandra: ['Ola'],
  Małgorzata: ['Gosia'],
  Katarzyna: ['Kasia'],
  Krzysztof: ['Krzysiek'],
  Siddharth: ['Sid'],
};

/** Common names planted on two unrelated people at different companies (a hard negative). */
export const COMMON_NAMES: readonly (readonly [string, string])[] = [
  ['John', 'Smith'],
  ['Michael', 'Johnson'],
  ['David', 'Brown'],
  ['Sarah', 'Williams'],
  ['James', 'Taylor'],
  ['Thomas', 'Müller'],
  ['Jan', 'de Vries'],
  ['Marie', 'Martin'],
  ['María', 'García'],
  ['Wei', 'Wang'],
  ['Priya', 'Sharma'],
  ['Anna', 'Nowak'],
];

// ---- companies -------------------------------------------------------------------------------

export const STEM_PREFIXES = words(
  'North,Blue,Bright,Silver,Iron,Clear,Green,Red,Star,Sun,Oak,Stone,Swift,True,Pine,Cedar,Summit,Apex,Nova,Vertex,Peak,River,' +
    'Lake,Cloud,Quantum,Data,Core,Prime,Terra,Aero,Hyper,Omni,Vita,Echo,Atlas,Polar,Harbor,Beacon,Key,Bold,Open,Deep,High,Ever,' +
    'Golden,Crystal,Granite,Maple,Falcon,Orbit,Signal,Copper,Cobalt,Amber,Arrow,Bridge,Crest,Delta,Elm,Fox,Glen,Hawk,Indigo,Juniper',
);

export const STEM_SUFFIXES = words(
  'wind,path,stone,field,bridge,point,works,ware,logic,gate,line,wave,spring,ridge,forge,light,peak,view,scape,mark,shift,flow,' +
    'base,craft,well,haven,port,star,leaf,way,grid,nest,fold,vale,brook,side,wood,bay,crest,lane',
);

/** Surname-led company names ("Hoffmann & Partner", "Baker Brothers"). */
export const FOUNDER_PATTERNS: Weights<(a: string, b: string) => string> = [
  [(a, b) => `${a} & ${b}`, 3],
  [(a) => `${a} & Partner`, 2],
  [(a) => `${a} Brothers`, 1],
  [(a) => `${a} Group`, 2],
  [(a, b) => `${a} ${b}`, 1],
];

export type SuffixFamily =
  | 'inc'
  | 'corp'
  | 'llc'
  | 'co'
  | 'ltd'
  | 'plc'
  | 'llp'
  | 'gmbh'
  | 'ag'
  | 'kg'
  | 'bv'
  | 'nv'
  | 'sas'
  | 'sa'
  | 'sarl'
  | 'sl';

/**
 * How each legal form is written. The first form is the registered one (the truth); the rest are
 * how people and systems also write it. A leading ", " attaches to the name ("Acme, Inc.").
 */
export const SUFFIX_FORMS: Record<SuffixFamily, readonly string[]> = {
  inc: ['Inc.', 'Inc', ', Inc.', 'Incorporated', ', Inc', 'INC'],
  corp: ['Corp.', 'Corp', 'Corporation', ', Corp.'],
  llc: ['LLC', 'L.L.C.', ', LLC', 'Llc'],
  co: ['Co.', 'Company', '& Co.'],
  ltd: ['Ltd', 'Ltd.', 'Limited', 'LTD'],
  plc: ['plc', 'PLC', 'Public Limited Company'],
  llp: ['LLP', 'L.L.P.'],
  gmbh: ['GmbH', 'GMBH', 'Gmbh', 'G.m.b.H.'],
  ag: ['AG', 'Aktiengesellschaft'],
  kg: ['GmbH & Co. KG', 'GmbH & Co KG', 'GmbH u. Co. KG'],
  bv: ['B.V.', 'BV', 'B.V', 'bv'],
  nv: ['N.V.', 'NV'],
  sas: ['SAS', 'S.A.S.', 'S.A.S'],
  sa: ['SA', 'S.A.'],
  sarl: ['SARL', 'S.A.R.L.', 'Sàrl'],
  sl: ['S.L.', 'SL', 'S.L'],
};

/** A legal form people confuse with this one (the "wrong suffix" variant). */
export const CONFUSED_FAMILY: Record<SuffixFamily, readonly SuffixFamily[]> = {
  inc: ['corp', 'llc'],
  corp: ['inc'],
  llc: ['inc'],
  co: ['inc'],
  ltd: ['plc'],
  plc: ['ltd'],
  llp: ['ltd'],
  gmbh: ['ag'],
  ag: ['gmbh'],
  kg: ['gmbh'],
  bv: ['nv'],
  nv: ['bv'],
  sas: ['sa', 'sarl'],
  sa: ['sas'],
  sarl: ['sas'],
  sl: ['sa'],
};

export const SUFFIXES_BY_COUNTRY: Record<CountryCode, Weights<SuffixFamily>> = {
  US: [['inc', 45], ['llc', 25], ['corp', 20], ['co', 5]],
  GB: [['ltd', 75], ['plc', 15], ['llp', 5]],
  DE: [['gmbh', 70], ['ag', 15], ['kg', 10]],
  NL: [['bv', 85], ['nv', 15]],
  FR: [['sas', 60], ['sa', 25], ['sarl', 15]],
  ES: [['sl', 70], ['sa', 30]],
};

export interface Industry {
  /** The true industry, as an analyst would name it (NetSuite's category uses this). */
  name: string;
  /** Salesforce's standard Industry picklist value. */
  salesforce: string;
  /** HubSpot's industry enumeration value. */
  hubspot: string;
  /** Words that end a company name in this industry ("Summit Logistics"). */
  nouns: readonly string[];
  /** Local-language nouns, where companies there commonly use them. */
  localNouns?: Partial<Record<CountryCode, readonly string[]>>;
}

export const INDUSTRIES: readonly Industry[] = [
  {
    name: 'Software',
    salesforce: 'Technology',
    hubspot: 'COMPUTER_SOFTWARE',
    nouns: words('Software,Systems,Technologies,Labs,Digital,Cloud'),
  },
  {
    name: 'IT Services',
    salesforce: 'Technology',
    hubspot: 'INFORMATION_TECHNOLOGY_AND_SERVICES',
    nouns: words('IT,Solutions,Networks,Data'),
    localNouns: { DE: words('IT-Service,Informatik') },
  },
  {
    name: 'Manufacturing',
    salesforce: 'Manufacturing',
    hubspot: 'MACHINERY',
    nouns: words('Manufacturing,Industries,Components,Machining,Engineering'),
    localNouns: { DE: words('Maschinenbau,Metallbau,Technik'), NL: words('Techniek,Machinebouw'), FR: words('Industries,Mécanique') },
  },
  {
    name: 'Logistics',
    salesforce: 'Transportation',
    hubspot: 'LOGISTICS_AND_SUPPLY_CHAIN',
    nouns: words('Logistics,Freight,Shipping,Transport'),
    localNouns: { DE: words('Logistik,Spedition'), NL: words('Logistiek,Transport'), FR: words('Logistique,Transports'), ES: words('Logística,Transportes') },
  },
  { name: 'Healthcare', salesforce: 'Healthcare', hubspot: 'HOSPITAL_HEALTH_CARE', nouns: words('Health,Medical,Care,Clinics') },
  {
    name: 'Financial Services',
    salesforce: 'Finance',
    hubspot: 'FINANCIAL_SERVICES',
    nouns: words('Capital,Financial,Partners,Payments'),
    localNouns: { DE: words('Finanz,Vermögen') },
  },
  { name: 'Retail', salesforce: 'Retail', hubspot: 'RETAIL', nouns: words('Retail,Goods,Stores,Outfitters') },
  { name: 'Energy', salesforce: 'Energy', hubspot: 'RENEWABLES_ENVIRONMENT', nouns: words('Energy,Power,Solar,Renewables'), localNouns: { DE: words('Energie'), FR: words('Énergie') } },
  { name: 'Construction', salesforce: 'Construction', hubspot: 'CONSTRUCTION', nouns: words('Construction,Builders,Contracting'), localNouns: { DE: words('Bau'), NL: words('Bouw') } },
  { name: 'Education', salesforce: 'Education', hubspot: 'E_LEARNING', nouns: words('Learning,Education,Academy') },
  { name: 'Media', salesforce: 'Media', hubspot: 'MEDIA_PRODUCTION', nouns: words('Media,Studios,Publishing') },
  {
    name: 'Consulting',
    salesforce: 'Consulting',
    hubspot: 'MANAGEMENT_CONSULTING',
    nouns: words('Consulting,Advisors,Associates'),
    localNouns: { DE: words('Beratung,Consulting'), NL: words('Advies'), FR: words('Conseil') },
  },
  { name: 'Telecommunications', salesforce: 'Telecommunications', hubspot: 'TELECOMMUNICATIONS', nouns: words('Telecom,Networks,Communications') },
  { name: 'Food & Beverage', salesforce: 'Food & Beverage', hubspot: 'FOOD_BEVERAGES', nouns: words('Foods,Brewing,Provisions,Kitchens') },
  { name: 'Biotechnology', salesforce: 'Biotechnology', hubspot: 'BIOTECHNOLOGY', nouns: words('Biosciences,Therapeutics,Bio,Genomics') },
  { name: 'Insurance', salesforce: 'Insurance', hubspot: 'INSURANCE', nouns: words('Insurance,Assurance,Underwriters') },
];

// ---- people at work --------------------------------------------------------------------------

export const TITLES: Record<ContactRole, readonly string[]> = {
  executive_sponsor: [
    'Chief Executive Officer',
    'Chief Financial Officer',
    'Chief Operating Officer',
    'Chief Technology Officer',
    'Chief Information Officer',
    'VP of Operations',
    'VP of Engineering',
    'VP of Sales',
    'Managing Director',
    'General Manager',
  ],
  buyer: [
    'Procurement Manager',
    'Head of Procurement',
    'Director of IT',
    'Purchasing Manager',
    'Head of Operations',
    'IT Manager',
    'Finance Director',
    'Vendor Manager',
  ],
  influencer: [
    'Solutions Architect',
    'Senior Engineer',
    'Engineering Manager',
    'Product Manager',
    'Team Lead',
    'Head of Data',
    'Operations Manager',
    'Principal Consultant',
  ],
  user: [
    'Business Analyst',
    'Data Analyst',
    'Operations Specialist',
    'Customer Success Associate',
    'Account Coordinator',
    'Support Specialist',
    'Systems Administrator',
    'Marketing Coordinator',
    'Financial Analyst',
  ],
};

/** Ways the same title gets written ("VP of Sales" / "Vice President, Sales"). */
export const TITLE_REWRITES: readonly (readonly [RegExp, string])[] = [
  [/^Chief Executive Officer$/, 'CEO'],
  [/^Chief Financial Officer$/, 'CFO'],
  [/^Chief Operating Officer$/, 'COO'],
  [/^Chief Technology Officer$/, 'CTO'],
  [/^Chief Information Officer$/, 'CIO'],
  [/^VP of (.+)$/, 'Vice President, $1'],
  [/^VP of (.+)$/, 'VP $1'],
  [/^Director of (.+)$/, '$1 Director'],
  [/^Head of (.+)$/, '$1 Lead'],
  [/^(.+) Manager$/, '$1 Mgr'],
  [/^Senior (.+)$/, 'Sr. $1'],
  [/^Managing Director$/, 'MD'],
  [/^(.+) Analyst$/, '$1 analyst'],
];

export const PERSONAL_EMAIL_DOMAINS = words('gmail.com,outlook.com,yahoo.com,icloud.com,gmx.de,hotmail.co.uk,orange.fr,ziggo.nl');

export const GENERIC_MAILBOXES = words('info,sales,office,contact,admin,hello');
