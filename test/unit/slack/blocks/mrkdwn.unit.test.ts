import fc from 'fast-check';
import {
  bold,
  code,
  escapeMrkdwn,
  formatUtc,
  inline,
  link,
  mention,
  mrkdwnText,
  plainText,
  safeUrl,
  slackDate,
  truncateMrkdwn,
  truncatePlain,
  unescapeMrkdwn,
} from '../../../../slack/blocks/mrkdwn';

/** The `<…>` tokens Slack reads in mrkdwn: mentions (`<@U1>`, `<!channel>`, `<#C1>`), links and dates. */
const tokensOf = (mrkdwn: string): string[] => mrkdwn.match(/<[^<>]*>/g) ?? [];

const hasLoneSurrogate = (text: string): boolean => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

/** What Slack would show of escaped text, once its entities are read. */
const withoutEntities = (escaped: string): string => escaped.replace(/&(?:amp|lt|gt);/g, '');

/** Strings made of what Slack treats specially, so the properties meet attacks, not just letters. */
const slackish = fc.string({
  unit: fc.constantFrom('<', '>', '&', '|', '!', '@', '#', '^', 'channel', 'here', 'U0123ABC', 'http://x.test', 'amp;', 'lt;', 'gt;', '*', '_', '`', '~', ' ', '\n', 'a', 'é', '😀', '👩‍👩‍👧', '🇫🇷'),
  maxLength: 40,
});
const anyText = fc.oneof(slackish, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }));

describe('escaping CRM text for mrkdwn', () => {
  it('escapes exactly the three characters Slack documents', () => {
    expect(escapeMrkdwn('<!channel> & <@U123|boss> <https://evil.example|Reset password>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U123|boss&gt; &lt;https://evil.example|Reset password&gt;',
    );
    expect(escapeMrkdwn('*bold* _it_ `code` ~no~ #general @here')).toBe('*bold* _it_ `code` ~no~ #general @here');
  });

  it('leaves no raw < or > in any string, so nothing in it is read as a mention, a link or a date', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeMrkdwn(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(tokensOf(escaped)).toEqual([]);
      }),
    );
  });

  it("round-trips through Slack's unescaping", () => {
    fc.assert(fc.property(anyText, (text) => expect(unescapeMrkdwn(escapeMrkdwn(text))).toBe(text)));
  });

  it('leaves & only at the start of an escape, so no text can smuggle in an entity of its own', () => {
    fc.assert(fc.property(anyText, (text) => expect(withoutEntities(escapeMrkdwn(text))).not.toContain('&')));
    expect(unescapeMrkdwn(escapeMrkdwn('&lt;!here&gt;'))).toBe('&lt;!here&gt;');
  });

  it('keeps a value on one line, and a value starting with > from quoting itself', () => {
    expect(inline('Acme\n> quoted\n\nInc')).toBe('Acme &gt; quoted Inc');
    expect(inline('> Acme')).toBe('\u200b&gt; Acme');
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = inline(text);
        expect(shown).not.toContain('\n');
        expect(tokensOf(shown)).toEqual([]);
      }),
    );
  });
});

describe('values inside formatting', () => {
  it("replaces a value's own formatting mark, so it cannot end the formatting early", () => {
    expect(bold('*NSYNC* Ltd')).toBe('*\u2217NSYNC\u2217 Ltd*');
    expect(code('a`b')).toBe('`a\u02cbb`');
    expect(bold('cus_1')).toBe('*cus_1*');
    expect(code('first_last@example.com')).toBe('`first_last@example.com`');
  });

  it('trims and joins lines, since Slack reads no formatting across them, and leaves an empty value empty', () => {
    expect(bold('  Acme\nInc  ')).toBe('*Acme Inc*');
    expect(bold('   ')).toBe('');
  });

  it('wraps any value in exactly two marks and nothing that parses', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = bold(text);
        if (shown === '') return;
        expect(shown.startsWith('*') && shown.endsWith('*')).toBe(true);
        expect(shown.slice(1, -1)).not.toContain('*');
        expect(tokensOf(shown)).toEqual([]);
      }),
    );
  });
});

describe('links', () => {
  it('builds <url|label> for http and https URLs, with the label escaped', () => {
    expect(link('https://acme.my.salesforce.com/lightning/r/Account/001A/view', 'Acme <!channel>')).toBe(
      '<https://acme.my.salesforce.com/lightning/r/Account/001A/view|Acme &lt;!channel&gt;>',
    );
    expect(link('http://localhost:3000/sandbox/x?id=1&b=2', 'x')).toBe('<http://localhost:3000/sandbox/x?id=1&amp;b=2|x>');
  });

  it('encodes | and > in a URL, which would otherwise end it and start a label of its own', () => {
    expect(safeUrl('https://x.test/a|b')).toBe('https://x.test/a%7Cb');
    expect(safeUrl('https://x.test/?q=a>b<c')).toBe('https://x.test/?q=a%3Eb%3Cc');
    expect(link('https://x.test/?q=|evil', 'ok')).toBe('<https://x.test/?q=%7Cevil|ok>');
  });

  it('refuses other schemes and URLs with user info, showing the label alone', () => {
    expect(link('javascript:alert(1)', 'Open')).toBe('Open');
    expect(link('slack://channel?id=C1', 'Open')).toBe('Open');
    expect(link('https://bank.example@evil.example/', 'Bank')).toBe('Bank');
    expect(link('not a url', 'Plain <b>')).toBe('Plain &lt;b&gt;');
    expect(link(undefined, 'No link')).toBe('No link');
  });

  it('makes at most one token from any URL and label, an http(s) link whose label reads back as given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), anyText), slackish, (url, label) => {
        const shown = link(url, label);
        const tokens = tokensOf(shown);
        expect(tokens.length).toBeLessThanOrEqual(1);
        const [token] = tokens;
        if (token === undefined) return expect(shown).toBe(inline(label));
        const [target, ...rest] = token.slice(1, -1).split('|');
        expect(target).toMatch(/^https?:\/\/[^\s|<>]+$/);
        const expected = label.replace(/\s+/g, ' ').trim();
        if (expected !== '' && !expected.startsWith('>')) expect(unescapeMrkdwn(rest.join('|'))).toBe(expected);
      }),
    );
  });

  it('never cuts a link in half to fit: it drops the URL instead', () => {
    const url = `https://x.test/${'a'.repeat(100)}`;
    expect(link(url, 'label', 50)).toBe('label');
    expect(tokensOf(link(url, 'label', 200))).toHaveLength(1);
  });
});

describe('mentions and dates', () => {
  it('mentions only Slack user ids, bare or as recorded by the app (slack:U…)', () => {
    expect(mention('U0123ABC')).toBe('<@U0123ABC>');
    expect(mention('W0123ABC')).toBe('<@W0123ABC>');
    expect(mention('slack:U0123ABC')).toBe('<@U0123ABC>');
    expect(mention('cli:alice')).toBe('cli:alice');
    expect(mention('U0123ABC> <!channel')).toBe('U0123ABC&gt; &lt;!channel');
  });

  it('never mentions anything for text that is not a user id', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const tokens = tokensOf(mention(text));
        if (tokens.length > 0) expect(tokens).toEqual([`<@${text.replace(/^slack:/, '')}>`]);
      }),
    );
  });

  it('formats a time for each reader, with UTC text for clients that cannot', () => {
    expect(slackDate('2026-06-01T14:03:59Z')).toBe('<!date^1780322639^{date_short_pretty} {time}|2026-06-01 14:03 UTC>');
    expect(formatUtc('2026-06-01T14:03:59.123+02:00')).toBe('2026-06-01 12:03 UTC');
    expect(slackDate('<!channel>')).toBe('&lt;!channel&gt;');
  });
});

describe('truncation', () => {
  it('cuts by characters and ends with an ellipsis', () => {
    expect(truncatePlain('abcdefgh', 5)).toBe('abcd…');
    expect(truncatePlain('abc', 5)).toBe('abc');
    expect(truncateMrkdwn('abcdefgh', 5)).toBe('abcd…');
  });

  it('never splits a surrogate pair or an emoji sequence', () => {
    expect(truncatePlain('ab😀cd', 4)).toBe('ab…');
    expect(truncatePlain('👩‍👩‍👧👩‍👩‍👧', 10)).toBe('👩‍👩‍👧…');
  });

  it('never cuts an escape or a token in half', () => {
    expect(truncateMrkdwn('ab&amp;cd', 5)).toBe('ab…');
    expect(truncateMrkdwn('ab <https://x.test|x> cd', 10)).toBe('ab…');
  });

  it('holds for any text: within the limit, whole characters, whole escapes, a prefix of the original', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 50 }), (text, max) => {
        const escaped = escapeMrkdwn(text);
        const cut = truncateMrkdwn(escaped, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(hasLoneSurrogate(cut)).toBe(false);
        expect(withoutEntities(cut)).not.toContain('&');
        const kept = cut.endsWith('…') && cut !== escaped ? cut.slice(0, -1) : cut;
        expect(text.startsWith(unescapeMrkdwn(kept))).toBe(true);
      }),
    );
  });
});

describe('text objects', () => {
  it('sends mrkdwn verbatim, so Slack does not link bare URLs, channel names or @here in CRM text', () => {
    expect(mrkdwnText('see example.com #general @here')).toEqual({ type: 'mrkdwn', text: 'see example.com #general @here', verbatim: true });
  });

  it('never sends an empty text, which Slack refuses', () => {
    expect(plainText('  ').text).toBe('—');
    expect(mrkdwnText('').text).toBe('—');
  });

  it('cuts to the limit it is given', () => {
    expect(plainText('x'.repeat(200), 150).text).toHaveLength(150);
    expect(mrkdwnText('&'.repeat(2000)).text.length).toBeLessThanOrEqual(3000);
  });
});
