/**
 * The session webview: wires the header, filter bar, virtualized timeline, details pane and
 * composer to the host's typed messages. The same bundle runs as the inspector panel and, with
 * `<body data-mode="log">`, as the compact message log (no details, no composer; a click reveals
 * the row in the panel). All remote content (payloads, URLs, reasons) is set with textContent.
 */
import type { ToWebviewMessage, ViewState, WebviewMethods } from '../../src/shared/protocol';
import { answerRequest } from '../../src/shared/requestTracker';
import type { SessionSummary } from '../../src/shared/sessionEvent';
import { Composer } from './composer';
import { DetailsPane } from './details';
import { el, errorText, iconButton } from './dom';
import { FilterBar } from './filterBar';
import { SessionHeader } from './header';
import { host, post } from './hostChannel';
import { persist, persisted, persistSoon, PERSISTED_ROWS } from './persistedState';
import { Timeline } from './timeline';

/** True in the development build (the tests'), false in what ships: scripts/build.mjs defines it. */
declare const __WSI_TEST_PROBES__: boolean;

const compact = document.body.dataset.mode === 'log';
document.body.classList.add(compact ? 'mode-log' : 'mode-panel');


const timeline = new Timeline({
  fetchRows: (start, end) => host.request('rows', { start, end }),
  onOpen: (row) => {
    if (compact) {
      void host.request('revealInPanel', { seq: row.seq }).catch((err) => (statusEl.textContent = errorText(err)));
    } else {
      void details.open(row.seq);
    }
  },
  onSelect: (row) => {
    // While the details pane is open it follows the selection.
    if (row && details.isOpen && details.seq !== row.seq) void details.open(row.seq);
  },
  onEscape: () => closeDetails(),
  onFollowChange: (following) => {
    jump.hidden = following;
  },
});
timeline.setTimeMode(persisted().timeMode ?? 'relative');

const details = new DetailsPane(() => closeDetails());
const header = new SessionHeader(
  {
    onClear: async () => {
      closeDetails();
      resetView(await host.request('clear', {}));
    },
    onTimeMode: (mode) => {
      persist({ timeMode: mode });
      timeline.setTimeMode(mode);
    },
  },
  persisted().timeMode ?? 'relative',
  compact,
);
const filterBar = new FilterBar((view) => {
  persist({ filter: view.filter });
  resetView(view);
});
const composer = compact ? undefined : new Composer();

const jump = iconButton('arrow-down', 'Jump to latest', { className: 'jump-latest', showLabel: true });
jump.hidden = true;
jump.addEventListener('click', () => timeline.jumpToLatest());
const statusEl = el('div', 'log-status');
statusEl.setAttribute('role', 'status');

const timelineWrap = el('div', 'timeline-wrap');
timelineWrap.append(timeline.element, jump);
const app = document.getElementById('app') ?? document.body;
app.append(header.element, filterBar.element, timelineWrap, statusEl);
if (!compact) app.append(details.element, composer!.element);

function closeDetails(): void {
  if (!details.isOpen) return;
  details.close();
  timeline.element.focus();
}

function resetView(view: ViewState, firstIndex = view.viewCount, rows: Parameters<Timeline['reset']>[3] = []): void {
  timeline.reset(view.viewCount, view.version, firstIndex, rows);
  filterBar.showCount(view);
  header.renderCount(view.viewCount);
}

function renderSession(next: SessionSummary): void {
  header.render(next, timeline.viewCount);
  composer?.setSession(next.state, next.ended === true);
  persistSoon({ session: next, lastRows: timeline.tailRows(PERSISTED_ROWS) });
}

async function reveal(seq: number): Promise<void> {
  try {
    const { index } = await host.request('indexOf', { seq });
    if (index === null) {
      statusEl.textContent = `Event #${seq} is hidden by the filter or by Clear.`;
      return;
    }
    timeline.select(index);
    timeline.element.focus();
    if (!compact) void details.open(seq);
  } catch (err) {
    statusEl.textContent = errorText(err);
  }
}

let lastTotal = 0;
/** The id of the session the last snapshot showed: messages about another session are late, and dropped. */
let shownSession: string | undefined;

const textOf = (selector: string): string => (document.querySelector(selector) as HTMLElement | null)?.innerText.trim() ?? '';

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot': {
      shownSession = message.session.id;
      filterBar.show(message.view.filter, message.view.filterError);
      lastTotal = message.view.totalCount;
      resetView(message.view, message.firstIndex, message.rows);
      renderSession(message.session);
      composer?.setSavedMessages(message.savedMessages);
      statusEl.textContent = '';
      return;
    }
    case 'rowsAppended':
      lastTotal = message.totalCount;
      timeline.append(message.firstIndex, message.rows, message.viewCount, message.version);
      filterBar.showCount({ viewCount: timeline.viewCount, totalCount: lastTotal, filter: filterBar.current() });
      header.renderCount(timeline.viewCount);
      return;
    case 'sessionChanged':
      // A late word about the session shown before (the Message Log follows the focus) changes nothing here.
      if (message.session.id === shownSession) renderSession(message.session);
      return;
    case 'revealRow':
      void reveal(message.seq);
      return;
    case 'detached':
      shownSession = undefined;
      resetView({ filter: filterBar.current(), clearedBefore: 0, viewCount: 0, totalCount: 0, version: -1 });
      statusEl.textContent = 'No session is selected. Connect one, or focus a session panel.';
      return;
    case 'request':
      // The host's requests of the page are test probes (what the page rendered, what it keeps): only
      // the development build that the tests run answers them; in what ships this branch is removed.
      if (__WSI_TEST_PROBES__) {
        void answerRequest<WebviewMethods>(message, {
          renderedRows: () => timeline.renderedTexts(),
          renderedDetails: () => details.rendered(),
          persistedState: () => persisted(),
          renderedHeader: () => ({ counters: textOf('.session-counters'), events: textOf('.session-count'), filterCount: textOf('.filter-count') }),
        }).then(post);
      }
      return;
    case 'reply':
      host.settle(message);
      return;
    default: {
      const unhandled: never = message;
      console.warn('unknown message from host', unhandled);
    }
  }
});

// Escape closes the details from anywhere in the page.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && details.isOpen) {
    event.preventDefault();
    closeDetails();
  }
});

post({ type: 'ready' });
