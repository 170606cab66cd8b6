// @ts-check
// The sandbox's chat page: talk to the bot as its customers, watch webhooks and API calls live.
// State arrives over Server-Sent Events from /sandbox/events: a snapshot first, then changes.
import { avatar, conversationItem, messageElement } from './chat.js';
import { conversationNow, offsetText, windowState } from './clock.js';
import { h, request, shortTime } from './dom.js';
import {
  activeFaults,
  faultValue,
  isFaultName,
  logEntryElement,
  sliderValue,
} from './inspector.js';

/** @typedef {import('./chat.js').Message} Message */
/** @typedef {import('./chat.js').Conversation} Conversation */
/** @typedef {import('./inspector.js').LogEntry} LogEntry */
/** @typedef {import('./inspector.js').Faults} Faults */
/** @typedef {import('../server/page-wire.js').PageEvents} PageEvents */
/**
 * @template T
 * @typedef {import('../server/page-wire.js').Wire<T>} Wire
 */
/** @typedef {Conversation & { messages: Map<number, Message>, unread: number }} ConversationState */

const MAX_LOG_ENTRIES = 400;

/**
 * An element of the page, by id.
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return /** @type {T} */ (element);
}

const app = byId('app');
const conversationList = byId('conversations');
const messageList = byId('messages');
const composer = /** @type {HTMLFormElement} */ (byId('composer'));
const input = /** @type {HTMLTextAreaElement} */ (byId('message-input'));
const fileInput = /** @type {HTMLInputElement} */ (byId('file-input'));
const newCustomer = /** @type {HTMLFormElement} */ (byId('new-customer'));
const channelSelect = /** @type {HTMLSelectElement} */ (byId('customer-channel'));
const nameInput = /** @type {HTMLInputElement} */ (byId('customer-name'));
const log = byId('log');
const faultsForm = /** @type {HTMLFormElement} */ (byId('faults-form'));

const state = {
  /** @type {Map<number, ConversationState>} */
  conversations: new Map(),
  /** @type {number | undefined} */
  selected: undefined,
  /** A conversation to open as soon as it arrives (one this page just created). */
  /** @type {number | undefined} */
  opening: undefined,
  /** @type {string | null} */
  target: null,
  connected: false,
  /** @type {Faults | undefined} */
  faults: undefined,
};

// ---------- Status ----------

function renderStatus() {
  const dot = byId('status-dot');
  const text = byId('status-text');
  if (!state.connected) {
    dot.dataset.state = 'bad';
    text.textContent = 'Reconnecting to the sandbox…';
  } else if (state.target === null) {
    dot.dataset.state = 'warn';
    text.textContent = 'No bot connected: webhooks go nowhere';
  } else if (state.target === 'bot (in-process)') {
    dot.dataset.state = 'ok';
    text.textContent = 'Bot connected';
  } else {
    dot.dataset.state = 'ok';
    text.textContent = `Webhooks → ${state.target}`;
  }
}

// ---------- Conversations ----------

/**
 * @param {ConversationState} conversation
 * @returns {Message | undefined}
 */
function lastMessage(conversation) {
  return [...conversation.messages.values()].pop();
}

function renderConversations() {
  const items = [...state.conversations.values()].reverse().map((conversation) =>
    conversationItem(conversation, {
      selected: conversation.id === state.selected,
      unread: conversation.unread,
      last: lastMessage(conversation),
      onSelect: () => select(conversation.id, { focus: true }),
    }),
  );
  conversationList.replaceChildren(...items);
  byId('no-conversations').hidden = items.length > 0;
}

/**
 * Opens a conversation; `focus` puts the cursor in the message box (not on load: on a phone that
 * would open the keyboard unasked).
 * @param {number | undefined} id
 * @param {{ focus?: boolean }} [options]
 */
function select(id, options = {}) {
  state.selected = id;
  const conversation = id === undefined ? undefined : state.conversations.get(id);
  if (conversation) {
    conversation.unread = 0;
    history.replaceState(null, '', `#${conversation.id}`);
  }
  setDrawer('sidebar', false);
  renderConversations();
  renderChat();
  if (conversation && options.focus) input.focus();
}

// ---------- Messages ----------

function nearBottom() {
  return messageList.scrollHeight - messageList.scrollTop - messageList.clientHeight < 120;
}

function scrollToBottom() {
  messageList.scrollTop = messageList.scrollHeight;
}

/**
 * @param {string} title
 */
function press(title) {
  void send({ text: title });
}

function renderChat() {
  const conversation =
    state.selected === undefined ? undefined : state.conversations.get(state.selected);
  byId('welcome').hidden = conversation !== undefined;
  byId('chat-header').hidden = conversation === undefined;
  composer.hidden = conversation === undefined;
  if (!conversation) {
    messageList.replaceChildren();
    return;
  }
  byId('chat-avatar').replaceWith(Object.assign(avatar(conversation), { id: 'chat-avatar' }));
  byId('chat-name').textContent = conversation.name;
  byId('chat-details').textContent =
    `${conversation.channel.label} · ${conversation.senderId} · conversation ${conversation.id}`;
  renderClock();
  messageList.setAttribute('aria-label', `Messages with ${conversation.name}`);
  const messages = [...conversation.messages.values()].map((message) =>
    messageElement(message, press),
  );
  messageList.replaceChildren(
    h('li', { class: 'day-hint' }, messages.length === 0 ? 'Say “hi” to the bot 👋' : 'Today'),
    ...messages,
  );
  scrollToBottom();
}

// ---------- The customer's clock (WhatsApp Business) ----------

/**
 * The open chat's clock and 24-hour window, on WhatsApp Business: whether free-form messages are
 * delivered now, and buttons that let the customer stay silent for a while.
 */
function renderClock() {
  const conversation =
    state.selected === undefined ? undefined : state.conversations.get(state.selected);
  const chatWindow = conversation && windowState(conversation);
  const clock = byId('chat-clock');
  clock.hidden = !chatWindow;
  if (!conversation || !chatWindow) return;
  const status = byId('window-state');
  status.textContent = chatWindow.text;
  status.dataset.open = String(chatWindow.open);
  const offset = offsetText(conversation);
  byId('clock-time').textContent =
    `Customer's clock ${shortTime(new Date(conversationNow(conversation)).toISOString())}${offset ? ` (${offset})` : ''}`;
}

for (const button of document.querySelectorAll('[data-advance]')) {
  button.addEventListener('click', () => {
    const advance = /** @type {HTMLElement} */ (button).dataset.advance;
    if (state.selected === undefined || !advance) return;
    request('POST', `/sandbox/conversations/${state.selected}/clock`, { advance }).catch(showError);
  });
}

// The window closes by itself too, as real time passes.
window.setInterval(renderClock, 30_000);

/**
 * A conversation's clock moved, or its window changed: its header says so.
 * @param {Conversation} conversation
 */
function updateConversation(conversation) {
  const known = state.conversations.get(conversation.id);
  if (!known) return;
  Object.assign(known, conversation);
  if (conversation.id === state.selected) renderClock();
}

/**
 * A message arrived, or its ticks changed.
 * @param {number} conversationId
 * @param {Message} message
 */
function upsertMessage(conversationId, message) {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return;
  const isNew = !conversation.messages.has(message.id);
  conversation.messages.set(message.id, message);
  if (conversationId !== state.selected) {
    if (isNew && message.from === 'bot') conversation.unread++;
    renderConversations();
    return;
  }
  const stick = nearBottom();
  const element = messageElement(message, press);
  const existing = messageList.querySelector(`[data-id="${message.id}"]`);
  if (existing) existing.replaceWith(element);
  else {
    messageList.querySelector('.day-hint')?.replaceChildren('Today');
    messageList.append(element);
  }
  if (isNew) renderConversations();
  if (stick || (isNew && message.from === 'customer')) scrollToBottom();
}

// ---------- Writing ----------

/**
 * Shows a failure for a few seconds.
 * @param {unknown} error
 */
function showError(error) {
  const note = h(
    'div',
    { class: 'toast', role: 'alert' },
    String(/** @type {Error} */ (error).message ?? error),
  );
  byId('chat').append(note);
  setTimeout(() => note.remove(), 6000);
}

/**
 * The customer writes to the bot: text, a file, or a location.
 * @param {Record<string, unknown> | FormData} body
 */
async function send(body) {
  if (state.selected === undefined) return;
  try {
    await request('POST', `/sandbox/conversations/${state.selected}/messages`, body);
  } catch (error) {
    showError(error);
  }
}

function growInput() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value;
  if (text.trim() === '') return;
  input.value = '';
  growInput();
  void send({ text });
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    composer.requestSubmit();
  }
});
input.addEventListener('input', growInput);

byId('attach').addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file);
  if (input.value.trim() !== '') form.append('text', input.value);
  input.value = '';
  fileInput.value = '';
  growInput();
  void send(form);
});

/** Places a customer may share, so the demo needs no permission to read the real one. */
const PLACES = [
  { latitude: 55.753915, longitude: 37.620795 },
  { latitude: 52.516275, longitude: 13.377704 },
  { latitude: 38.697802, longitude: -9.206194 },
  { latitude: 35.658581, longitude: 139.745433 },
];
byId('share-location').addEventListener('click', () => {
  const place = PLACES[Math.floor(Math.random() * PLACES.length)];
  void send({ location: place });
});

// ---------- New customers ----------

const NAMES = ['Alex', 'Maria', 'Ivan', 'Sofia', 'Omar', 'Lena', 'Kenji', 'Ana', 'Tom', 'Zoe'];

function suggestName() {
  nameInput.placeholder = NAMES[Math.floor(Math.random() * NAMES.length)] ?? 'Alex';
}

newCustomer.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = nameInput.value.trim() || nameInput.placeholder;
  void (async () => {
    try {
      const answer = /** @type {{ conversationId: number }} */ (
        await request('POST', '/sandbox/customers', { name, channel: channelSelect.value })
      );
      nameInput.value = '';
      suggestName();
      if (state.conversations.has(answer.conversationId)) {
        select(answer.conversationId, { focus: true });
      } else state.opening = answer.conversationId;
    } catch (error) {
      showError(error);
    }
  })();
});

// ---------- Log ----------

/**
 * @param {LogEntry} entry
 */
function addLogEntry(entry) {
  log.prepend(logEntryElement(entry));
  while (log.childElementCount > MAX_LOG_ENTRIES) log.lastElementChild?.remove();
  byId('log-empty').hidden = true;
}

for (const button of document.querySelectorAll('[data-filter]')) {
  button.addEventListener('click', () => {
    const filter = /** @type {HTMLElement} */ (button).dataset.filter ?? 'all';
    log.dataset.filter = filter;
    for (const other of document.querySelectorAll('[data-filter]')) {
      other.setAttribute('aria-pressed', String(other === button));
    }
  });
}

// ---------- Faults ----------

function renderFaults() {
  const { faults } = state;
  if (!faults) return;
  for (const row of faultsForm.querySelectorAll('.fault')) {
    const element = /** @type {HTMLElement} */ (row);
    const name = element.dataset.fault;
    if (!isFaultName(name)) continue;
    const slider = /** @type {HTMLInputElement} */ (element.querySelector('input'));
    const output = /** @type {HTMLOutputElement} */ (element.querySelector('output'));
    const value = sliderValue(name, faults[name]);
    if (document.activeElement !== slider) slider.value = String(value);
    output.value = `${slider.value} ${element.dataset.unit ?? ''}`.replace(' %', '%');
  }
  const active = activeFaults(faults);
  const summary = byId('faults-summary');
  summary.textContent = active === 0 ? 'off' : `${active} on`;
  summary.dataset.active = String(active > 0);
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let faultsTimer;
faultsForm.addEventListener('input', (event) => {
  const slider = /** @type {HTMLInputElement} */ (event.target);
  const row = /** @type {HTMLElement | null} */ (slider.closest('.fault'));
  const name = row?.dataset.fault;
  if (!isFaultName(name) || !state.faults) return;
  state.faults = { ...state.faults, [name]: faultValue(name, Number(slider.value)) };
  renderFaults();
  clearTimeout(faultsTimer);
  faultsTimer = setTimeout(() => {
    request('PUT', '/sandbox/faults', { [name]: faultValue(name, Number(slider.value)) }).catch(
      showError,
    );
  }, 150);
});

byId('calm-day').addEventListener('click', () => {
  const calm = {
    rateLimited: 0,
    serverErrors: 0,
    connectionResets: 0,
    undelivered: 0,
    latencyMs: 0,
  };
  request('PUT', '/sandbox/faults', calm).catch(showError);
});

// ---------- Drawers (narrow screens) and the inspector ----------

/**
 * Opens or closes the chats (narrow screens) or the inspector.
 * @param {'sidebar' | 'inspector'} which
 * @param {boolean} open
 */
function setDrawer(which, open) {
  if (which === 'sidebar') {
    app.dataset.sidebar = open ? 'open' : 'closed';
    byId('toggle-sidebar').setAttribute('aria-expanded', String(open));
  } else {
    app.dataset.inspector = open ? 'open' : 'closed';
    byId('toggle-inspector').setAttribute('aria-expanded', String(open));
  }
}

const wide = window.matchMedia('(min-width: 1181px)');
/** Whether the inspector shows right now (by default: on wide screens only). */
function inspectorShown() {
  const chosen = app.dataset.inspector;
  return chosen === undefined ? wide.matches : chosen === 'open';
}
byId('toggle-inspector').setAttribute('aria-expanded', String(inspectorShown()));
byId('toggle-inspector').addEventListener('click', () => setDrawer('inspector', !inspectorShown()));
byId('toggle-sidebar').addEventListener('click', () =>
  setDrawer('sidebar', app.dataset.sidebar !== 'open'),
);
byId('scrim').addEventListener('click', () => {
  setDrawer('sidebar', false);
  if (!wide.matches) setDrawer('inspector', false);
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  setDrawer('sidebar', false);
  if (!wide.matches && inspectorShown()) setDrawer('inspector', false);
});

// ---------- The event stream ----------

/**
 * Everything anew: on first connect, and after every reconnect.
 * @param {Wire<PageEvents['snapshot']>} snapshot
 */
function load(snapshot) {
  byId('company').textContent =
    `· ${snapshot.company.name} (company ${snapshot.company.id}) · API v${snapshot.apiVersion}`;
  const chosen = channelSelect.value || 'whatsapp_business';
  channelSelect.replaceChildren(
    ...snapshot.channelTypes.map(({ type, label }) =>
      h('option', { value: type, selected: type === chosen }, label),
    ),
  );
  const previous = state.conversations;
  state.conversations = new Map(
    snapshot.conversations.map((conversation) => [
      conversation.id,
      {
        ...conversation,
        messages: new Map(conversation.messages.map((message) => [message.id, message])),
        unread: previous.get(conversation.id)?.unread ?? 0,
      },
    ]),
  );
  state.target = snapshot.target;
  state.faults = snapshot.faults;
  log.replaceChildren();
  byId('log-empty').hidden = snapshot.log.length > 0;
  for (const entry of snapshot.log) addLogEntry(entry);
  renderFaults();
  renderStatus();
  const fromHash = Number(location.hash.slice(1));
  const wanted = state.selected ?? (state.conversations.has(fromHash) ? fromHash : undefined);
  const newest = [...state.conversations.keys()].pop();
  select(wanted !== undefined && state.conversations.has(wanted) ? wanted : newest);
}

/**
 * Listens to one kind of event of the stream, its JSON read as the server's type says.
 * @template {keyof PageEvents} K
 * @param {EventSource} source
 * @param {K} name
 * @param {(data: Wire<PageEvents[K]>) => void} handle
 */
function on(source, name, handle) {
  source.addEventListener(name, (event) =>
    handle(JSON.parse(/** @type {MessageEvent<string>} */ (event).data)),
  );
}

function connect() {
  const source = new EventSource('/sandbox/events');
  source.addEventListener('open', () => {
    state.connected = true;
    renderStatus();
  });
  source.addEventListener('error', () => {
    state.connected = false;
    renderStatus();
  });
  on(source, 'snapshot', (snapshot) => {
    state.connected = true;
    load(snapshot);
  });
  on(source, 'conversation', (conversation) => {
    state.conversations.set(conversation.id, { ...conversation, messages: new Map(), unread: 0 });
    if (state.opening === conversation.id || state.selected === undefined) {
      const opening = state.opening === conversation.id;
      state.opening = undefined;
      select(conversation.id, { focus: opening });
    } else renderConversations();
  });
  on(source, 'conversationUpdated', updateConversation);
  on(source, 'conversationDeleted', (conversation) => {
    state.conversations.delete(conversation.id);
    if (state.selected === conversation.id) select([...state.conversations.keys()].pop());
    else renderConversations();
  });
  on(source, 'message', ({ conversationId, message }) => upsertMessage(conversationId, message));
  on(source, 'log', addLogEntry);
  on(source, 'faults', (faults) => {
    state.faults = faults;
    renderFaults();
  });
  on(source, 'target', (target) => {
    state.target = target;
    renderStatus();
  });
}

suggestName();
connect();
