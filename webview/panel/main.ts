/**
 * The session panel's webview: header, timeline and composer. All remote content (payloads,
 * URLs, reasons) is set with textContent, never parsed as HTML.
 */
import type { FromWebviewMessage, HostMethods, ToWebviewMessage, WebviewMethods } from '../../src/shared/protocol';
import { REQUEST_TIMEOUT_MS } from '../../src/shared/protocol';
import { answerRequest, RequestTracker } from '../../src/shared/requestTracker';
import type { EventRow, SessionSummary } from '../../src/shared/sessionEvent';
import { getVsCodeApi } from './vscodeApi';

const vscode = getVsCodeApi<unknown>();
const post = (message: FromWebviewMessage): void => vscode.postMessage(message);
const hostRequests = new RequestTracker<HostMethods>(post, { setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h as number) }, REQUEST_TIMEOUT_MS);

const ARROWS: Record<EventRow['direction'], string> = { sent: '\u2191', received: '\u2193', local: '\u2022' };

// ---- layout -------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const app = document.getElementById('app') ?? document.body;
const header = el('header', 'session-header');
const titleEl = el('h1', 'session-title');
const urlEl = el('span', 'session-url');
const stateEl = el('span', 'session-state');
const countEl = el('span', 'session-count');
header.append(titleEl, urlEl, stateEl, countEl);

const timeline = el('div', 'timeline');
timeline.setAttribute('role', 'log');
timeline.setAttribute('aria-label', 'Session events');
timeline.tabIndex = 0;

const composer = el('form', 'composer');
const input = el('textarea', 'composer-input');
input.rows = 3;
input.setAttribute('aria-label', 'Message to send');
input.placeholder = 'Message text (Ctrl+Enter to send)';
const sendButton = el('button', 'composer-send', 'Send');
sendButton.type = 'submit';
const composerStatus = el('div', 'composer-status');
composerStatus.setAttribute('role', 'status');
composer.append(input, sendButton, composerStatus);

app.append(header, timeline, composer);

// ---- state --------------------------------------------------------------------------------

let session: SessionSummary | undefined;
let rowCount = 0;

function renderSession(next: SessionSummary): void {
  session = next;
  titleEl.textContent = next.title;
  urlEl.textContent = next.url;
  stateEl.textContent = next.state;
  stateEl.dataset.state = next.state;
  const open = next.state === 'open';
  input.disabled = !open;
  sendButton.disabled = !open;
  sendButton.title = open ? 'Send (Ctrl+Enter)' : `Cannot send: the connection is ${next.state}`;
  renderCount();
}

function renderCount(): void {
  countEl.textContent = `${rowCount} events`;
}

function renderRow(row: EventRow): HTMLElement {
  const node = el('div', `row kind-${row.kind} dir-${row.direction}`);
  node.setAttribute('role', 'listitem');
  node.dataset.seq = String(row.seq);
  node.append(
    el('span', 'row-time', formatTime(row.monoUs)),
    el('span', 'row-dir', ARROWS[row.direction]),
    el('span', 'row-kind', row.kind),
    el('span', 'row-size', row.size > 0 ? `${row.size} B` : ''),
    el('span', 'row-preview', row.truncated ? `${row.preview}\u2026` : row.preview),
  );
  return node;
}

function formatTime(monoUs: number): string {
  return `${(monoUs / 1000).toFixed(1)} ms`;
}

function appendRows(rows: readonly EventRow[]): void {
  const follow = timeline.scrollTop + timeline.clientHeight >= timeline.scrollHeight - 4;
  const fragment = document.createDocumentFragment();
  for (const row of rows) {
    if (row.seq !== rowCount) {
      // A gap or repeat means the host and the page disagree; start over rather than show a wrong log.
      post({ type: 'ready' });
      return;
    }
    fragment.append(renderRow(row));
    rowCount++;
  }
  timeline.append(fragment);
  renderCount();
  if (follow) {
    timeline.scrollTop = timeline.scrollHeight;
  }
}

// ---- messages -----------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot':
      timeline.replaceChildren();
      rowCount = message.firstSeq;
      renderSession(message.session);
      appendRows(message.rows);
      return;
    case 'rowsAppended':
      appendRows(message.rows);
      return;
    case 'sessionChanged':
      renderSession(message.session);
      return;
    case 'request':
      void answerRequest<WebviewMethods>(message, {
        renderedRows: () => Array.from(timeline.querySelectorAll<HTMLElement>('.row'), (row) => row.innerText.replace(/\s+/g, ' ').trim()),
      }).then(post);
      return;
    case 'reply':
      hostRequests.settle(message);
      return;
    default: {
      const unhandled: never = message;
      console.warn('unknown message from host', unhandled);
    }
  }
});

// ---- composer -----------------------------------------------------------------------------

async function send(): Promise<void> {
  const text = input.value;
  if (!session || session.state !== 'open') {
    return;
  }
  composerStatus.textContent = '';
  try {
    const { bytes } = await hostRequests.request('sendText', { text });
    composerStatus.textContent = `Sent ${bytes} bytes`;
    input.value = '';
  } catch (err) {
    composerStatus.textContent = err instanceof Error ? err.message : String(err);
  }
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  void send();
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void send();
  }
});

post({ type: 'ready' });
