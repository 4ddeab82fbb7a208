/** The panel header: title, URL, state, negotiated subprotocol and extensions, counters, RTT, and the session's buttons. */
import { formatBytes } from '../../src/shared/sessionCounters';
import type { SessionSummary } from '../../src/shared/sessionEvent';
import { el, errorText, iconButton, remote, setText } from './dom';
import { host } from './hostChannel';
import type { TimeMode } from './persistedState';

export class SessionHeader {
  readonly element: HTMLElement;
  private readonly titleEl = el('h1', 'session-title');
  private readonly urlEl = el('span', 'session-url');
  private readonly stateEl = el('span', 'session-state');
  private readonly negotiatedEl = el('span', 'session-negotiated');
  private readonly countersEl = el('span', 'session-counters');
  /** What negotiatedEl shows (see render). */
  private negotiatedShown = '';
  private readonly rttEl = el('span', 'session-rtt');
  private readonly countEl = el('span', 'session-count');
  private readonly disconnect = iconButton('debug-disconnect', 'Disconnect', { className: 'session-disconnect', showLabel: true });
  private readonly reconnect = iconButton('debug-restart', 'Reconnect', { className: 'session-reconnect', showLabel: true });
  private readonly clear = iconButton('clear-all', 'Clear', { className: 'session-clear', showLabel: true });
  private readonly timeToggle = iconButton('clock', 'Time: relative', { className: 'session-time', showLabel: true });
  private readonly banner = el('div', 'session-banner');
  private readonly errorEl = el('span', 'session-error');

  constructor(
    private readonly callbacks: { onClear: () => Promise<void>; onTimeMode: (mode: TimeMode) => void },
    private timeMode: TimeMode,
    compact: boolean,
  ) {
    this.element = el('header', 'session-header');
    this.stateEl.setAttribute('role', 'status');
    this.errorEl.setAttribute('role', 'alert');
    this.banner.hidden = true;
    const facts = el('div', 'session-facts');
    facts.append(this.titleEl, this.stateEl, this.urlEl, this.negotiatedEl, this.countersEl, this.rttEl, this.countEl);
    this.countersEl.title = 'Messages and payload bytes sent (\u2191) and received (\u2193)';
    const buttons = el('div', 'session-buttons');
    buttons.append(this.timeToggle);
    if (!compact) buttons.append(this.disconnect, this.reconnect, this.clear);
    this.element.append(facts, buttons, this.errorEl, this.banner);
    this.disconnect.addEventListener('click', () => void this.run(host.request('disconnect', {})));
    this.reconnect.addEventListener('click', () => void this.run(host.request('reconnect', {})));
    this.clear.addEventListener('click', () => void this.run(this.callbacks.onClear()));
    this.timeToggle.addEventListener('click', () => {
      this.timeMode = this.timeMode === 'relative' ? 'wall' : 'relative';
      this.renderTimeMode();
      this.callbacks.onTimeMode(this.timeMode);
    });
    this.renderTimeMode();
  }

  render(session: SessionSummary, viewCount: number): void {
    setText(this.titleEl, session.title);
    setText(this.urlEl, session.url);
    setText(this.stateEl, session.ended ? 'ended' : session.state);
    this.stateEl.dataset.state = session.ended ? 'closed' : session.state;
    const n = session.negotiated;
    // Rebuilt only when it changes (a JSON key, so a subprotocol can never pass for an extension).
    const negotiated = n ? JSON.stringify([n.subprotocol, n.extensions]) : '';
    if (negotiated !== this.negotiatedShown) {
      this.negotiatedShown = negotiated;
      if (n) this.negotiatedEl.replaceChildren('subprotocol: ', remote(n.subprotocol || '(none)'), ' \u00b7 extensions: ', remote(n.extensions || '(none)'));
      else this.negotiatedEl.replaceChildren();
    }
    const c = session.counters;
    setText(this.countersEl, `\u2191 ${c.messagesSent} msg / ${formatBytes(c.bytesSent)}  \u2193 ${c.messagesReceived} msg / ${formatBytes(c.bytesReceived)}`);
    setText(this.rttEl, c.lastRttMs !== undefined ? `RTT ${c.lastRttMs.toFixed(1)} ms` : '');
    this.renderCount(viewCount);
    const active = session.state === 'open' || session.state === 'connecting' || session.state === 'reconnecting';
    this.disconnect.disabled = session.ended === true || !active;
    this.reconnect.disabled = session.state === 'connecting';
    this.clear.disabled = session.ended === true;
    this.banner.hidden = !session.ended;
    setText(this.banner, session.ended ? 'This session ended when the window was reloaded; its last rows are shown. Reconnect to start a new session.' : '');
  }

  renderCount(viewCount: number): void {
    setText(this.countEl, `${viewCount} events`);
  }

  private renderTimeMode(): void {
    const label = this.timeMode === 'relative' ? 'Time: relative' : 'Time: wall clock';
    this.timeToggle.title = `${label} (click to switch)`;
    this.timeToggle.setAttribute('aria-label', `${label} (click to switch)`);
    this.timeToggle.querySelector('.icon-button-label')!.textContent = label;
  }

  private async run(request: Promise<unknown>): Promise<void> {
    this.errorEl.textContent = '';
    try {
      await request;
    } catch (err) {
      this.errorEl.textContent = errorText(err);
    }
  }
}
