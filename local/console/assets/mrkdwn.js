/* global document, URL */
/**
 * Slack's mrkdwn, read the way a Slack client reads it, into DOM nodes: `*bold*`, `_italic_`,
 * `~strike~`, `` `code` ``, ``` ```preformatted``` ```, `>` quotes, and the tokens between `<` and
 * `>`: links `<url|label>`, mentions `<@U…>`, `<#C…>`, `<!subteam^S…>`, `<!here>`, and dates
 * `<!date^…|fallback>` (shown as their fallback text, which is what the app wrote for people).
 *
 * The text is untrusted: a CRM value reaches it through the app. Nothing here ever assigns
 * markup (no innerHTML): every piece of text becomes a text node, so `<img onerror=…>` in a
 * customer's name can only ever be read, never run. The entities `&amp;`, `&lt;` and `&gt;` are
 * decoded into text once, after the tokens were found, so an escaped `&lt;!channel&gt;` shows as
 * the characters `<!channel>` and never becomes a mention.
 *
 * `parseMrkdwn` is pure (text in, a tree of plain objects out); `renderMrkdwn` builds the nodes.
 */

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** The three escapes Slack documents, undone. */
export const decodeEntities = (text) => text.replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity]);

const EMPHASIS = { '*': 'bold', _: 'italic', '~': 'strike' };

const isSpace = (c) => c !== undefined && /\s/u.test(c);
const isWordChar = (c) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * Slack reads a mark as formatting only at word edges: `*x*` is bold, `first_last@example.com`
 * and `2*3*4` are text. An opening mark follows no letter or digit and comes before a non-space;
 * a closing one follows a non-space and comes before no letter or digit.
 */
const canOpen = (s, i) => !isWordChar(s[i - 1]) && s[i - 1] !== s[i] && s[i + 1] !== undefined && !isSpace(s[i + 1]);
const canClose = (s, j) => !isSpace(s[j - 1]) && !isWordChar(s[j + 1]);

/** The end of the `<…>` token or `` `…` `` span starting at `i` (before `to`), or -1. */
const spanEnd = (s, i, to) => {
  const close = s[i] === '<' ? '>' : s[i] === '`' ? '`' : undefined;
  if (close === undefined) return -1;
  const end = s.indexOf(close, i + 1);
  return end > i + (close === '`' ? 1 : 0) && end < to ? end : -1;
};

/** Where the mark opened at `from - 1` closes before `to`: tokens and code spans are skipped, their marks are not formatting. */
const closingMark = (s, mark, from, to) => {
  for (let j = from; j < to; j++) {
    const end = spanEnd(s, j, to);
    if (end !== -1) {
      j = end;
      continue;
    }
    if (s[j] === mark && j > from && canClose(s, j)) return j;
  }
  return -1;
};

/** What is between `<` and `>`: a mention, a date, a broadcast, or a link. */
export const parseToken = (inner) => {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) return { type: 'user', id: target.slice(1), label };
  if (target.startsWith('#')) return { type: 'channel', id: target.slice(1), label };
  if (target.startsWith('!')) {
    const [command, ...args] = target.slice(1).split('^');
    if (command === 'date') return { type: 'date', epoch: Number(args[0]), fallback: label };
    if (command === 'subteam') return { type: 'usergroup', id: args[0] ?? '', label };
    if (command === 'here' || command === 'channel' || command === 'everyone') return { type: 'broadcast', name: command };
    return { type: 'text', text: label ?? `<${decodeEntities(inner)}>` };
  }
  return { type: 'link', url: decodeEntities(target), label };
};

/** One line (or the inside of a mark) as nodes: text, code, tokens, and bold/italic/strike holding nodes. */
const parseInline = (s, from, to) => {
  const nodes = [];
  let text = '';
  const flush = () => {
    if (text !== '') nodes.push({ type: 'text', text: decodeEntities(text) });
    text = '';
  };
  for (let i = from; i < to; i++) {
    const c = s[i];
    const end = spanEnd(s, i, to);
    if (end !== -1) {
      flush();
      nodes.push(c === '<' ? parseToken(s.slice(i + 1, end)) : { type: 'code', text: decodeEntities(s.slice(i + 1, end)) });
      i = end;
      continue;
    }
    const close = EMPHASIS[c] !== undefined && canOpen(s, i) ? closingMark(s, c, i + 1, to) : -1;
    if (close !== -1) {
      flush();
      nodes.push({ type: EMPHASIS[c], children: parseInline(s, i + 1, close) });
      i = close;
      continue;
    }
    text += c;
  }
  flush();
  return nodes;
};

/** A `>` (sent as `&gt;`) opening a line quotes it. */
const QUOTE = /^(?:&gt;|>) ?/;

/**
 * mrkdwn text as blocks: `{ type: 'pre', text }` for ``` fenced text, `{ type: 'lines', quote, lines }`
 * for runs of plain or quoted lines, each line a list of inline nodes.
 */
export const parseMrkdwn = (text) => {
  const blocks = [];
  const parts = String(text).split('```');
  // An odd number of fences leaves the last one unclosed: Slack shows it as it is.
  if (parts.length % 2 === 0) parts.splice(-2, 2, `${parts.at(-2)}\`\`\`${parts.at(-1)}`);
  parts.forEach((part, index) => {
    // An odd part sits between two fences.
    if (index % 2 === 1) return blocks.push({ type: 'pre', text: decodeEntities(part.replace(/^\n/, '')) });
    const lines = part.split('\n');
    // The line break next to a fence ends or starts the fenced text's own line, not an empty line.
    if (index > 0 && lines[0] === '') lines.shift();
    if (index < parts.length - 1 && lines.at(-1) === '') lines.pop();
    for (const line of lines) {
      const quote = QUOTE.test(line);
      const body = quote ? line.replace(QUOTE, '') : line;
      const last = blocks.at(-1);
      const run = last?.type === 'lines' && last.quote === quote ? last : { type: 'lines', quote, lines: [] };
      if (run !== last) blocks.push(run);
      run.lines.push(parseInline(body, 0, body.length));
    }
  });
  return blocks;
};

// ---- DOM -----------------------------------------------------------------------------------------

const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

/** Links only to the web or to an email address: a `javascript:` URL in a CRM field stays text. */
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

const safeHref = (url) => {
  try {
    const parsed = new URL(url);
    return SAFE_SCHEMES.has(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
};

const renderToken = (node, directory) => {
  switch (node.type) {
    case 'user':
      return element('span', 'mention', `@${directory.userName(node.id) ?? node.label ?? node.id}`);
    case 'channel':
      return element('span', 'mention', `#${directory.channelName(node.id) ?? node.label ?? node.id}`);
    case 'usergroup':
      return element('span', 'mention', directory.groupHandle(node.id) !== undefined ? `@${directory.groupHandle(node.id)}` : (node.label ?? `@${node.id}`));
    case 'broadcast':
      return element('span', 'mention broadcast', `@${node.name}`);
    case 'date': {
      const at = Number.isFinite(node.epoch) ? new Date(node.epoch * 1000) : undefined;
      const time = element('time', 'date', node.fallback ?? at?.toLocaleString() ?? '');
      if (at !== undefined && !Number.isNaN(at.getTime())) {
        time.dateTime = at.toISOString();
        time.title = at.toLocaleString();
      }
      return time;
    }
    case 'link': {
      const href = safeHref(node.url);
      const label = node.label ?? node.url.replace(/^mailto:/, '');
      if (href === undefined) return document.createTextNode(label);
      const a = element('a', undefined, label);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return a;
    }
    default:
      return document.createTextNode(node.text ?? '');
  }
};

const TAGS = { bold: 'strong', italic: 'em', strike: 's' };

const renderInline = (nodes, directory, into) => {
  for (const node of nodes) {
    if (node.type === 'text') into.append(document.createTextNode(node.text));
    else if (node.type === 'code') into.append(element('code', undefined, node.text));
    else if (TAGS[node.type] !== undefined) {
      const wrapper = element(TAGS[node.type]);
      renderInline(node.children, directory, wrapper);
      into.append(wrapper);
    } else into.append(renderToken(node, directory));
  }
};

/**
 * Names for mentions: functions from an id to a name, or undefined when unknown (the mention then
 * shows its label or id).
 */
export const emptyDirectory = { userName: () => undefined, channelName: () => undefined, groupHandle: () => undefined };

/** mrkdwn text as a fragment of DOM nodes. */
export const renderMrkdwn = (text, directory = emptyDirectory) => {
  const fragment = document.createDocumentFragment();
  for (const block of parseMrkdwn(text)) {
    if (block.type === 'pre') {
      fragment.append(element('pre', undefined, block.text));
      continue;
    }
    const holder = block.quote ? element('blockquote') : fragment;
    block.lines.forEach((line, index) => {
      if (index > 0) holder.append(element('br'));
      renderInline(line, directory, holder);
    });
    // Runs of the same kind were joined, so the next block is a quote or a fence: it starts its own line.
    if (block.quote) fragment.append(holder);
  }
  return fragment;
};
