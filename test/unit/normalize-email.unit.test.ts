import fc from 'fast-check';
import { normalizeEmail, type EmailNormalization } from '../../functions/identity/normalize/email';
import { emailLocalPart, type EmailPattern } from '../../bench/generate/formats';
import { SELLER_DOMAIN } from '../../bench/generate/model';
import { FIRST_NAMES, GENERIC_MAILBOXES, LAST_NAMES, PERSONAL_EMAIL_DOMAINS, type Locale } from '../../bench/generate/names';
import { claimEmail } from '../../bench/generate/render';
import { generateTrueWorld } from '../../bench/generate/true-world';
import { generateWorld } from '../../bench/generate/world';

const valid = (raw: string): Extract<EmailNormalization, { kind: 'valid' }> => {
  const result = normalizeEmail(raw);
  if (result.kind !== 'valid') throw new Error(`expected ${JSON.stringify(raw)} to be valid, got ${result.reason}`);
  return result;
};

describe('normalizeEmail', () => {
  describe('cleaning', () => {
    it('reads a plain address into its parts', () => {
      expect(normalizeEmail('jane.doe@acme.com')).toEqual({
        kind: 'valid',
        address: 'jane.doe@acme.com',
        local: 'jane.doe',
        domain: 'acme.com',
        matchKey: 'jane.doe@acme.com',
        registrableDomain: 'acme.com',
        domainKind: 'company',
        strength: 'personal',
      });
    });

    it.each([
      ' JANE.DOE@ACME.COM ',
      'Jane.Doe@Acme.com',
      'Jane Doe <jane.doe@acme.com>',
      '"Doe, Jane" <Jane.Doe@acme.com>',
      'mailto:jane.doe@acme.com',
      'MAILTO:jane.doe@acme.com?subject=Renewal',
      '<mailto:jane.doe@acme.com>',
      'jane.doe@acme.com (Jane Doe)',
      '"jane.doe@acme.com"',
      'jane.doe@acme.com;',
      'jane.doe@acme.com.',
      'ｊａｎｅ.ｄｏｅ＠ａｃｍｅ.ｃｏｍ',
    ])('reads %j as jane.doe@acme.com', (raw) => {
      expect(valid(raw).address).toBe('jane.doe@acme.com');
    });

    it('keeps the company key as the registrable domain of a mail subdomain', () => {
      expect(valid('jane@mail.acme.co.uk')).toMatchObject({ domain: 'mail.acme.co.uk', registrableDomain: 'acme.co.uk', matchKey: 'jane@mail.acme.co.uk' });
    });

    it('writes an internationalized domain as punycode', () => {
      expect(valid('kontakt@müller-bau.de')).toMatchObject({ domain: 'xn--mller-bau-q9a.de', registrableDomain: 'xn--mller-bau-q9a.de' });
    });
  });

  describe('matchKey', () => {
    it('drops plus-addressing for matching and keeps the original address and tag', () => {
      expect(valid('Jane+Newsletter@Acme.com')).toMatchObject({ address: 'jane+newsletter@acme.com', matchKey: 'jane@acme.com', tag: 'newsletter' });
    });

    it('does not treat a leading plus as a tag', () => {
      expect(valid('+1555@acme.com')).toMatchObject({ matchKey: '+1555@acme.com' });
      expect(valid('+1555@acme.com').tag).toBeUndefined();
    });

    it('drops dots only at Gmail, which ignores them, and folds googlemail.com into gmail.com', () => {
      expect(valid('J.Doe+crm@googlemail.com').matchKey).toBe('jdoe@gmail.com');
      expect(valid('j.doe@gmail.com').matchKey).toBe(valid('jdoe@gmail.com').matchKey);
      // elsewhere j.doe and jdoe may be two people
      expect(valid('j.doe@acme.com').matchKey).not.toBe(valid('jdoe@acme.com').matchKey);
      expect(valid('j.doe@outlook.com').matchKey).toBe('j.doe@outlook.com');
    });

    it('keeps hyphens, which are part of real names rather than a sub-address separator', () => {
      expect(valid('jean-pierre@acme.fr').matchKey).toBe('jean-pierre@acme.fr');
    });
  });

  describe('strength', () => {
    it.each([
      'info', 'sales', 'support', 'admin', 'contact', 'hello', 'office', 'billing', 'accounts', 'finance', 'hr', 'jobs',
      'noreply', 'no-reply', 'do-not-reply', 'team', 'marketing', 'service', 'help', 'enquiries', 'inquiries', 'webmaster',
      'postmaster', 'kontakt', 'vertrieb', 'buchhaltung', 'verkoop', 'facturen', 'compta', 'info2', 'customer.service',
      'sales.emea', 'berlin.office', 'Customer-Care',
    ])('marks the shared mailbox %s@ as a role address', (local) => {
      expect(valid(`${local}@acme.de`).strength).toBe('role');
    });

    it.each(['jane.doe', 'jdoe', 'h.r.giger', 'steve.jobs', 'it.nguyen', 'ap.singh', 'max.mustermann', 'hr.kumar'])(
      'treats %s@ as a personal mailbox',
      (local) => {
        expect(valid(`${local}@acme.com`).strength).toBe('personal');
      },
    );

    it('grades a personal mailbox at a free-mail provider as freemail, with no company evidence', () => {
      expect(valid('jane.doe84@gmx.de')).toMatchObject({ strength: 'freemail', domainKind: 'freemail', registrableDomain: 'gmx.de' });
    });

    it('grades a role mailbox at a free-mail provider as role: it names no person', () => {
      expect(valid('info.acmeplumbing@gmail.com')).toMatchObject({ strength: 'role', domainKind: 'freemail' });
    });

    it('still counts a role address as company evidence', () => {
      expect(valid('info@acme.com')).toMatchObject({ strength: 'role', domainKind: 'company', registrableDomain: 'acme.com' });
    });
  });

  describe('invalid input', () => {
    it.each([
      ['', 'empty'],
      ['  ', 'empty'],
      ['Jane Doe', 'missing-at'],
      ['acme.com', 'missing-at'],
      ['jane@@acme.com', 'malformed'],
      ['jane doe@acme.com', 'malformed'],
      ['jane..doe@acme.com', 'invalid-local-part'],
      ['.jane@acme.com', 'invalid-local-part'],
      ['@acme.com', 'invalid-local-part'],
      [`${'a'.repeat(65)}@acme.com`, 'invalid-local-part'],
      ['jane@', 'invalid-domain'],
      ['jane@acme', 'invalid-domain'],
      ['jane@acme.local', 'invalid-domain'],
      ['jane@[10.0.0.1]', 'invalid-domain'],
      ['jane@acme.com/path', 'invalid-domain'],
    ])('rejects %j (%s)', (raw, reason) => {
      expect(normalizeEmail(raw)).toEqual({ kind: 'invalid', reason });
    });
  });

  describe('properties', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,10}$/);
    const local = fc
      .tuple(word, fc.option(fc.tuple(fc.constantFrom('.', '_', '-'), word), { nil: undefined }), fc.option(word, { nil: undefined }))
      .map(([a, sep, tag]) => `${a}${sep ? sep.join('') : ''}${tag ? `+${tag}` : ''}`);
    const domain = fc.constantFrom('acme.com', 'mail.acme.co.uk', 'gmail.com', 'googlemail.com', 'gmx.de', 'beispiel.de', 'acme.github.io');
    const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);

    it('is idempotent: the normalized address normalizes to itself', () => {
      fc.assert(
        fc.property(address, (a) => {
          const once = valid(a);
          expect(normalizeEmail(once.address)).toEqual(once);
        }),
      );
    });

    it('is idempotent on the match key', () => {
      fc.assert(
        fc.property(address, (a) => {
          const key = valid(a).matchKey;
          expect(valid(key).matchKey).toBe(key);
        }),
      );
    });

    it('ignores case, surrounding whitespace, mailto: and a display name', () => {
      const decorate = fc.record({
        upper: fc.boolean(),
        pad: fc.constantFrom('', ' ', '\t', ' \n '),
        wrap: fc.constantFrom((a: string) => a, (a: string) => `mailto:${a}`, (a: string) => `Jane Doe <${a}>`, (a: string) => `"${a}"`),
      });
      fc.assert(
        fc.property(address, decorate, (a, o) => {
          const written = `${o.pad}${o.wrap(o.upper ? a.toUpperCase() : a)}${o.pad}`;
          expect(normalizeEmail(written)).toEqual(normalizeEmail(a));
        }),
      );
    });

    it('gives one match key for every plus-tag of a mailbox', () => {
      fc.assert(
        fc.property(word, word, domain, (mailbox, tag, d) => {
          expect(valid(`${mailbox}+${tag}@${d}`).matchKey).toBe(valid(`${mailbox}@${d}`).matchKey);
        }),
      );
    });

    it('never throws, and a valid result always re-normalizes to itself', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.emailAddress()), (s) => {
          const once = normalizeEmail(s);
          if (once.kind === 'valid') expect(normalizeEmail(once.address)).toEqual(once);
        }),
      );
    });
  });

  describe('synthetic data from bench/generate', () => {
    const PATTERNS: EmailPattern[] = ['first.last', 'flast', 'firstl', 'first', 'first_last', 'last.first'];
    const locales = Object.keys(FIRST_NAMES) as Locale[];

    it('keeps every generated company address as it is, a personal mailbox at the company domain', () => {
      // given every name of every locale in every company pattern (diacritics folded by the generator)
      const misread: string[] = [];
      for (const locale of locales) {
        for (const [i, first] of FIRST_NAMES[locale].entries()) {
          const last = LAST_NAMES[locale][i % LAST_NAMES[locale].length] ?? '';
          for (const pattern of PATTERNS) {
            const email = `${emailLocalPart(first, last, pattern)}@acme-industries.co.uk`;
            const r = normalizeEmail(email);
            const ok = r.kind === 'valid' && r.address === email && r.matchKey === email && r.strength === 'personal' && r.registrableDomain === 'acme-industries.co.uk';
            if (!ok) misread.push(email);
          }
        }
      }
      // then none is misread (a role word as a first name would show up here)
      expect(misread).toEqual([]);
    });

    it("marks the generator's shared mailboxes as role addresses, also when a system adds a digit", () => {
      const used = new Set<string>();
      for (const mailbox of GENERIC_MAILBOXES) {
        expect(valid(`${mailbox}@acme.de`).strength).toBe('role');
        claimEmail(used, `${mailbox}@acme.de`);
        expect(valid(claimEmail(used, `${mailbox}@acme.de`)).strength).toBe('role');
      }
    });

    it("marks the generator's personal mailbox domains as free mail", () => {
      for (const domain of PERSONAL_EMAIL_DOMAINS) {
        expect(valid(`jane.doe42@${domain}`)).toMatchObject({ strength: 'freemail', domainKind: 'freemail' });
      }
      expect(valid(`jane.doe@${SELLER_DOMAIN}`)).toMatchObject({ strength: 'personal', domainKind: 'company' });
    });

    it("reads every person's email in every system as the true address, a variant, or a shared mailbox, at the right domain", () => {
      // given a generated world and its truth
      const options = { accounts: 60, seed: 23, now: new Date('2025-06-01T12:00:00Z') };
      const world = generateWorld(options);
      const trueWorld = generateTrueWorld({ ...options, now: options.now.getTime() });
      const people = new Map(trueWorld.accounts.flatMap((a) => a.contacts.map((p) => [p.id, { person: p, account: a }] as const)));
      const truth = new Map(world.truth.records.map((r) => [`${r.sourceSystem}/${r.externalId}`, r]));
      const seen = { exact: 0, role: 0 };
      for (const [system, changes] of Object.entries(world.changes)) {
        for (const change of changes) {
          if (change.entityType !== 'person' || change.changeKind !== 'upsert' || change.fields.email === undefined) continue;
          const record = truth.get(`${system}/${change.externalId}`);
          const owner = people.get(record?.trueEntityId ?? '');
          if (!record || !owner) continue;
          // when the recorded address is normalized
          const result = valid(change.fields.email);
          // then it is the true address, or carries the generator's explanation for differing
          if (result.matchKey === valid(owner.person.email).matchKey) seen.exact++;
          else if (record.perturbations.includes('generic-email') && result.strength === 'role') seen.role++;
          else expect(record.perturbations).toContain('email-variant');
          if (result.strength !== 'freemail') expect(result.registrableDomain).toBe(owner.account.domain);
        }
      }
      expect(seen.exact).toBeGreaterThan(100);
      expect(seen.role).toBeGreaterThan(0);
    });
  });
});
