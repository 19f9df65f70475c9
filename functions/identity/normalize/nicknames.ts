/**
 * Given names and what people are called instead: a curated table for matching first names.
 * Data only; person-name.ts builds its lookup from it.
 *
 * Each group is one formal name: the canonical spelling first, then other spellings of the SAME
 * name (Katherine, Catherine, Kathryn), then its diminutives. Translations stay separate groups
 * (Johannes is not John, José is not Joseph): people rarely translate their own name, and merging
 * them would make 'Jan de Vries' and 'John de Vries' the same first name.
 *
 * A diminutive listed in more than one group is AMBIGUOUS and is never resolved to one canonical
 * name; firstNameCandidates() returns every group it belongs to. The ambiguous ones, on purpose:
 * al, ale, alex, bert, charlie, chris, chrissy, ellie, fran, fred, freddie, hal, harry, jan, jo,
 * jon, lou, max, meg, mel, nat, nate, nell, nellie, nicky, pat, rike, sam, sammy, sandy, ted,
 * teddy, tina, ulli, willy (a test keeps this list true).
 *
 * Left out, because the short form is mostly a given name of its own or points too many ways:
 * jack (John), jackie, kim, kit, terry → Theresa, jerry, sandra, liam, klaus (Nikolaus), jens,
 * lotte and sanne (Dutch given names), lena, hanna, greta, leo, flo, toni, enzo, dani, jessie.
 * 'ed' and 'eddie' resolve to Edward only: Edwin and Edmund are rare enough in the target locales.
 *
 * All entries are written folded (lower case, no diacritics): 'jose' for José, 'malgorzata'.
 */

export interface GivenNameGroup {
  /** The spelling every member resolves to. */
  readonly canonical: string;
  /** Other spellings of the same formal name. */
  readonly spellings: readonly string[];
  readonly diminutives: readonly string[];
}

const list = (s: string): string[] => s.split(' ').filter((w) => w !== '');

/** `names`: the canonical spelling, then other spellings; `diminutives`: space-separated. */
const group = (names: string, diminutives = ''): GivenNameGroup => {
  const [canonical = '', ...spellings] = list(names);
  return { canonical, spellings, diminutives: list(diminutives) };
};

export const GIVEN_NAME_GROUPS: readonly GivenNameGroup[] = [
  // ---- English ----------------------------------------------------------------------------------
  group('robert', 'bob bobby bobbie rob robbie robby bert'),
  group('albert', 'al bert bertie'),
  group('herbert', 'herb herbie bert'),
  group('alfred', 'alf alfie al fred freddie'),
  group('alan allan allen', 'al'),
  group('william', 'bill billy will willie willy'),
  group('katherine catherine kathryn katharine catharine kathrine cathryn', 'kate katie katy kathy cathy kat kitty'),
  group('elizabeth elisabeth', 'liz lizzie lizzy beth betty betsy bess bessie eliza libby lisbeth liesbeth lies els'),
  group('michael', 'mike mikey mick mickey micky'),
  group('james', 'jim jimmy jamie jem'),
  group('john', 'johnny jon'),
  group('jonathan', 'jon jonny jonnie'),
  group('richard', 'rick ricky rich richie dick dickie'),
  group('thomas', 'tom tommy thom'),
  group('jennifer', 'jen jenny jenn jennie'),
  group('margaret', 'maggie peggy meg madge'),
  group('megan meghan', 'meg'),
  group('christopher', 'chris topher'),
  group('christine', 'chris chrissy tina'),
  group('christina', 'chris chrissy tina'),
  group('christian', 'chris'),
  group('martina', 'tina'),
  group('daniel', 'dan danny'),
  group('matthew', 'matt matty'),
  group('joseph', 'joe joey'),
  group('alexander', 'alex alec sandy'),
  group('alexandra', 'alex sandy lexi'),
  group('patricia', 'pat patty patti trish tricia trisha'),
  group('patrick', 'pat paddy'),
  group('anthony antony', 'tony'),
  group('andrew', 'andy drew'),
  group('edward', 'ed eddie eddy ted teddy ned'),
  group('theodore', 'theo ted teddy'),
  group('nicholas nicolas nickolas', 'nick nicky nico'),
  group('nicole', 'nicky nikki'),
  group('samuel', 'sam sammy'),
  group('samantha', 'sam sammy'),
  group('benjamin', 'ben benny benji'),
  group('steven stephen', 'steve stevie'),
  group('stephanie stefanie', 'steph steffi'),
  group('timothy', 'tim timmy'),
  group('rebecca', 'becky becca bex'),
  group('victoria', 'vicky vicki vickie tori'),
  group('susan', 'sue susie suzy'),
  group('deborah debra', 'deb debbie debby'),
  group('jessica', 'jess'),
  group('charles', 'charlie chuck chas chaz'),
  group('charlotte', 'charlie lottie'),
  group('gregory', 'greg gregg'),
  group('kenneth', 'ken kenny'),
  group('abigail', 'abby abbie'),
  group('harriet', 'hattie hatty'),
  group('eleanor elinor', 'ellie nell nellie'),
  group('ellen', 'ellie nell'),
  group('helen', 'nell nellie'),
  group('henry', 'harry hal hank'),
  group('harold', 'harry hal'),
  group('oliver', 'ollie olly'),
  group('olivia', 'liv livvy'),
  group('dorothy', 'dot dottie dolly'),
  group('frederick frederic frederik', 'fred freddie freddy'),
  group('gerald', 'gerry'),
  group('lawrence laurence', 'larry'),
  group('leonard', 'len lenny'),
  group('raymond', 'ray'),
  group('ronald', 'ron ronnie'),
  group('donald', 'don donnie'),
  group('douglas', 'doug'),
  group('frances', 'fran frannie'),
  group('francis', 'frank fran'),
  group('gabriel', 'gabe'),
  group('jacob jakob', 'jake'),
  group('joshua', 'josh'),
  group('zachary', 'zach zack zak'),
  group('nathaniel', 'nat nate'),
  group('nathan', 'nate'),
  group('natalie nathalie', 'nat'),
  group('vincent', 'vince vinny'),
  group('walter', 'walt wally'),
  group('peter', 'pete'),
  group('philip phillip', 'phil pip'),
  group('ernest', 'ernie'),
  group('eugene', 'gene'),
  group('arthur', 'art artie'),
  group('louis lewis', 'lou'),
  group('louise', 'lou lulu'),
  group('jacqueline', 'jacqui'),
  group('cynthia', 'cindy'),
  group('pamela', 'pam'),
  group('barbara', 'barb babs barbie barbel'),
  group('virginia', 'ginny'),
  group('penelope', 'penny'),
  group('theresa teresa', 'tess tessie resi'),
  group('jeffrey geoffrey jeffery', 'jeff geoff'),
  group('howard', 'howie'),
  group('mitchell', 'mitch'),
  group('russell', 'russ'),
  group('stanley', 'stan'),
  group('terence terrence', 'terry'),
  group('amanda', 'mandy'),
  group('melissa', 'mel missy'),
  group('melanie', 'mel'),
  group('isabella isabel isabelle', 'izzy'),
  group('josephine', 'jo josie'),
  group('joanna', 'jo asia'),
  group('johanna', 'jo'),
  group('janet', 'jan'),

  // ---- German and Dutch ---------------------------------------------------------------------------
  group('johannes johann', 'hans hannes jo jan joop'),
  group('wolfgang', 'wolf wolfi'),
  group('katharina katarina', 'kathi kati katja'),
  group('franziska', 'franzi'),
  group('maximilian', 'max maxi'),
  group('friederike', 'rike'),
  group('ulrike', 'rike ulli'),
  group('ulrich', 'ulli uli'),
  group('andreas', 'andi'),
  group('willem', 'wim pim'),
  group('wilhelm', 'willi willy'),
  group('pieter', 'piet'),
  group('jacobus', 'koos jaap sjaak'),
  group('cornelis', 'kees cees'),
  group('hendrik', 'henk'),
  group('heinrich', 'heinz heini'),
  group('josef jozef', 'sepp seppl jupp'),
  group('sebastian', 'basti'),
  group('tobias', 'tobi toby'),
  group('gabriele gabriela', 'gabi gaby'),
  group('ursula', 'uschi ulla'),
  group('dorothea', 'doro'),
  group('bernhard bernard', 'bernie'),
  group('susanne suzanne', 'susi'),
  group('margarete margarethe', 'grete gretel gretchen'),

  // ---- French ----------------------------------------------------------------------------------------
  group('alexandre', 'alex'),
  group('christophe', 'chris'),
  group('maxime', 'max'),
  group('maxwell', 'max'),
  group('emmanuel', 'manu'),

  // ---- Spanish, Italian, Polish, Indian (the synthetic world's other locales) ------------------------
  group('jose', 'pepe pepito'),
  group('francisco', 'paco pancho curro'),
  group('alejandro', 'alex ale jandro'),
  group('ignacio', 'nacho'),
  group('enrique', 'quique kike'),
  group('rafael', 'rafa'),
  group('manuel', 'manolo'),
  group('giuseppe', 'beppe peppe peppino'),
  group('giovanni', 'gianni'),
  group('alessandro', 'sandro ale'),
  group('francesca', 'franca'),
  group('aleksandra', 'ola'),
  group('aleksander', 'olek'),
  group('malgorzata', 'gosia malgosia'),
  group('katarzyna', 'kasia'),
  group('krzysztof', 'krzysiek'),
  group('jakub', 'kuba'),
  group('agnieszka', 'aga'),
  group('magdalena', 'magda'),
  group('zofia', 'zosia'),
  group('anna', 'ania'),
  group('wojciech', 'wojtek'),
  group('tomasz', 'tomek'),
  group('piotr', 'piotrek'),
  group('siddharth', 'sid'),
];
