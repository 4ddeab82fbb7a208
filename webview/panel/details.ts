/**
 * The details pane of the selected event: handshake header tables and the accept check; a
 * message's payload as Text, JSON (only when it parses; collapsible) and Hex; a close's code,
 * meaning, reason and who closed; the wire frames. Everything is set as text.
 */
import type { EventDetails, RefusedBodyDetails } from '../../src/shared/eventDetails';
import { hexDump } from '../../src/shared/hexDump';
import { hexString, printableUtf8 } from '../../src/shared/printableText';
import { el, errorText, iconButton } from './dom';
import { host } from './hostChannel';

type Tab = 'Overview' | 'Headers' | 'Text' | 'JSON' | 'Hex' | 'Frames';

/** JSON nodes rendered at most; a huge document stops with a note instead of freezing the page. */
const JSON_NODE_LIMIT = 5000;
/** Hex lines rendered at most (16 bytes each). */
const HEX_LINE_LIMIT = 4096;

export class DetailsPane {
  readonly element: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly tabList: HTMLElement;
  private readonly body: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly statusEl: HTMLElement;
  /** The event's sentence (an error's cause, a refusal's status), shown above every tab. */
  private readonly messageEl: HTMLElement;
  private current: EventDetails | undefined;
  private bytes: Uint8Array = new Uint8Array(0);
  private text = '';
  private json: unknown;
  private jsonOk = false;
  private tab: Tab = 'Overview';
  private loadToken = 0;

  constructor(private readonly onClose: () => void) {
    this.element = el('section', 'details');
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', 'Event details');
    this.element.hidden = true;
    const head = el('div', 'details-head');
    this.titleEl = el('h2', 'details-title');
    this.tabList = el('div', 'details-tabs');
    this.tabList.setAttribute('role', 'tablist');
    this.actions = el('div', 'details-actions');
    const close = iconButton('close', 'Close details (Escape)', { className: 'details-close' });
    close.addEventListener('click', () => this.onClose());
    head.append(this.titleEl, this.tabList, this.actions, close);
    this.body = el('div', 'details-body');
    this.body.setAttribute('role', 'tabpanel');
    this.body.tabIndex = 0;
    this.statusEl = el('div', 'details-status');
    this.statusEl.setAttribute('role', 'status');
    this.messageEl = el('p', 'details-message');
    this.element.append(head, this.messageEl, this.body, this.statusEl);
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.onClose();
      }
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get seq(): number | undefined {
    return this.isOpen ? this.current?.row.seq : undefined;
  }

  close(): void {
    this.element.hidden = true;
    this.current = undefined;
    this.loadToken++;
  }

  /** Asks the host for an event's details and shows them. */
  async open(seq: number): Promise<void> {
    const token = ++this.loadToken;
    this.element.hidden = false;
    this.statusEl.textContent = 'Loading\u2026';
    try {
      const details = await host.request('details', { seq });
      if (token !== this.loadToken) return;
      this.show(details);
      this.statusEl.textContent = '';
    } catch (err) {
      if (token !== this.loadToken) return;
      this.statusEl.textContent = errorText(err);
    }
  }

  /** What the pane shows, for the host's renderedDetails request. */
  rendered(): { seq: number; tabs: string[]; text: string } | null {
    if (!this.isOpen || !this.current) return null;
    const tabs = Array.from(this.tabList.querySelectorAll('[role="tab"]'), (t) => t.textContent ?? '');
    const text = this.element.innerText.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== '').join('\n');
    return { seq: this.current.row.seq, tabs, text };
  }

  private show(details: EventDetails): void {
    this.current = details;
    this.bytes = details.payloadBase64 !== undefined ? base64ToBytes(details.payloadBase64) : new Uint8Array(0);
    this.text = new TextDecoder('utf-8').decode(this.bytes);
    this.jsonOk = false;
    if (details.payloadBase64 !== undefined && (details.row.kind === 'text' || details.row.kind === 'error') && !details.payloadTruncated) {
      try {
        this.json = JSON.parse(this.text);
        this.jsonOk = this.text.trim() !== '';
      } catch {
        this.jsonOk = false;
      }
    }
    const row = details.row;
    this.messageEl.textContent = details.message ?? '';
    this.messageEl.classList.toggle('error', row.kind === 'error');
    this.titleEl.textContent = `#${row.seq} ${row.kind}${row.size > 0 ? ` \u00b7 ${row.size} B` : ''}`;
    const tabs = this.tabsFor(details);
    // A control frame's payload is at most 125 bytes: the overview shows it as text and as hex at once.
    const control = row.kind === 'ping' || row.kind === 'pong' || row.kind === 'close';
    const preferred: Tab = details.handshake ? 'Headers' : control ? 'Overview' : this.jsonOk ? 'JSON' : details.row.kind === 'binary' ? 'Hex' : details.payloadBase64 !== undefined ? 'Text' : 'Overview';
    this.tab = tabs.includes(this.tab) && this.tab !== 'Overview' ? this.tab : preferred;
    if (!tabs.includes(this.tab)) this.tab = tabs[0];
    this.renderTabs(tabs);
    this.renderActions(details);
    this.renderBody();
  }

  private tabsFor(details: EventDetails): Tab[] {
    const tabs: Tab[] = ['Overview'];
    if (details.handshake) tabs.push('Headers');
    if (details.payloadBase64 !== undefined && !details.handshake) {
      tabs.push('Text');
      if (this.jsonOk) tabs.push('JSON');
      tabs.push('Hex');
    }
    if (details.wire && details.wire.frames.length > 0) tabs.push('Frames');
    return tabs;
  }

  private renderTabs(tabs: Tab[]): void {
    this.tabList.replaceChildren(
      ...tabs.map((tab) => {
        const button = el('button', 'details-tab', tab);
        button.type = 'button';
        button.setAttribute('role', 'tab');
        button.setAttribute('aria-selected', String(tab === this.tab));
        button.addEventListener('click', () => {
          this.tab = tab;
          this.renderTabs(tabs);
          this.renderBody();
        });
        return button;
      }),
    );
  }

  private renderActions(details: EventDetails): void {
    this.actions.replaceChildren();
    if (details.payloadBase64 === undefined || details.handshake) return;
    const seq = details.row.seq;
    const copy = iconButton('copy', 'Copy payload', { className: 'details-copy', showLabel: true });
    copy.addEventListener('click', () => {
      const as = this.tab === 'Hex' ? 'hex' : this.tab === 'JSON' ? 'json' : 'text';
      void this.run(host.request('copy', { seq, as }), 'Copied to the clipboard');
    });
    const open = iconButton('go-to-file', 'Open in Editor', { className: 'details-open', showLabel: true });
    open.addEventListener('click', () => void this.run(host.request('openInEditor', { seq }), 'Opened in an editor'));
    this.actions.append(copy, open);
  }

  private async run(request: Promise<unknown>, done: string): Promise<void> {
    try {
      await request;
      this.statusEl.textContent = done;
    } catch (err) {
      this.statusEl.textContent = errorText(err);
    }
  }

  private renderBody(): void {
    const details = this.current;
    if (!details) return;
    this.body.replaceChildren();
    this.body.setAttribute('aria-label', this.tab);
    switch (this.tab) {
      case 'Overview':
        this.body.append(overview(details, this.bytes));
        return;
      case 'Headers':
        if (details.handshake) this.body.append(...handshakeView(details));
        return;
      case 'Text':
        this.body.append(el('pre', 'payload-text', this.text), ...truncationNote(details));
        return;
      case 'JSON':
        this.body.append(jsonTree(this.json), ...truncationNote(details));
        return;
      case 'Hex':
        this.body.append(hexView(this.bytes), ...truncationNote(details));
        return;
      case 'Frames':
        if (details.wire) this.body.append(framesTable(details));
        return;
      default: {
        const unhandled: never = this.tab;
        throw new Error(`unknown tab ${String(unhandled)}`);
      }
    }
  }
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function truncationNote(details: EventDetails): HTMLElement[] {
  if (details.payloadDropped) return [el('p', 'details-note', `The payload was dropped at the memory cap; only its size (${details.payloadBytes} bytes) is known.`)];
  if (!details.payloadTruncated) return [];
  return [el('p', 'details-note', `Showing the first part of ${details.payloadBytes} bytes; "Open in Editor" shows all of it.`)];
}

/** A definition list: term and value pairs. */
function facts(pairs: ReadonlyArray<readonly [string, string]>): HTMLElement {
  const list = el('dl', 'details-facts');
  for (const [term, value] of pairs) list.append(el('dt', undefined, term), el('dd', undefined, value));
  return list;
}

function overview(details: EventDetails, bytes: Uint8Array): HTMLElement {
  const row = details.row;
  const pairs: Array<readonly [string, string]> = [
    ['Kind', row.kind],
    ['Direction', row.direction],
    ['Time', `${(row.monoUs / 1000).toFixed(3)} ms after start (${new Date(row.wallMs).toISOString()})`],
  ];
  if (row.size > 0) pairs.push(['Size', `${details.payloadBytes} bytes`]);
  if (details.message) pairs.push(['Message', details.message]);
  pairs.push(...controlPayloadFacts(details, bytes));
  if (details.close) {
    const c = details.close;
    pairs.push(['Code', String(c.code)], ['Meaning', c.meaning], ['Reason', c.reason === '' ? '(none)' : c.reason], ['Clean', c.clean ? 'yes: both close frames were exchanged' : 'no'], [
      'Closed by',
      c.initiatedBy === 'none' ? 'nobody: the connection dropped without a close frame' : c.initiatedBy,
    ]);
    if (c.cause) pairs.push(['Cause', c.cause]);
  }
  if (details.rttMs !== undefined) pairs.push(['Round trip', `${details.rttMs.toFixed(1)} ms`]);
  if (details.automatic) pairs.push(['Sent by', 'the library, automatically']);
  if (details.wire) pairs.push(['On the wire', `${details.wire.wireBytes} bytes in ${details.wire.frameCount} frame${details.wire.frameCount === 1 ? '' : 's'}${details.wire.compressed ? ', compressed (permessage-deflate)' : ''}`]);
  if (details.handshake) pairs.push(['Status line', details.handshake.startLine]);
  return facts(pairs);
}

/**
 * A ping's, pong's or close frame's payload (a close's reason: what follows its 2-byte code) both
 * ways: as text when it is printable UTF-8 (printableText.ts) and always as hex, so "hb-1" and a
 * reason with a stray byte are each seen for what they are. At most 125 bytes (RFC 6455 section 5.5).
 */
function controlPayloadFacts(details: EventDetails, bytes: Uint8Array): Array<readonly [string, string]> {
  const kind = details.row.kind;
  if (details.payloadBase64 === undefined || (kind !== 'ping' && kind !== 'pong' && kind !== 'close')) return [];
  const part = kind === 'close' ? bytes.subarray(2) : bytes;
  if (part.length === 0) return [];
  const what = kind === 'close' ? 'Reason' : 'Payload';
  const text = printableUtf8(part);
  return [
    [`${what} as text`, text ?? '(not printable UTF-8: see the hex)'],
    [`${what} as hex`, hexString(part)],
  ];
}

function handshakeView(details: EventDetails): HTMLElement[] {
  const handshake = details.handshake!;
  const parts: HTMLElement[] = [el('pre', 'handshake-start-line', handshake.startLine)];
  if (handshake.acceptCheck) {
    const check = el('p', `accept-check ${handshake.acceptCheck.ok ? 'ok' : 'failed'}`);
    const icon = el('span', `codicon codicon-${handshake.acceptCheck.ok ? 'pass' : 'error'}`);
    icon.setAttribute('aria-hidden', 'true');
    check.append(icon, document.createTextNode(` Sec-WebSocket-Accept: ${handshake.acceptCheck.message}`));
    parts.push(check);
  }
  if (handshake.negotiated) {
    parts.push(facts([
      ['Subprotocol', handshake.negotiated.subprotocol || '(none)'],
      ['Extensions', handshake.negotiated.extensions || '(none)'],
    ]));
  }
  const table = el('table', 'headers-table');
  table.setAttribute('aria-label', details.row.kind === 'handshake-request' ? 'Request headers' : 'Response headers');
  const headRow = el('tr');
  headRow.append(el('th', undefined, 'Header'), el('th', undefined, 'Value'));
  const thead = el('thead');
  thead.append(headRow);
  const tbody = el('tbody');
  const masked = new Set(handshake.maskedHeaders ?? []);
  handshake.headers.forEach(([name, value], index) => {
    const tr = el('tr');
    const cell = el('td', 'header-value');
    if (masked.has(index)) cell.append(maskedValue(details.row.seq, index, name, cell));
    else cell.textContent = value;
    tr.append(el('td', 'header-name', name), cell);
    tbody.append(tr);
  });
  table.append(thead, tbody);
  parts.push(table);
  if (handshake.body) parts.push(refusedBody(handshake.body));
  return parts;
}

/** A refused upgrade's body under its headers: a JSON tree when it parses, else its text, else its bytes in hex. */
function refusedBody(body: RefusedBodyDetails): HTMLElement {
  const section = el('section', 'refused-body');
  section.setAttribute('aria-label', 'Response body');
  section.append(el('h3', 'refused-body-title', `Body (${body.bytes} byte${body.bytes === 1 ? '' : 's'})`));
  if (body.dropped) {
    section.append(el('p', 'details-note', 'The body was dropped at the memory cap; only its size is known.'));
  } else if (body.text !== undefined) {
    const json = body.notText ? undefined : parseJson(body.text);
    section.append(json ? jsonTree(json.value) : el('pre', 'payload-text', body.text));
    if (body.notText) section.append(el('p', 'details-note', 'The body is not printable UTF-8; it is shown decoded here because it holds a secret that the hex would show.'));
  } else if (body.base64 !== undefined) {
    section.append(hexView(base64ToBytes(body.base64)));
  }
  return section;
}

function parseJson(text: string): { value: unknown } | undefined {
  if (text.trim() === '') return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** MASKED_HEADER_TEXT stands in for a credential; the host sends the value only when the button asks for it. */
export const MASKED_HEADER_TEXT = '\u2022\u2022\u2022\u2022\u2022\u2022 (hidden, click to reveal)';

function maskedValue(seq: number, index: number, name: string, cell: HTMLElement): HTMLButtonElement {
  const button = el('button', 'header-reveal', MASKED_HEADER_TEXT);
  button.type = 'button';
  button.setAttribute('aria-label', `Reveal the value of ${name}`);
  button.addEventListener('click', () => {
    button.disabled = true;
    host.request('revealHeader', { seq, index }).then(
      ({ value }) => {
        cell.textContent = value;
      },
      (err: unknown) => {
        button.disabled = false;
        button.title = errorText(err);
      },
    );
  });
  return button;
}

function hexView(bytes: Uint8Array): HTMLElement {
  const lines = hexDump(bytes, HEX_LINE_LIMIT);
  const table = el('table', 'hex-table');
  table.setAttribute('aria-label', 'Payload bytes');
  const thead = el('thead');
  const headRow = el('tr');
  headRow.append(el('th', undefined, 'Offset'), el('th', undefined, 'Hex'), el('th', undefined, 'ASCII'));
  thead.append(headRow);
  const tbody = el('tbody');
  for (const line of lines) {
    const tr = el('tr');
    tr.append(el('td', 'hex-offset', line.offset), el('td', 'hex-bytes', line.hex), el('td', 'hex-ascii', line.ascii));
    tbody.append(tr);
  }
  table.append(thead, tbody);
  if (bytes.length > HEX_LINE_LIMIT * 16) {
    const wrap = el('div');
    wrap.append(table, el('p', 'details-note', `Showing the first ${HEX_LINE_LIMIT * 16} bytes.`));
    return wrap;
  }
  return table;
}

function framesTable(details: EventDetails): HTMLElement {
  const wire = details.wire!;
  const table = el('table', 'frames-table');
  table.setAttribute('aria-label', 'Wire frames');
  const thead = el('thead');
  const headRow = el('tr');
  for (const h of ['#', 'FIN', 'RSV1', 'RSV2', 'RSV3', 'Opcode', 'Mask', 'Length']) headRow.append(el('th', undefined, h));
  thead.append(headRow);
  const tbody = el('tbody');
  wire.frames.forEach((f, i) => {
    const tr = el('tr');
    const cells = [String(i + 1), f.fin ? '1' : '0', f.rsv1 ? '1' : '0', f.rsv2 ? '1' : '0', f.rsv3 ? '1' : '0', `${f.opcode} (${f.opcodeName})`, f.masked ? `yes ${f.maskKey ?? ''}`.trim() : 'no', String(f.payloadLength)];
    for (const c of cells) tr.append(el('td', undefined, c));
    tbody.append(tr);
  });
  table.append(thead, tbody);
  if (wire.frameCount > wire.frames.length) {
    const wrap = el('div');
    wrap.append(table, el('p', 'details-note', `The first ${wire.frames.length} of ${wire.frameCount} frames are kept.`));
    return wrap;
  }
  return table;
}

/** A collapsible JSON tree built from <details> elements: native keyboard and screen-reader support. */
function jsonTree(value: unknown): HTMLElement {
  const root = el('div', 'json-tree');
  root.setAttribute('role', 'tree');
  root.setAttribute('aria-label', 'JSON');
  const budget = { left: JSON_NODE_LIMIT };
  root.append(jsonNode(undefined, value, 0, budget));
  if (budget.left <= 0) root.append(el('p', 'details-note', `Showing the first ${JSON_NODE_LIMIT} values; use the Text view or "Open in Editor" for all of it.`));
  return root;
}

function jsonNode(key: string | undefined, value: unknown, depth: number, budget: { left: number }): HTMLElement {
  budget.left--;
  const label = key === undefined ? '' : `${key}: `;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    const node = el('details', 'json-node');
    node.setAttribute('role', 'treeitem');
    node.open = depth < 2;
    const summary = el('summary', 'json-summary');
    summary.append(el('span', 'json-key', label), el('span', 'json-brief', Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`));
    node.append(summary);
    const children = el('div', 'json-children');
    children.setAttribute('role', 'group');
    for (const [k, v] of entries) {
      if (budget.left <= 0) break;
      children.append(jsonNode(Array.isArray(value) ? `[${k}]` : JSON.stringify(k), v, depth + 1, budget));
    }
    node.append(children);
    return node;
  }
  const leaf = el('div', 'json-leaf');
  leaf.setAttribute('role', 'treeitem');
  leaf.append(el('span', 'json-key', label), el('span', `json-value json-${value === null ? 'null' : typeof value}`, JSON.stringify(value)));
  return leaf;
}
