/* global document, window, fetch, EventSource, URLSearchParams, history, KeyboardEvent, setTimeout, clearTimeout */
/**
 * The console: the local Slack as one person of the workspace sees it. Channels in the sidebar,
 * the open channel's messages (theirs and the ones only they see), the app's Home tab, their
 * modal, and a message box for slash commands; a switch to become someone else.
 *
 * Everything a person does goes to the console API, which has the local Slack send it to the
 * Concord app signed as Slack would; nothing here decides what happens. What the page shows is
 * always the local Slack's state, fetched again whenever the event stream says it changed.
 */
import { enteredValues, renderBlocks, stateValues, textObject } from './block-kit.js';

const $ = (id) => document.getElementById(id);

const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

// ---- the console API -----------------------------------------------------------------------------

const answerOf = async (response) => {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(typeof body.detail === 'string' ? body.detail : `${body.error ?? 'error'} (${response.status})`);
  return body;
};

const api = {
  get: (path, params = {}) => fetch(`/console/api/${path}?${new URLSearchParams(params)}`, { cache: 'no-store' }).then(answerOf),
  post: (path, body) => fetch(`/console/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(answerOf),
};

// ---- what the page shows -------------------------------------------------------------------------

const page = {
  workspace: undefined,
  user: undefined,
  /** `{ kind: 'channel', id }` or `{ kind: 'app', tab: 'home' | 'messages' }`. */
  place: undefined,
  /** The last answer of `state`. */
  state: undefined,
  /** What is drawn, so a redraw happens only when something changed (and a half-typed modal survives). */
  drawn: { messages: '', home: '', modal: '' },
  /** Messages posted where the person is not looking. */
  unread: new Map(),
  stickToBottom: true,
};

const SLACKBOT = 'USLACKBOT';

const directory = {
  userName: (id) => {
    if (id === SLACKBOT) return 'Slackbot';
    if (id === page.workspace?.app.botUserId) return page.workspace.app.name;
    return page.workspace?.users.find((u) => u.id === id)?.realName;
  },
  channelName: (id) => page.workspace?.channels.find((c) => c.id === id)?.name,
  groupHandle: (id) => page.workspace?.userGroups.find((g) => g.id === id)?.handle,
  /** The people a users_select offers: the workspace's members, as Slack lists them. */
  people: () => (page.workspace?.users ?? []).map((u) => ({ id: u.id, name: u.realName })),
};

const toast = (text) => {
  const box = $('toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 6000);
};

/** The app's answer to something sent: Slack shows people an error when the app refuses or is slow. */
const tell = (answer) => {
  if (answer.sent && answer.status !== 200) toast(`The app answered HTTP ${answer.status}: Slack would show this person an error.`);
  else if (answer.sent && answer.elapsedMs > 3000) toast(`The app took ${answer.elapsedMs} ms: Slack gives up after 3,000.`);
};

const failed = (error) => toast(error instanceof Error ? error.message : String(error));

const imChannel = () => page.state?.conversations.find((c) => c.isIm);

/** The conversation whose messages are shown, if any. */
const shownChannel = () => {
  if (page.place.kind === 'channel') return page.place.id;
  return page.place.tab === 'messages' ? imChannel()?.id : undefined;
};

// ---- dialogs -------------------------------------------------------------------------------------

const button = (text, className, onClick) => {
  const node = element('button', className, text);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
};

/** A box over the page titled with a text object: a modal (`dialog`) or a confirm dialog (`alertdialog`). */
const dialogBox = (role, className, title) => {
  const card = element('section', className);
  card.setAttribute('role', role);
  card.setAttribute('aria-modal', 'true');
  const heading = textObject(title, directory, 'h2', `${className}-title`);
  heading.id = `${className}-title`;
  card.setAttribute('aria-labelledby', heading.id);
  card.append(heading);
  return card;
};

/** Slack's confirm dialog: resolves true when the person confirms. */
const confirmDialog = (dialog) =>
  new Promise((resolve) => {
    const box = $('confirm');
    const done = (answer) => {
      box.hidden = true;
      box.replaceChildren();
      document.removeEventListener('keydown', onKey);
      resolve(answer);
    };
    const onKey = (event) => event instanceof KeyboardEvent && event.key === 'Escape' && done(false);
    document.addEventListener('keydown', onKey);
    const confirm = button(dialog.confirm?.text ?? 'Yes', `button ${dialog.style === 'danger' ? 'danger' : 'primary'}`, () => done(true));
    const footer = element('footer', 'dialog-buttons');
    footer.append(button(dialog.deny?.text ?? 'Cancel', 'button', () => done(false)), confirm);
    const card = dialogBox('alertdialog', 'dialog', dialog.title);
    card.append(textObject(dialog.text, directory, 'div', 'dialog-text'), footer);
    box.replaceChildren(card);
    box.hidden = false;
    confirm.focus();
  });

/** Where blocks are drawn, and what their elements send. */
const surfaceFor = (on, extra = {}) => ({
  directory,
  confirm: confirmDialog,
  act: (el, block, choice) => {
    const values = extra.valuesNow?.();
    api
      .post('action', {
        user: page.user,
        on,
        actionId: el.action_id,
        ...(typeof block.block_id === 'string' ? { blockId: block.block_id } : {}),
        ...(choice === undefined ? {} : { choice }),
        ...(values === undefined ? {} : { values }),
      })
      .then(tell, failed);
  },
  ...extra,
});

// ---- messages ------------------------------------------------------------------------------------

const tsParts = (ts) => ts.split('.').map(Number);
const byTs = (a, b) => {
  const [as, au] = tsParts(a.message.ts);
  const [bs, bu] = tsParts(b.message.ts);
  return as - bs || au - bu;
};

const timeOf = (ts) => new Date(Number(ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

const initials = (name) =>
  name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

const messageNode = ({ message, ephemeral }, channel) => {
  const node = element('article', `message${ephemeral ? ' ephemeral' : ''}`);
  node.dataset.ts = message.ts;
  const author = message.bot_profile?.name ?? directory.userName(message.user) ?? message.user;
  const avatar = element('div', `avatar${message.bot_id ? ' bot' : ''}`, initials(author));
  avatar.setAttribute('aria-hidden', 'true');
  const body = element('div', 'message-body');
  const header = element('header', 'message-header');
  header.append(element('span', 'author', author));
  if (message.bot_id) header.append(element('span', 'app-badge', 'APP'));
  header.append(element('time', 'message-time', timeOf(message.ts)));
  if (message.edited) header.append(element('span', 'edited', '(edited)'));
  body.append(header);
  if (ephemeral) body.append(element('div', 'ephemeral-note', 'Only visible to you'));
  const content = element('div', 'message-content');
  if (Array.isArray(message.blocks) && message.blocks.length > 0) content.append(renderBlocks(message.blocks, surfaceFor({ channel, ts: message.ts })));
  else content.append(textObject({ type: 'mrkdwn', text: message.text ?? '' }, directory, 'div', 'message-text'));
  body.append(content);
  if (message.reply_count) body.append(element('div', 'replies', `${message.reply_count} ${message.reply_count === 1 ? 'reply' : 'replies'}`));
  node.append(avatar, body);
  return node;
};

const drawMessages = () => {
  const list = $('messages');
  const channel = shownChannel();
  // Replies live in their thread; the channel shows the message they answer, with a count.
  const items = [
    ...page.state.messages.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts).map((message) => ({ message, ephemeral: false })),
    ...page.state.ephemerals.map((message) => ({ message, ephemeral: true })),
  ].sort(byTs);
  const signature = JSON.stringify([page.user, channel, items]);
  if (signature === page.drawn.messages) return;
  page.drawn.messages = signature;
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  if (items.length === 0) {
    const conversation = page.state.channel;
    const start = element('p', 'empty', conversation?.isIm ? `This is the start of your conversation with ${page.workspace.app.name}.` : `This is the very beginning of #${conversation?.name ?? ''}.`);
    list.replaceChildren(start);
  } else list.replaceChildren(...items.map((item) => messageNode(item, channel)));
  if (nearBottom || page.stickToBottom) list.scrollTop = list.scrollHeight;
  page.stickToBottom = false;
};

// ---- App Home ------------------------------------------------------------------------------------

const drawHome = () => {
  const home = page.state.home;
  const signature = JSON.stringify([page.user, home]);
  if (signature === page.drawn.home) return;
  page.drawn.home = signature;
  const box = $('home');
  if (home === null) box.replaceChildren(element('p', 'empty', `Opening ${page.workspace.app.name}'s Home…`));
  else box.replaceChildren(renderBlocks(home.blocks, surfaceFor('home')));
};

// ---- modals --------------------------------------------------------------------------------------

const drawModal = () => {
  const overlay = $('overlay');
  const modal = page.state.modal;
  if (modal === null) {
    overlay.hidden = true;
    overlay.replaceChildren();
    page.drawn.modal = '';
    return;
  }
  const { view, errors } = modal;
  const signature = JSON.stringify([page.user, view.id, view.hash, errors]);
  if (signature === page.drawn.modal) return;
  page.drawn.modal = signature;
  // What the person typed so far stays when the app updates the modal or answers with errors.
  const previous = overlay.querySelector('.modal-body');
  const typed = previous !== null && overlay.dataset.viewId === view.id ? enteredValues(previous) : {};
  const values = { ...stateValues(view) };
  for (const [blockId, actions] of Object.entries(typed)) values[blockId] = { ...values[blockId], ...actions };

  const card = dialogBox('dialog', 'modal', view.title);
  const body = element('div', 'modal-body');
  body.append(renderBlocks(view.blocks, surfaceFor({ viewId: view.id }, { values, errors, valuesNow: () => enteredValues(body) })));
  const footer = element('footer', 'modal-buttons');
  footer.append(button(view.close?.text ?? 'Cancel', 'button', () => api.post('view/close', { user: page.user }).then(tell, failed)));
  if (view.submit) {
    const submit = button(view.submit.text, 'button primary', () =>
      api
        .post('view/submit', { user: page.user, viewId: view.id, values: enteredValues(body) })
        .then((answer) => {
          tell(answer);
          if (answer.outcome === 'failed') toast('The app did not accept the form: Slack would say so in the modal.');
        }, failed),
    );
    submit.disabled = view.submit_disabled === true;
    footer.append(submit);
  }
  card.append(body, footer);
  overlay.dataset.viewId = view.id;
  overlay.replaceChildren(card);
  overlay.hidden = false;
};

// ---- sidebar, header, message box ----------------------------------------------------------------

const placeButton = (label, current, onClick, unread = 0, prefix) => {
  const item = element('li');
  const place = button(undefined, 'place', onClick);
  if (prefix) {
    const mark = element('span', 'place-prefix', prefix);
    mark.setAttribute('aria-hidden', 'true');
    place.append(mark);
  }
  place.append(element('span', 'place-name', label));
  if (current) place.setAttribute('aria-current', 'page');
  if (unread > 0) {
    place.classList.add('unread');
    place.append(element('span', 'badge', String(unread)));
  }
  item.append(place);
  return item;
};

const drawSidebar = () => {
  const channels = page.state.conversations.filter((c) => !c.isIm);
  $('channel-list').replaceChildren(
    ...channels.map((c) => placeButton(c.name, page.place.kind === 'channel' && page.place.id === c.id, () => go({ kind: 'channel', id: c.id }), page.unread.get(c.id), c.isPrivate ? '🔒' : '#')),
  );
  const app = page.workspace.app.name;
  $('app-list').replaceChildren(placeButton(app, page.place.kind === 'app', () => go({ kind: 'app', tab: 'home' }), page.unread.get(imChannel()?.id), '◆'));
  const me = page.workspace.users.find((u) => u.id === page.user);
  $('user-facts').textContent = [me?.title, ...(me?.groups ?? []).map((g) => `@${g}`)].filter(Boolean).join(' · ');
};

const drawHeader = () => {
  const inApp = page.place.kind === 'app';
  $('conversation-title').textContent = inApp ? page.workspace.app.name : `# ${page.state.channel?.name ?? ''}`;
  $('conversation-purpose').textContent = inApp ? 'The Concord app' : (page.state.channel?.purpose ?? '');
  $('app-tabs').hidden = !inApp;
  for (const [id, tab] of [
    ['tab-home', 'home'],
    ['tab-messages', 'messages'],
  ]) $(id).setAttribute('aria-selected', String(inApp && page.place.tab === tab));
  const onHome = inApp && page.place.tab === 'home';
  $('messages').hidden = onHome;
  $('home').hidden = !onHome;
  const channel = shownChannel();
  $('composer').hidden = onHome;
  $('composer-input').disabled = channel === undefined;
  $('composer-input').placeholder = channel === undefined ? '' : `Message ${inApp ? page.workspace.app.name : `#${page.state.channel?.name ?? ''}`} — type /concord help`;
};

const draw = () => {
  drawSidebar();
  drawHeader();
  if (page.place.kind === 'app' && page.place.tab === 'home') drawHome();
  else drawMessages();
  drawModal();
};

// ---- fetching the state --------------------------------------------------------------------------

let refreshing;
let refreshAgain = false;

/** Fetches the state and draws it; calls during a fetch are folded into one more fetch after it. */
const refresh = async () => {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      const channel = shownChannel();
      page.state = await api.get('state', { user: page.user, ...(channel === undefined ? {} : { channel }) });
      // The direct message with the app opens with its Home tab: fetch once more to show its messages.
      if (channel === undefined && shownChannel() !== undefined) refreshAgain = true;
      const shown = shownChannel();
      if (shown !== undefined) page.unread.delete(shown);
      draw();
    } while (refreshAgain);
  })()
    .catch(failed)
    .finally(() => (refreshing = undefined));
  return refreshing;
};

const placeParams = () => (page.place.kind === 'channel' ? { user: page.user, channel: page.place.id } : { user: page.user, app: page.place.tab });

/** Shows a place (and tells the app when it is the Home tab, as Slack does each time it opens). */
const go = async (place) => {
  page.place = place;
  page.stickToBottom = true;
  history.replaceState(null, '', `?${new URLSearchParams(placeParams())}`);
  if (place.kind === 'app' && place.tab === 'home') {
    page.drawn.home = '';
    api.post('home', { user: page.user }).then(tell, failed);
  }
  await refresh();
};

/** A change concerns the page when it is in the conversation shown or is this person's own. */
const concerns = (notice) => notice.user === page.user || (notice.channel !== undefined && notice.channel === shownChannel());

const countUnread = (notice) => {
  if (notice.kind !== 'message-posted' && notice.kind !== 'ephemeral-posted') return;
  if (notice.channel === shownChannel() || (notice.user !== undefined && notice.user !== page.user)) return;
  if (!page.state?.conversations.some((c) => c.id === notice.channel)) return;
  page.unread.set(notice.channel, (page.unread.get(notice.channel) ?? 0) + 1);
};

const listen = () => {
  const events = new EventSource('/console/api/events');
  events.addEventListener('change', (event) => {
    const notice = JSON.parse(event.data);
    countUnread(notice);
    if (concerns(notice)) void refresh();
    else if (page.state) drawSidebar();
  });
  // After a reconnect, changes may have been missed.
  events.addEventListener('open', () => void refresh());
};

// ---- Try a handoff -------------------------------------------------------------------------------

/** The sandbox the closed-won playbook's ERP steps write to. */
const ERP = 'netsuite';

/** Where the receipts go, when this person is in it. */
const handoffsChannel = () => page.state?.conversations.find((c) => !c.isIm && c.name === 'handoffs');

/** A fresh sample deal closed as won in Salesforce; then the page shows #handoffs, where its receipt appears. */
const startSampleDeal = async (kind) => {
  try {
    const deal = await api.post('sample-deals', { kind });
    const how = kind === 'legal-review' ? 'won with its contract in legal review' : 'closed as won';
    toast(`${deal.name}: ${how} in Salesforce. Its receipt comes to #handoffs in a few seconds.`);
    const channel = handoffsChannel();
    if (channel !== undefined && !(page.place.kind === 'channel' && page.place.id === channel.id)) await go({ kind: 'channel', id: channel.id });
  } catch (error) {
    failed(error);
  }
};

const drawErpState = (fault) => {
  const refusing = fault !== null && fault !== undefined;
  $('erp-refuse').disabled = refusing;
  $('erp-normal').disabled = !refusing;
  $('erp-state').textContent = refusing
    ? `The ERP refuses every request (${fault.mode === 'fail' ? `HTTP ${fault.status}` : fault.mode}): each deal now stops at an exception, and once half of the playbook's last ten handoffs (three at least) failed, it pauses itself.`
    : 'The ERP answers normally.';
};

/**
 * Orders the ERP's sandbox to refuse with 400, or clears that. A 400 is a permanent failure, not
 * an outage to retry through: each handoff stops at an exception and counts for the circuit breaker.
 */
const setErpRefusing = async (refusing) => {
  try {
    const order = refusing ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'fail', status: 400 }) } : { method: 'DELETE' };
    const response = await fetch(`/sandbox/${ERP}/faults`, order);
    if (!response.ok) throw new Error(`The ERP sandbox answered HTTP ${response.status}.`);
    drawErpState((await response.json()).fault);
  } catch (error) {
    failed(error);
  }
};

const readErpState = () =>
  fetch('/sandbox', { cache: 'no-store' })
    .then((response) => response.json())
    .then((listing) => drawErpState(listing.systems?.find((system) => system.name === ERP)?.fault), failed);

// ---- the person's input --------------------------------------------------------------------------

const sendCommand = async (event) => {
  event.preventDefault();
  const input = $('composer-input');
  const text = input.value.trim();
  const channel = shownChannel();
  if (text === '' || channel === undefined) return;
  if (!text.startsWith('/')) {
    $('composer-note').textContent = 'The local Slack sends slash commands to the app: try /concord help.';
    return;
  }
  $('composer-note').textContent = '';
  page.stickToBottom = true;
  try {
    tell(await api.post('command', { user: page.user, channel, text }));
    input.value = '';
  } catch (error) {
    failed(error);
  }
};

const switchUser = async (user) => {
  page.user = user;
  page.unread.clear();
  page.drawn = { messages: '', home: '', modal: '' };
  $('overlay').dataset.viewId = '';
  try {
    // The new person's conversations first: their direct message with the app is another one, and
    // a channel they are not in falls back to their first one.
    page.state = await api.get('state', { user });
    const channels = page.state.conversations.filter((c) => !c.isIm);
    const stays = page.place.kind === 'app' || channels.some((c) => c.id === page.place.id);
    await go(stays ? page.place : { kind: 'channel', id: channels[0]?.id ?? '' });
  } catch (error) {
    failed(error);
  }
};

const start = async () => {
  page.workspace = await api.get('workspace');
  $('team-name').textContent = page.workspace.team.name;
  const params = new URLSearchParams(window.location.search);
  const users = page.workspace.users;
  const switcher = $('user-switch');
  switcher.replaceChildren(
    ...users.map((u) => {
      const option = element('option', undefined, `${u.realName}${u.title ? ` — ${u.title}` : ''}`);
      option.value = u.id;
      return option;
    }),
  );
  page.user = users.some((u) => u.id === params.get('user')) ? params.get('user') : users[0].id;
  switcher.value = page.user;
  switcher.addEventListener('change', () => void switchUser(switcher.value));
  const first = await api.get('state', { user: page.user });
  const channels = first.conversations.filter((c) => !c.isIm);
  const asked = params.get('channel');
  const app = params.get('app');
  page.place =
    app === 'home' || app === 'messages' ? { kind: 'app', tab: app } : { kind: 'channel', id: channels.some((c) => c.id === asked) ? asked : (channels[0]?.id ?? '') };
  page.state = first;
  $('tab-home').addEventListener('click', () => go({ kind: 'app', tab: 'home' }));
  $('tab-messages').addEventListener('click', () => go({ kind: 'app', tab: 'messages' }));
  $('composer').addEventListener('submit', sendCommand);
  $('composer-input').addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter starts a new line, as in Slack.
    if (event.key === 'Enter' && !event.shiftKey) sendCommand(event);
  });
  for (const node of document.querySelectorAll('[data-deal]')) node.addEventListener('click', () => void startSampleDeal(node.dataset.deal));
  $('erp-refuse').addEventListener('click', () => void setErpRefusing(true));
  $('erp-normal').addEventListener('click', () => void setErpRefusing(false));
  void readErpState();
  $('runtime').addEventListener('toggle', () => {
    if ($('runtime').open) fetch('/health').then((r) => r.json()).then((health) => ($('runtime-facts').textContent = JSON.stringify(health, null, 2)), failed);
  });
  listen();
  await go(page.place);
  document.body.dataset.ready = 'true';
};

start().catch(failed);
