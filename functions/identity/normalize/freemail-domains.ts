/**
 * Mailbox providers whose addresses say nothing about the employer: free-mail services and the
 * mail that ISPs hand their subscribers. Two people at gmail.com are not colleagues, so a matcher
 * must never read these domains as company evidence (domain.ts classifies them as 'freemail').
 *
 * Curated by hand for the markets Concord sells into (US, UK, DACH, Benelux, France, Iberia)
 * plus the large global providers. Entries are registrable domains (what tldts returns as
 * `domain`), lower-case and ASCII.
 */

/** Registrable domains that are free-mail or ISP mail. */
export const FREEMAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Google, Microsoft, Apple, Yahoo/AOL (the global majority)
  'gmail.com', 'googlemail.com',
  'hotmail.com', 'outlook.com', 'live.com', 'msn.com', 'windowslive.com', 'passport.com',
  'icloud.com', 'me.com', 'mac.com',
  'yahoo.com', 'ymail.com', 'rocketmail.com', 'aol.com', 'aim.com',
  // Privacy-oriented and independent providers
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me', 'tutanota.com', 'tutanota.de', 'tuta.io', 'tuta.com',
  'fastmail.com', 'fastmail.fm', 'hey.com', 'zohomail.com', 'hushmail.com', 'mailfence.com', 'posteo.de', 'posteo.net',
  'mailbox.org', 'mail.com', 'email.com', 'usa.com', 'post.com', 'inbox.com', 'lycos.com', 'excite.com',
  // US ISPs
  'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net', 'earthlink.net',
  'optonline.net', 'juno.com', 'netzero.net', 'windstream.net', 'centurylink.net', 'roadrunner.com',
  // Germany, Austria, Switzerland
  'gmx.de', 'gmx.net', 'gmx.com', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de', 'arcor.de', 'online.de',
  '1und1.de', 'email.de', 'kabelmail.de', 'vodafone.de', 'aon.at', 'chello.at', 'bluewin.ch', 'hispeed.ch', 'sunrise.ch',
  // France
  'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'neuf.fr', 'bbox.fr', 'numericable.fr', 'club-internet.fr',
  'aliceadsl.fr', 'cegetel.net', 'noos.fr',
  // Netherlands, Belgium
  'ziggo.nl', 'kpnmail.nl', 'kpnplanet.nl', 'hetnet.nl', 'planet.nl', 'home.nl', 'xs4all.nl', 'casema.nl', 'chello.nl',
  'upcmail.nl', 'quicknet.nl', 'telfort.nl', 'tele2.nl', 'zonnet.nl', 'skynet.be', 'telenet.be', 'pandora.be',
  // United Kingdom, Ireland
  'btinternet.com', 'btopenworld.com', 'sky.com', 'virginmedia.com', 'ntlworld.com', 'blueyonder.co.uk', 'talktalk.net',
  'tiscali.co.uk', 'eircom.net',
  // Spain, Italy, Portugal
  'telefonica.net', 'movistar.es', 'terra.es', 'libero.it', 'virgilio.it', 'alice.it', 'tin.it', 'tiscali.it', 'sapo.pt',
  // Nordics, Poland, Czechia
  'online.no', 'wp.pl', 'o2.pl', 'interia.pl', 'onet.pl', 'op.pl', 'seznam.cz', 'centrum.cz',
  // Russia and neighbours
  'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'ya.ru', 'rambler.ru', 'ukr.net',
  // Asia, Latin America
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com', '139.com',
  'naver.com', 'daum.net', 'hanmail.net', 'rediffmail.com', 'bol.com.br', 'uol.com.br',
]);

/**
 * Brands that run the same free-mail service under many country domains (yahoo.co.uk,
 * hotmail.fr, outlook.de, live.nl, gmx.at, yandex.ru, aol.de). Listing every country variant
 * would always lag, so domain.ts treats `<brand>.<country code>` and `<brand>.com/.net` as
 * free mail. Only brands whose every such registration belongs to the provider are here:
 * 'web' (web.de) or 'mail' (mail.ru) are not, because web.<cc> and mail.<cc> are other companies.
 */
export const FREEMAIL_BRANDS: ReadonlySet<string> = new Set(['yahoo', 'hotmail', 'outlook', 'live', 'yandex', 'gmx', 'aol']);
