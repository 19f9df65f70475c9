import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { identifyingHashes, isErased, tombstoneHashes, TOMBSTONE_DOMAIN } from '../../../functions/identity/erasure';
import { normalizeEmail } from '../../../functions/identity/normalize/email';
import { normalizePhone } from '../../../functions/identity/normalize/phone';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// ---- generators ---------------------------------------------------------------------------------

const word = fc.stringMatching(/^[a-z][a-z0-9]{2,9}$/);
const domain = fc.constantFrom('acme.com', 'mail.acme.co.uk', 'gmail.com', 'beispiel.de', 'example.org');
/** Personal mailboxes in 'first.last' and 'firstlast' shapes (a role word such as 'post.x' is left out). */
const mailbox = fc.tuple(word, fc.constantFrom('.', '_', ''), word).map(([a, sep, b]) => `${a}${sep}${b}`);
const email = fc
  .tuple(mailbox, domain)
  .map(([m, d]) => `${m}@${d}`)
  .filter((e) => {
    const n = normalizeEmail(e);
    return n.kind === 'valid' && n.strength !== 'role';
  });
const matchKeyOf = (e: string) => (normalizeEmail(e) as { matchKey: string }).matchKey;

/** How systems write one address: case, padding, mailto:, a display name, a plus-tag. */
const emailVariant = (address: string) =>
  fc.record({ upper: fc.boolean(), pad: fc.constantFrom('', ' ', '\t '), wrap: fc.constantFrom('plain', 'mailto', 'named'), tag: fc.option(word, { nil: undefined }) }).map((o) => {
    const [local, host] = address.split('@') as [string, string];
    const tagged = o.tag === undefined ? address : `${local}+${o.tag}@${host}`;
    const cased = o.upper ? tagged.toUpperCase() : tagged;
    const wrapped = o.wrap === 'mailto' ? `mailto:${cased}` : o.wrap === 'named' ? `Jane Doe <${cased}>` : cased;
    return `${o.pad}${wrapped}${o.pad}`;
  });

/** North American numbers: area code and exchange start 2–9; the line avoids placeholder runs. */
const usNumber = fc
  .tuple(fc.integer({ min: 200, max: 989 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }))
  .map(([area, exchange, line]) => ({ area: String(area), exchange: String(exchange), line: String(line).padStart(4, '0') }))
  .filter(({ area, exchange, line }) => normalizePhone(`+1${area}${exchange}${line}`).kind === 'valid');

const usFormats = [
  (n: { area: string; exchange: string; line: string }) => `+1 ${n.area} ${n.exchange} ${n.line}`,
  (n: { area: string; exchange: string; line: string }) => `(${n.area}) ${n.exchange}-${n.line}`,
  (n: { area: string; exchange: string; line: string }) => `${n.area}.${n.exchange}.${n.line}`,
  (n: { area: string; exchange: string; line: string }) => `1-${n.area}-${n.exchange}-${n.line}`,
  (n: { area: string; exchange: string; line: string }) => `+1${n.area}${n.exchange}${n.line}`,
  (n: { area: string; exchange: string; line: string }) => `001 ${n.area} ${n.exchange} ${n.line}`,
];

// ---- tombstoneHashes ----------------------------------------------------------------------------

describe('tombstoneHashes', () => {
  it('hashes the normalized email and phone behind the domain-separation prefix', () => {
    // given a person as a CRM holds them
    const hashes = tombstoneHashes({ firstName: 'Jane', email: 'Jane.Doe+news@ACME.com', phone: '(415) 555-0134' });
    // then exactly the normalized values are hashed, with the kind in the hashed text
    expect(hashes).toEqual([sha256(`${TOMBSTONE_DOMAIN}\0email\0jane.doe@acme.com`), sha256(`${TOMBSTONE_DOMAIN}\0phone\0+14155550134`)].sort());
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a phone extension, so a direct line is not its switchboard', () => {
    const [direct] = tombstoneHashes({ phone: '+1 415 555 0134 ext. 12' });
    const [switchboard] = tombstoneHashes({ phone: '+1 415 555 0134' });
    expect(direct).toBe(sha256(`${TOMBSTONE_DOMAIN}\0phone\0+14155550134;ext=12`));
    expect(direct).not.toBe(switchboard);
  });

  it('reads national numbers in the record’s country, from canonical fields or a match input', () => {
    const international = tombstoneHashes({ phone: '+44 20 7946 0958' });
    expect(tombstoneHashes({ phone: '020 7946 0958', address: { country: 'United Kingdom' } })).toEqual(international);
    expect(tombstoneHashes({ phone: '020 7946 0958', country: 'GB' })).toEqual(international);
  });

  it('leaves out what identifies nobody: names, invalid addresses, placeholder numbers, blanks', () => {
    expect(tombstoneHashes({ firstName: 'Jane', lastName: 'Doe', email: 'jane at acme', phone: '000-000-0000' })).toEqual([]);
    expect(tombstoneHashes({ email: '  ', phone: '' })).toEqual([]);
    expect(tombstoneHashes({})).toEqual([]);
  });

  it('takes several values of a field, in any order, without repeats', () => {
    const both = tombstoneHashes({ email: ['a.person@acme.com', 'A.Person@acme.com', 'other.person@acme.com'] });
    expect(both).toHaveLength(2);
    expect(tombstoneHashes({ email: ['other.person@acme.com', 'a.person@acme.com'] })).toEqual(both);
  });

  describe('properties', () => {
    it('is deterministic', () => {
      fc.assert(fc.property(email, usNumber, (e, n) => expect(tombstoneHashes({ email: e, phone: `+1${n.area}${n.exchange}${n.line}` })).toEqual(tombstoneHashes({ email: e, phone: `+1${n.area}${n.exchange}${n.line}` }))));
    });

    it('gives every way of writing one email the same hash', () => {
      fc.assert(
        fc.property(
          email.chain((e) => fc.tuple(fc.constant(e), emailVariant(e))),
          ([e, written]) => {
            expect(tombstoneHashes({ email: written })).toEqual(tombstoneHashes({ email: e }));
            expect(tombstoneHashes({ email: e })).toHaveLength(1);
          },
        ),
      );
    });

    it('gives every way of writing one phone number the same hash', () => {
      fc.assert(
        fc.property(usNumber, fc.constantFrom(...usFormats), fc.constantFrom(...usFormats), (n, f, g) => {
          const a = tombstoneHashes({ phone: f(n) });
          expect(a).toHaveLength(1);
          expect(tombstoneHashes({ phone: g(n), address: { country: 'US' } })).toEqual(a);
        }),
      );
    });

    it('gives different mailboxes different hashes', () => {
      fc.assert(
        fc.property(email, email, (a, b) => {
          const same = matchKeyOf(a) === matchKeyOf(b);
          expect(tombstoneHashes({ email: a })[0] === tombstoneHashes({ email: b })[0]).toBe(same);
        }),
      );
    });

    it('gives different numbers different hashes', () => {
      fc.assert(
        fc.property(usNumber, usNumber, (n, m) => {
          const [a, b] = [`+1${n.area}${n.exchange}${n.line}`, `+1${m.area}${m.exchange}${m.line}`];
          expect(tombstoneHashes({ phone: a })[0] === tombstoneHashes({ phone: b })[0]).toBe(a === b);
        }),
      );
    });

    it('never holds the value itself', () => {
      fc.assert(
        fc.property(email, (e) => {
          for (const h of tombstoneHashes({ email: e })) {
            expect(h).not.toContain(e);
            expect(h).toMatch(/^[0-9a-f]{64}$/);
          }
        }),
      );
    });
  });
});

// ---- isErased -----------------------------------------------------------------------------------

describe('isErased', () => {
  // given a person erased with a personal mailbox, a role mailbox they answered and a switchboard number
  const tombstones = new Set([...tombstoneHashes({ email: 'jane.doe@acme.com', phone: '+1 415 555 0100' }), ...tombstoneHashes({ email: 'sales@acme.com' })]);

  it('refuses a record with the erased personal email, however it is written', () => {
    expect(isErased({ email: 'JANE.DOE+crm@acme.com', firstName: 'J.' }, tombstones)).toBe(true);
  });

  it('refuses a record whose personal email is erased even when it also holds another one', () => {
    expect(isErased({ email: ['jane.doe@acme.com', 'jane@home.example'] }, tombstones)).toBe(true);
  });

  it('refuses a record that holds only the erased phone: nothing tells it apart', () => {
    expect(isErased({ phone: '(415) 555-0100', lastName: 'Doe' }, tombstones)).toBe(true);
  });

  it('lets a colleague through who shares the switchboard but writes from their own mailbox', () => {
    expect(isErased({ email: 'john.roe@acme.com', phone: '+1 415 555 0100' }, tombstones)).toBe(false);
  });

  it('lets a colleague through who answers the same role mailbox from their own address', () => {
    expect(isErased({ email: ['sales@acme.com', 'john.roe@acme.com'] }, tombstones)).toBe(false);
    expect(isErased({ email: 'sales@acme.com' }, tombstones)).toBe(true);
  });

  it('lets through a record with no erased value, and one with nothing identifying', () => {
    expect(isErased({ email: 'john.roe@acme.com', phone: '+1 415 555 0199' }, tombstones)).toBe(false);
    expect(isErased({ firstName: 'Jane', lastName: 'Doe' }, tombstones)).toBe(false);
    expect(isErased({ email: 'jane.doe@acme.com' }, new Set())).toBe(false);
  });

  it('marks role mailboxes and phones as weak, personal mailboxes as strong', () => {
    const kinds = identifyingHashes({ email: ['sales@acme.com', 'jane.doe@acme.com'], phone: '+1 415 555 0100' }).map(({ kind, strong }) => `${kind}:${strong}`);
    expect(kinds.sort()).toEqual(['email:false', 'email:true', 'phone:false']);
  });

  it('refuses exactly the records that share a strong value, or only weak ones (property)', () => {
    fc.assert(
      fc.property(email, email, usNumber, (erased, own, n) => {
        fc.pre(matchKeyOf(erased) !== matchKeyOf(own));
        const phone = `+1${n.area}${n.exchange}${n.line}`;
        const set = new Set(tombstoneHashes({ email: erased, phone }));
        expect(isErased({ email: erased }, set)).toBe(true);
        expect(isErased({ phone }, set)).toBe(true);
        expect(isErased({ email: own, phone }, set)).toBe(false);
        expect(isErased({ email: own }, set)).toBe(false);
      }),
    );
  });
});
