/**
 * Adapts one session to its webviews. `SessionChannel` speaks the typed protocol over any webview
 * (the inspector panel, or the message log view in compact mode): a snapshot when the webview says
 * it is ready, appended rows in batches, row ranges on request, and the webview's other requests.
 * `SessionPanel` is the inspector panel: one WebviewPanel per session with one channel.
 */
import * as vscode from 'vscode';
import { toEventRow } from '../core/eventRow';
import type { SessionEvent } from '../core/eventStore';
import { encodeSavedMessage, parseProfile, type ReadFile, type SavedMessage } from '../core/profile';
import { refusedBodyFor } from '../core/refusedUpgrade';
import type { WebSocketSession } from '../core/session';
import { TimelineView } from '../core/timelineView';
import { processEnvResolver, type VariableResolver } from '../core/variables';
import { DETAILS_PAYLOAD_MAX_BYTES, type EventDetails, type HandshakeDetails, type RefusedBodyDetails } from '../shared/eventDetails';
import { hexDump } from '../shared/hexDump';
import {
  REQUEST_TIMEOUT_MS,
  TAIL_ROWS,
  type FromWebviewMessage,
  type HostMethods,
  type RenderedDetails,
  type RenderedHeader,
  type ToWebviewMessage,
  type ViewState,
  type WebviewMethods,
} from '../shared/protocol';
import { answerViewRequest } from '../shared/hostRequests';
import { RequestError, RequestTracker } from '../shared/requestTracker';
import { CLOSE_NORMAL } from '../shared/rfc6455';
import type { EventRow, SessionSummary } from '../shared/sessionEvent';
import { PageLoadWatchdog } from './pageLoadWatchdog';
import { PANEL_VIEW_TYPE } from './panelViewType';
import { renderWebviewHtml, webviewResourceRoots } from './webviewHtml';

/**
 * While rows arrive faster than BUSY_ROWS per BUSY_WINDOW_MS, they are flushed to the webview at most
 * every FLUSH_INTERVAL_MS, so a flood costs one message per interval, not one per event. Slower
 * traffic (a person's messages and their echoes) goes out as it comes, with no added latency.
 */
const FLUSH_INTERVAL_MS = 25;
const BUSY_WINDOW_MS = 100;
const BUSY_ROWS = 50;

export interface SessionChannelOptions {
  /** The profile's saved messages, sent from one-click buttons. */
  readonly savedMessages?: () => readonly SavedMessage[];
  readonly resolver?: VariableResolver;
  /** Reads saved messages' files; the disk when omitted. */
  readonly readFile?: ReadFile;
  readonly profileUri?: vscode.Uri;
  /** Message log: a row was clicked. */
  readonly onRevealInPanel?: (seq: number) => void;
  /** Which methods the webview may call (hostRequests.ts); the inspector panel's when omitted. */
  readonly view?: 'panel' | 'messageLog';
}

export class SessionChannel implements vscode.Disposable {
  private readonly requests: RequestTracker<WebviewMethods>;
  private readonly view: TimelineView;
  private readonly disposables: vscode.Disposable[] = [];
  /** True once the webview has its snapshot; appended rows are sent only then. */
  private synced = false;
  /** View index of the first row not yet sent to the webview. */
  private sentUpTo = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** performance.now() of the last flush, for the interval between flushes. */
  private lastFlushAt = -Infinity;
  /** Events logged between windowStart and the last flush (shown or filtered out): the measure of "busy". */
  private windowRows = 0;
  private windowStart = -Infinity;
  private flushedLength = 0;
  private disposed = false;
  /** setFilter requests being answered: their reply carries the view, so a stopped filter needs no snapshot. */
  private applyingFilter = 0;
  /** What the link to the page has done, told when a request to the page goes unanswered. */
  private readonly link = { readies: 0, lastHeardAt: -Infinity, requestsNotDelivered: 0 };

  constructor(
    private readonly webview: vscode.Webview,
    readonly session: WebSocketSession,
    private readonly options: SessionChannelOptions = {},
  ) {
    // A regular expression that took too long outside a setFilter request (on newly logged events, or
    // while rows were read): the view changed under the webview, which starts over from a snapshot.
    this.view = new TimelineView(
      session.store,
      () => {
        if (this.applyingFilter === 0) queueMicrotask(() => this.synced && !this.disposed && this.sendSnapshot());
      },
      // The scan of newly logged events goes on a slice a turn; the rows it lets in go out like any
      // appended rows (while a filter is applied, its reply carries them).
      {
        onRowsScanned: () => {
          if (this.applyingFilter === 0) this.scheduleFlush();
        },
      },
    );
    this.requests = new RequestTracker<WebviewMethods>(
      (request) => void webview.postMessage(request).then((delivered) => void (delivered || this.link.requestsNotDelivered++), () => void this.link.requestsNotDelivered++),
      { setTimeout, clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      REQUEST_TIMEOUT_MS,
    );
    this.disposables.push(webview.onDidReceiveMessage((message: FromWebviewMessage) => this.onMessage(message)));
    const unsubscribeRows = session.store.subscribe(() => this.scheduleFlush());
    const unsubscribeState = session.onStateChange(() => {
      // Rows logged before the state change go out before it, so the header never runs ahead of the timeline.
      session.store.flushNotifications();
      this.flush();
      if (this.synced) void this.post({ type: 'sessionChanged', session: this.summary() });
    });
    this.disposables.push({ dispose: unsubscribeRows }, { dispose: unsubscribeState });
  }

  /** Asks the page for the text of its rendered rows (used by tests to read what a person sees). */
  renderedRows(): Promise<string[]> {
    return this.askPage('renderedRows');
  }

  renderedDetails(): Promise<RenderedDetails | null> {
    return this.askPage('renderedDetails');
  }

  /** What the page keeps with setState (tests check it holds no secret). */
  persistedState(): Promise<unknown> {
    return this.askPage('persistedState');
  }

  /** The header's counters and counts as the page renders them. */
  renderedHeader(): Promise<RenderedHeader> {
    return this.askPage('renderedHeader');
  }

  /** A request to the page; when it goes unanswered, the error tells what the link did meanwhile, to tell a hidden page from a stuck one. */
  private askPage<K extends keyof WebviewMethods>(method: K): Promise<WebviewMethods[K]['result']> {
    return this.requests.request(method, {}).catch((err: unknown) => {
      if (!(err instanceof RequestError) || err.kind !== 'timeout') throw err;
      const heard = this.link.lastHeardAt === -Infinity ? 'never heard from' : `last heard from ${Math.round(performance.now() - this.link.lastHeardAt)} ms ago`;
      throw new RequestError(`${err.message}; the page: ${this.synced ? 'has its snapshot' : 'waits to be shown'}, sent ready ${this.link.readies} time(s), ${heard}; ${this.link.requestsNotDelivered} request(s) not delivered by VS Code`, 'timeout');
    });
  }

  /** How often the page has loaded its document and said `ready` (tests check a hidden or reloaded page came back). */
  get pageLoads(): number {
    return this.link.readies;
  }

  /** The webview lost its document (hidden without retained context); it sends `ready` when shown again. */
  markUnsynced(): void {
    this.synced = false;
  }

  /** Sends a fresh snapshot without waiting for `ready` (the message log switching sessions). */
  sendSnapshot(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const view = this.view.state();
    const firstIndex = Math.max(0, view.viewCount - TAIL_ROWS);
    const rows = this.rows(firstIndex, view.viewCount);
    this.sentUpTo = view.viewCount;
    this.synced = true;
    const savedMessages = (this.options.savedMessages?.() ?? []).map((m) => m.name);
    void this.post({ type: 'snapshot', session: this.summary(), view, firstIndex, rows, savedMessages });
  }

  revealRow(seq: number): void {
    void this.post({ type: 'revealRow', seq });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.flushTimer);
    this.view.dispose();
    this.requests.close('the webview was closed');
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private onMessage(message: FromWebviewMessage): void {
    this.link.lastHeardAt = performance.now();
    switch (message.type) {
      case 'ready':
        this.link.readies++;
        this.sendSnapshot();
        return;
      case 'request':
        void answerViewRequest(this.options.view ?? 'panel', message, this.handlers).then((reply) => this.post(reply));
        return;
      case 'reply':
        this.requests.settle(message);
        return;
      default: {
        const unhandled: never = message;
        console.warn(`[wsInspector] unknown message from webview: ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private readonly handlers: { [K in keyof HostMethods]: (params: HostMethods[K]['params']) => HostMethods[K]['result'] | Promise<HostMethods[K]['result']> } = {
    rows: ({ start, end }) => {
      // While a new filter is scanned in slices, the page still shows the view before it, whose rows
      // it asks for; the answer would carry the new version (which the page drops). So it gets an
      // empty page of the current version.
      if (this.applyingFilter > 0) return { firstIndex: 0, rows: [], viewCount: this.view.count, version: this.view.version };
      const rows = this.rows(start, end);
      return { firstIndex: Math.max(0, Math.min(start, this.view.count)), rows, viewCount: this.view.count, version: this.view.version };
    },
    setFilter: async ({ filter }) => {
      this.view.setFilter(filter);
      this.applyingFilter++;
      try {
        await this.view.catchUpInSlices();
        return this.resetView();
      } finally {
        this.applyingFilter--;
      }
    },
    clear: () => {
      this.session.store.flushNotifications();
      this.view.clear();
      return this.resetView();
    },
    indexOf: async ({ seq }) => ({ index: await this.view.indexOf(seq) }),
    details: ({ seq }) => this.details(seq),
    revealHeader: ({ seq, index }) => {
      const header = this.event(seq).handshake?.headers[index];
      if (!header) throw new Error(`Event ${seq} has no header number ${index + 1}.`);
      return { value: header[1] };
    },
    send: async ({ mode, text, encoding }) => {
      switch (mode) {
        case 'text':
          return { bytes: this.session.sendText(text) };
        case 'json':
          return { bytes: this.session.sendJson(text) };
        case 'binary': {
          // The same hex/base64 rules as a profile's saved messages; "$" cannot occur in valid input, so no variable is resolved.
          const message = await encodeSavedMessage({ name: 'composer', type: 'binary', data: text, encoding }, async () => undefined);
          return { bytes: this.session.send(message) };
        }
        default: {
          const unhandled: never = mode;
          throw new Error(`unknown composer mode ${String(unhandled)}`);
        }
      }
    },
    sendFile: async () => {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Send as binary message', title: 'Send a file as one binary message' });
      const uri = picked?.[0];
      if (!uri) return null;
      const bytes = await vscode.workspace.fs.readFile(uri);
      return { bytes: this.session.sendBinary(bytes), file: vscode.workspace.asRelativePath(uri) };
    },
    sendSaved: async ({ name }) => {
      const saved = this.options.savedMessages?.().find((m) => m.name === name);
      if (!saved) throw new Error(`The profile has no saved message named "${name}".`);
      const message = await encodeSavedMessage(saved, this.options.resolver ?? processEnvResolver, this.options.readFile);
      return { bytes: this.session.send(message) };
    },
    ping: ({ payload }) => {
      const bytes = Buffer.from(payload, 'utf8');
      this.session.ping(bytes);
      return { bytes: bytes.length };
    },
    close: ({ code, reason }) => {
      this.session.close(code, reason);
      return {};
    },
    disconnect: () => {
      this.session.close(CLOSE_NORMAL, '');
      return {};
    },
    reconnect: () => {
      this.session.reconnect();
      return {};
    },
    copy: async ({ seq, as }) => {
      await vscode.env.clipboard.writeText(payloadAs(this.unmaskedEvent(seq), as));
      return {};
    },
    openInEditor: async ({ seq }) => {
      const event = this.unmaskedEvent(seq);
      const text = payloadAs(event, 'text');
      const json = parsesAsJson(text);
      const document = await vscode.workspace.openTextDocument({ content: json ? JSON.stringify(JSON.parse(text), null, 2) : text, language: json ? 'json' : 'plaintext' });
      await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return {};
    },
    revealInPanel: ({ seq }) => {
      if (!this.options.onRevealInPanel) throw new Error('This view has no panel to reveal rows in.');
      this.options.onRevealInPanel(seq);
      return {};
    },
  };

  /** After a filter or Clear: the webview starts over from the returned state and asks for the rows it shows. */
  private resetView(): ViewState {
    const state = this.view.state();
    this.sentUpTo = state.viewCount;
    void this.post({ type: 'sessionChanged', session: this.summary() });
    return state;
  }

  private event(seq: number): SessionEvent {
    const event = this.session.store.get(seq);
    if (!event) throw new Error(`Event ${seq} is not in the log.`);
    return event;
  }

  /** An event whose payload may be copied or opened: not a handshake carrying credentials (those are revealed one header at a time). */
  private unmaskedEvent(seq: number): SessionEvent {
    const event = this.event(seq);
    if (event.handshake?.headers.some(([name, value]) => this.session.mask.isSensitiveHeader(name, value))) {
      throw new Error('This handshake carries credentials; reveal them in its Headers table instead.');
    }
    return event;
  }

  /**
   * Rows as the webview gets them: resolved secrets replaced by their `${secret:…}` (a preview may
   * quote the URL), because the webview persists its last rows with setState.
   */
  private rows(start: number, end: number): EventRow[] {
    const mask = this.session.mask;
    return this.view.rows(start, end).map((row) => ({ ...row, preview: mask.redact(row.preview) }));
  }

  /** The handshake's headers with credentials withheld: the value goes to the webview only through `revealHeader`. */
  private maskedHandshake(handshake: NonNullable<SessionEvent['handshake']>, body?: RefusedBodyDetails): HandshakeDetails {
    const mask = this.session.mask;
    const maskedHeaders: number[] = [];
    const headers = handshake.headers.map(([name, value], index): readonly [string, string] => {
      if (!mask.isSensitiveHeader(name, value)) return [name, value];
      maskedHeaders.push(index);
      return [name, ''];
    });
    return { startLine: mask.redact(handshake.startLine), headers, maskedHeaders, acceptCheck: handshake.acceptCheck, negotiated: handshake.negotiated, ...(body ? { body } : {}) };
  }

  /** A refused upgrade's body, for its response's details: masked like every text the panel shows. */
  private refusedBody(seq: number): RefusedBodyDetails | undefined {
    return refusedBodyFor((at) => this.session.store.get(at), seq, (text) => this.session.mask.redact(text));
  }

  private details(seq: number): EventDetails {
    const event = this.event(seq);
    // A handshake's payload is its raw HTTP head, credentials and all; the pane shows the parsed headers (masked) instead.
    const payload = event.handshake ? undefined : event.payload;
    const head = payload ? payload.subarray(0, DETAILS_PAYLOAD_MAX_BYTES) : undefined;
    const row = toEventRow(event);
    return {
      row: { ...row, preview: this.session.mask.redact(row.preview) },
      message: event.message === undefined ? undefined : this.session.mask.redact(event.message),
      payloadBase64: head ? head.toString('base64') : undefined,
      payloadBytes: event.size,
      payloadTruncated: payload ? payload.length > DETAILS_PAYLOAD_MAX_BYTES : false,
      payloadDropped: event.payloadDropped === true,
      handshake: event.handshake ? this.maskedHandshake(event.handshake, this.refusedBody(seq)) : undefined,
      close: event.close ? { ...event.close } : undefined,
      wire: event.wire
        ? {
            wireBytes: event.wire.wireBytes,
            frameCount: event.wire.frameCount,
            compressed: event.wire.compressed,
            frames: event.wire.frames.map((f) => ({
              fin: f.fin, rsv1: f.rsv1, rsv2: f.rsv2, rsv3: f.rsv3, opcode: f.opcode, opcodeName: f.opcodeName, masked: f.masked,
              maskKey: f.maskKey === undefined ? undefined : f.maskKey.toString(16).padStart(8, '0'), payloadLength: f.payloadLength,
            })),
          }
        : undefined,
      rttMs: event.rttMs,
      automatic: event.automatic,
    };
  }

  private scheduleFlush(): void {
    if (!this.synced || this.flushTimer) return; // a snapshot the webview will ask for includes these rows
    const now = performance.now();
    const busy = now - this.windowStart < BUSY_WINDOW_MS && this.windowRows > BUSY_ROWS;
    const wait = busy ? this.lastFlushAt + FLUSH_INTERVAL_MS - now : 0;
    // The store already batches its notifications per turn of the event loop.
    if (wait <= 0) this.flush();
    else this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.synced) return;
    const now = performance.now();
    this.lastFlushAt = now;
    if (now - this.windowStart >= BUSY_WINDOW_MS) {
      this.windowStart = now;
      this.windowRows = 0;
    }
    this.windowRows += this.session.store.length - this.flushedLength;
    this.flushedLength = this.session.store.length;
    // While a new filter is scanned a slice at a time, the page still shows the view before it; the
    // rows go out with the setFilter reply instead, whose view includes them.
    const view = this.applyingFilter > 0 ? undefined : this.view.state();
    if (view && view.viewCount > this.sentUpTo) {
      // Only the tail goes out; rows before it are fetched by the webview if it scrolls there.
      const firstIndex = Math.max(this.sentUpTo, view.viewCount - TAIL_ROWS);
      const rows = this.rows(firstIndex, view.viewCount);
      this.sentUpTo = view.viewCount;
      void this.post({ type: 'rowsAppended', firstIndex, rows, viewCount: view.viewCount, totalCount: view.totalCount, version: view.version });
    }
    void this.post({ type: 'sessionChanged', session: this.summary() });
  }

  summary(): SessionSummary {
    return {
      id: this.session.id,
      // The webview persists the summary with setState: no resolved secret goes into it.
      title: this.session.mask.redact(this.session.title),
      url: this.session.mask.redact(this.session.displayUrl),
      state: this.session.state,
      eventCount: this.session.store.length,
      negotiated: this.session.negotiated,
      counters: this.session.store.traffic,
      profileUri: this.options.profileUri?.toString(),
    };
  }

  private async post(message: ToWebviewMessage): Promise<void> {
    if (this.disposed) return;
    const delivered = await this.webview.postMessage(message);
    if (!delivered && (message.type === 'rowsAppended' || message.type === 'snapshot')) {
      // The webview is gone (hidden without retained context); it will ask for a fresh snapshot when it returns.
      this.synced = false;
    }
  }
}

function payloadAs(event: SessionEvent, as: 'text' | 'json' | 'hex'): string {
  if (event.payloadDropped) throw new Error(`The payload of event ${event.seq} was dropped at the memory cap; only its size (${event.size} bytes) is known.`);
  const payload = event.payload ?? Buffer.from(event.message ?? '', 'utf8');
  switch (as) {
    case 'text':
      return payload.toString('utf8');
    case 'json':
      return JSON.stringify(JSON.parse(payload.toString('utf8')), null, 2);
    case 'hex':
      return hexDump(payload).map((line) => `${line.offset}  ${line.hex.padEnd(48)}  ${line.ascii}`).join('\n');
    default: {
      const unhandled: never = as;
      throw new Error(`unknown format ${String(unhandled)}`);
    }
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return text.trim() !== '';
  } catch {
    return false;
  }
}

export interface SessionPanelOptions {
  /** The .wsprofile the session was connected from: its saved messages become one-click buttons. */
  readonly profileUri?: vscode.Uri;
  /** Supplies ${env:…}, ${secret:…} and ${input:…} in saved messages; defaults to the environment only. */
  readonly resolver?: VariableResolver;
  /** Reads saved messages' files; the disk by default (guarded in Restricted Mode by the registry's caller). */
  readonly readFile?: ReadFile;
}

export class SessionPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: SessionChannel;
  private readonly disposables: vscode.Disposable[] = [];
  private savedMessages: readonly SavedMessage[] = [];
  private disposed = false;
  /** Loads the page again when it never says `ready` (see PageLoadWatchdog). */
  private readonly watchdog: PageLoadWatchdog;
  private readonly onDisposeListeners = new Set<() => void>();
  private readonly onActiveListeners = new Set<() => void>();

  constructor(
    readonly session: WebSocketSession,
    extensionUri: vscode.Uri,
    options: SessionPanelOptions = {},
  ) {
    this.panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      session.mask.redact(session.title),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: webviewResourceRoots(extensionUri) },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.channel = new SessionChannel(this.panel.webview, session, {
      savedMessages: () => this.savedMessages,
      resolver: options.resolver,
      readFile: options.readFile,
      profileUri: options.profileUri,
    });
    const load = (): void => {
      // A page (re)loading has nothing yet; its `ready` brings the snapshot.
      this.channel.markUnsynced();
      this.panel.webview.html = renderWebviewHtml(this.panel.webview, extensionUri, { title: session.mask.redact(session.title), script: 'panel.js', style: 'panel.css' });
    };
    this.watchdog = new PageLoadWatchdog(`the panel of "${session.mask.redact(session.title)}"`, load);
    this.disposables.push(
      this.channel,
      { dispose: () => this.watchdog.dispose() },
      this.panel.webview.onDidReceiveMessage((message: FromWebviewMessage) => this.watchdog.onMessage(message)),
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.active) {
          for (const listener of this.onActiveListeners) listener();
        }
        // A hidden webview loses its document; it sends `ready` again when shown and gets a fresh snapshot.
        if (!webviewPanel.visible) this.channel.markUnsynced();
        this.watchdog.setVisible(webviewPanel.visible);
      }),
    );
    if (options.profileUri) void this.loadSavedMessages(options.profileUri);
    load();
    this.watchdog.setVisible(this.panel.visible);
  }

  /** The text of each timeline row as the webview's document renders it (asked of the page, not of the host). */
  renderedRows(): Promise<string[]> {
    return this.channel.renderedRows();
  }

  /** The details pane as the webview's document renders it, or null when no row is open. */
  renderedDetails(): Promise<RenderedDetails | null> {
    return this.channel.renderedDetails();
  }

  /** What the webview keeps with setState, which VS Code stores and restores after a reload. */
  persistedState(): Promise<unknown> {
    return this.channel.persistedState();
  }

  /** The header's counters and counts as the webview's document renders them. */
  renderedHeader(): Promise<RenderedHeader> {
    return this.channel.renderedHeader();
  }

  /** How often the webview has loaded its document (once, then again each time it is shown after being hidden, or reloaded). */
  get pageLoads(): number {
    return this.channel.pageLoads;
  }

  /** How often the page was loaded again because it never said `ready` (tests read it). */
  get pageReloads(): number {
    return this.watchdog.reloads;
  }

  /** Whether the panel is on screen (a hidden one has no document until it is shown again). */
  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Shows the panel with this event selected and its details open. */
  revealRow(seq: number): void {
    this.panel.reveal(undefined, false);
    this.channel.revealRow(seq);
  }

  /** Calls `listener` whenever this panel becomes the active editor. */
  onDidBecomeActive(listener: () => void): vscode.Disposable {
    this.onActiveListeners.add(listener);
    return { dispose: () => this.onActiveListeners.delete(listener) };
  }

  onDidDispose(listener: () => void): vscode.Disposable {
    this.onDisposeListeners.add(listener);
    return { dispose: () => this.onDisposeListeners.delete(listener) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    for (const listener of this.onDisposeListeners) listener();
  }

  private async loadSavedMessages(uri: vscode.Uri): Promise<void> {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      this.savedMessages = parseProfile(text, { profilePath: uri.fsPath }).profile?.messages ?? [];
      // The webview may already have its snapshot; send one with the buttons.
      if (this.savedMessages.length > 0 && !this.disposed) this.channel.sendSnapshot();
    } catch (err) {
      console.warn(`[wsInspector] could not read the saved messages of ${uri.toString()}: ${String(err)}`);
    }
  }
}
