import fc from 'fast-check';
import { normalizeDomain, type DomainNormalization } from '../../functions/identity/normalize/domain';
import { FREEMAIL_DOMAINS } from '../../functions/identity/normalize/freemail-domains';
import { domainLabel, formatWebsite, type WebsiteStyle } from '../../bench/generate/formats';
import { TOP_LEVEL_DOMAINS } from '../../bench/generate/geo';
import { SELLER_DOMAIN } from '../../bench/generate/model';
import { FOUNDER_PATTERNS, LAST_NAMES, PERSONAL_EMAIL_DOMAINS, STEM_PREFIXES, STEM_SUFFIXES } from '../../bench/generate/names';
import { generateTrueWorld } from '../../bench/generate/true-world';
import { generateWorld } from '../../bench/generate/world';

const company = (registrableDomain: string, hostname = registrableDomain, hosted = false): DomainNormalization => ({
  kind: 'company',
  registrableDomain,
  hostname,
  hosted,
});

describe('normalizeDomain', () => {
  describe('company domains', () => {
    it.each([
      ['https://www.shop.acme.co.uk/path', company('acme.co.uk', 'shop.acme.co.uk')],
      ['acme.com', company('acme.com')],
      ['  ACME.COM.  ', company('acme.com')],
      ['www.acme.de', company('acme.de')],
      ['http://www.acme.nl/', company('acme.nl')],
      ['https://acme.fr/contact?utm_source=x#team', company('acme.fr')],
      ['http://user:secret@acme.es:8080/x', company('acme.es')],
      ['jane.doe@mail.acme.com', company('acme.com', 'mail.acme.com')],
      ['mailto:jane@acme.io', company('acme.io')],
      ['www.www.acme.com', company('acme.com')],
    ])('reads %j as its registrable domain', (raw, expected) => {
      expect(normalizeDomain(raw)).toEqual(expected);
    });

    it('writes internationalized domains as punycode, so Unicode and ASCII spellings agree', () => {
      // given a system that stores Unicode and one that stores the DNS form
      expect(normalizeDomain('https://www.müller-bau.de')).toEqual(company('xn--mller-bau-q9a.de'));
      expect(normalizeDomain('xn--mller-bau-q9a.de')).toEqual(normalizeDomain('MÜLLER-BAU.DE'));
    });

    it('reads the same IDN the same way on the ten-thousandth call as on the first', () => {
      // Node 20's URL.canParse fast path starts rejecting valid Latin-1 input once optimized
      const reads = new Set(Array.from({ length: 10_000 }, () => JSON.stringify(normalizeDomain('https://www.müller-bau.de'))));
      expect([...reads]).toEqual([JSON.stringify(company('xn--mller-bau-q9a.de'))]);
    });

    it('keeps the tenant of a hosting platform as its own domain (private public suffixes)', () => {
      // acme.github.io and beta.github.io belong to different owners; github.io is no company key
      expect(normalizeDomain('https://acme.github.io/docs')).toEqual(company('acme.github.io', 'acme.github.io', true));
      expect(normalizeDomain('acme-prod.herokuapp.com')).toEqual(company('acme-prod.herokuapp.com', 'acme-prod.herokuapp.com', true));
      expect(normalizeDomain('https://jane123.wixsite.com/acme')).toEqual(company('jane123.wixsite.com', 'jane123.wixsite.com', true));
    });
  });

  describe('free mail', () => {
    it('holds a curated list of at least 80 providers', () => {
      expect(FREEMAIL_DOMAINS.size).toBeGreaterThanOrEqual(80);
    });

    it('classifies every listed provider as free mail, never as a company', () => {
      for (const domain of FREEMAIL_DOMAINS) expect(normalizeDomain(domain)).toMatchObject({ kind: 'freemail', registrableDomain: domain });
    });

    it.each(['yahoo.co.uk', 'yahoo.de', 'hotmail.fr', 'outlook.de', 'live.nl', 'yandex.ru', 'gmx.at', 'aol.de', 'yahoo.com.br'])(
      'treats the country variant %s of a multi-country provider as free mail',
      (domain) => {
        expect(normalizeDomain(domain)).toMatchObject({ kind: 'freemail', registrableDomain: domain });
      },
    );

    it('does not extend a brand to generic top-level domains it does not own', () => {
      expect(normalizeDomain('live.shop')).toEqual(company('live.shop'));
    });

    it('reads an email address at a provider as free mail', () => {
      expect(normalizeDomain('Jane.Doe@Gmail.com')).toEqual({ kind: 'freemail', registrableDomain: 'gmail.com', hostname: 'gmail.com' });
    });
  });

  describe('platform profile pages', () => {
    it('marks a profile URL on a social platform as no company evidence', () => {
      expect(normalizeDomain('https://www.linkedin.com/company/acme')).toEqual({
        kind: 'platform',
        registrableDomain: 'linkedin.com',
        hostname: 'linkedin.com',
      });
      expect(normalizeDomain('facebook.com/acmeplumbing')).toMatchObject({ kind: 'platform' });
    });

    it("keeps the platform's own domain as a company when no path names a profile", () => {
      expect(normalizeDomain('https://www.linkedin.com/')).toEqual(company('linkedin.com'));
      expect(normalizeDomain('recruiter@linkedin.com')).toEqual(company('linkedin.com'));
    });
  });

  describe('invalid input', () => {
    it.each([
      ['', 'empty'],
      ['   ', 'empty'],
      ['acme .com', 'malformed'],
      ['https://', 'malformed'],
      ['.acme.com', 'malformed'],
      ['acme..com', 'malformed'],
      ['-', 'malformed'],
      ['jane@', 'malformed'],
      ['192.168.1.10', 'ip-address'],
      ['http://[2001:db8::1]/', 'ip-address'],
      ['acme.local', 'unknown-suffix'],
      ['intranet', 'unknown-suffix'],
      ['n/a', 'unknown-suffix'],
      ['co.uk', 'public-suffix-only'],
      ['github.io', 'public-suffix-only'],
    ])('rejects %j (%s)', (raw, reason) => {
      expect(normalizeDomain(raw)).toEqual({ kind: 'invalid', reason });
    });
  });

  describe('properties', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/);
    const suffix = fc.constantFrom('com', 'co.uk', 'de', 'nl', 'fr', 'es', 'io', 'co', 'com.au', 'org', 'net');
    // Left out: profile paths on platforms (x.com/acme), which are meant to read differently from
    // the bare host, and private public suffixes (za.com, uk.com), which are no domain of their own.
    const domain = fc
      .tuple(label, suffix)
      .map(([l, s]) => `${l}.${s}`)
      .filter((d) => normalizeDomain(`${d}/profile`).kind !== 'platform' && normalizeDomain(d).kind !== 'invalid');
    const subdomain = fc.option(fc.constantFrom('www', 'shop', 'eu.app', 'mail'), { nil: undefined });
    const decorate = fc.record({
      scheme: fc.constantFrom('', 'http://', 'https://', 'HTTPS://', '//'),
      path: fc.constantFrom('', '/', '/about', '/de/kontakt?x=1', '?utm=1', '#top'),
      port: fc.constantFrom('', ':443', ':8080'),
      upper: fc.boolean(),
      pad: fc.constantFrom('', ' ', '\t', '  \n'),
      trailingDot: fc.boolean(),
    });

    it('is idempotent: the normalized hostname and registrable domain normalize to themselves', () => {
      fc.assert(
        fc.property(domain, subdomain, (d, sub) => {
          const once = normalizeDomain(sub ? `${sub}.${d}` : d);
          if (once.kind !== 'company' && once.kind !== 'freemail') return;
          expect(normalizeDomain(once.hostname)).toEqual(once);
          expect(normalizeDomain(once.registrableDomain)).toMatchObject({ kind: once.kind, registrableDomain: once.registrableDomain });
        }),
      );
    });

    it('ignores scheme, case, whitespace, port, path, query and a trailing dot', () => {
      fc.assert(
        fc.property(domain, decorate, (d, o) => {
          const host = `www.${d}${o.trailingDot ? '.' : ''}`;
          const written = `${o.pad}${o.scheme}${host}${o.port}${o.path}${o.pad}`;
          expect(normalizeDomain(o.upper ? written.toUpperCase() : written)).toEqual(normalizeDomain(d));
        }),
      );
    });

    it('never throws, whatever it is given', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), (s) => {
          expect(['company', 'freemail', 'platform', 'invalid']).toContain(normalizeDomain(s).kind);
        }),
      );
    });
  });

  describe('synthetic data from bench/generate', () => {
    const STYLES: WebsiteStyle[] = ['https-www', 'http-www', 'https', 'www', 'bare', 'https-www-slash'];
    const tlds = Object.values(TOP_LEVEL_DOMAINS).flatMap((weights) => weights.map(([tld]) => tld));
    // Company-name stems ("Northwind") and surname-led names with umlauts and particles ("Müller & Partner").
    const stems = STEM_PREFIXES.map((p, i) => domainLabel(p + (STEM_SUFFIXES[i % STEM_SUFFIXES.length] ?? '')));
    const founders = LAST_NAMES.de.concat(LAST_NAMES.nl, LAST_NAMES.fr).map((n) => domainLabel(FOUNDER_PATTERNS[0]![0](n, 'Partner')));

    it('reads every website style of every generated company domain as that domain', () => {
      for (const tld of new Set(tlds)) {
        for (const l of [...stems, ...founders]) {
          const domain = `${l}.${tld}`;
          const read = STYLES.map((style) => normalizeDomain(formatWebsite(domain, style)));
          expect(read).toEqual(STYLES.map(() => company(domain)));
        }
      }
    });

    it("reads the seller's own domain and the personal mailbox domains the generator uses", () => {
      expect(normalizeDomain(SELLER_DOMAIN)).toEqual(company(SELLER_DOMAIN));
      for (const d of PERSONAL_EMAIL_DOMAINS) expect(normalizeDomain(d)).toMatchObject({ kind: 'freemail', registrableDomain: d });
    });

    it("reads every account's website and domain field, in every system, as the true company domain", () => {
      // given a generated world and its truth; when each account record's web fields are normalized
      const options = { accounts: 60, seed: 17, now: new Date('2025-06-01T12:00:00Z') };
      const world = generateWorld(options);
      const accounts = new Map(generateTrueWorld({ ...options, now: options.now.getTime() }).accounts.map((a) => [a.id, a]));
      const trueIds = new Map(world.truth.records.map((r) => [`${r.sourceSystem}/${r.externalId}`, r.trueEntityId]));
      let checked = 0;
      for (const [system, changes] of Object.entries(world.changes)) {
        for (const change of changes) {
          if (change.entityType !== 'account' || change.changeKind !== 'upsert') continue;
          const account = accounts.get(trueIds.get(`${system}/${change.externalId}`) ?? '');
          if (!account) continue;
          for (const value of [change.fields.website, change.fields.domain]) {
            if (value === undefined) continue;
            // then each one is the account's registrable domain
            expect(normalizeDomain(value)).toMatchObject({ kind: 'company', registrableDomain: account.domain });
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
    });
  });
});
