/**
 * The virtualized timeline: a fixed row height, a small pool of row nodes recycled as the list
 * scrolls, and only the visible rows (plus overscan) in the document, so a 1,000,000-row log costs
 * what a screenful does. Rows come from a cache filled by the host's appends and by `rows` requests
 * for the ranges scrolled to. It follows new rows while scrolled to the bottom.
 */
import type { EventRow } from '../../src/shared/sessionEvent';
import { el } from './dom';
import { ARROWS, DIRECTION_NAMES, formatSize, formatTime, kindBadge } from './format';
import type { TimeMode } from './persistedState';

export const ROW_HEIGHT = 20;
const OVERSCAN = 8;
/** Rows fetched per request; a scroll asks for the chunks it lacks, each once. */
const FETCH_CHUNK = 100;
/** Browsers cap an element's height (Chromium near 33.5 million px); past this the scrollbar maps proportionally. */
const MAX_SCROLL_PX = 8_000_000;
/** Cached rows kept before those far from the window are dropped. */
const CACHE_LIMIT = 20_000;

export interface RowPage {
  readonly firstIndex: number;
  readonly rows: readonly EventRow[];
  readonly viewCount: number;
  readonly version: number;
}

export interface TimelineCallbacks {
  fetchRows(start: number, end: number): Promise<RowPage>;
  /** A row was chosen with the mouse or Enter. */
  onOpen(row: EventRow): void;
  /** The selection moved (keyboard or mouse). */
  onSelect(row: EventRow | undefined): void;
  /** Escape in the list. */
  onEscape(): void;
  onFollowChange(following: boolean): void;
}

interface RowNode {
  readonly node: HTMLElement;
  /** What the node shows now (index, seq, selection, time mode), so an unchanged row is not rewritten. */
  shown: string;
  readonly time: HTMLElement;
  readonly dir: HTMLElement;
  readonly kind: HTMLElement;
  readonly size: HTMLElement;
  readonly preview: HTMLElement;
}

export class Timeline {
  readonly element: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: RowNode[] = [];
  private cache = new Map<number, EventRow>();
  private readonly inflight = new Set<number>();
  private count = 0;
  private version = 0;
  private first = 0;
  private following = true;
  private selected: number | undefined;
  private timeMode: TimeMode = 'relative';
  private renderQueued = false;
  /** The list scrolled since the last frame: the next frame decides whether it still follows. */
  private scrollQueued = false;
  /**
   * Rows were appended while following: the next frame scrolls to the end. Not at once: reading the
   * list's geometry in a message handler forces a layout, and a webview that shares the
   * workbench's renderer (code-server, and VS Code for the web) then lays out the whole workbench
   * too; in profiles of a flood such reads took 50-100 ms per task, several times per frame.
   */
  private endQueued = false;
  /** scrollTop after the list last scrolled itself to the end. */
  private autoScrollTop = 0;

  constructor(private readonly callbacks: TimelineCallbacks) {
    this.element = el('div', 'timeline');
    this.element.setAttribute('role', 'listbox');
    this.element.setAttribute('aria-label', 'Session events');
    this.element.tabIndex = 0;
    this.layer = el('div', 'timeline-layer');
    this.spacer = el('div', 'timeline-spacer');
    this.element.append(this.layer, this.spacer);
    // Handled in the next animation frame (scroll events come just before it in the same frame), so
    // the list's geometry is read once per frame, not once per event.
    this.element.addEventListener('scroll', () => {
      this.scrollQueued = true;
      this.queueRender();
    });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('click', (event) => {
      const target = (event.target as HTMLElement).closest<HTMLElement>('.row');
      if (!target || target.dataset.index === undefined) return;
      const index = Number(target.dataset.index);
      this.select(index);
      const row = this.cache.get(index);
      if (row) this.callbacks.onOpen(row);
    });
    new ResizeObserver(() => (this.following ? this.scrollToEnd() : this.render())).observe(this.element);
  }

  get viewCount(): number {
    return this.count;
  }

  get isFollowing(): boolean {
    return this.following;
  }

  setTimeMode(mode: TimeMode): void {
    this.timeMode = mode;
    this.render();
  }

  /** Starts over with a new view (snapshot, filter, Clear): the cache is dropped. */
  reset(viewCount: number, version: number, firstIndex: number, rows: readonly EventRow[]): void {
    this.cache = new Map();
    this.inflight.clear();
    this.version = version;
    this.count = viewCount;
    this.selected = undefined;
    this.store(firstIndex, rows);
    this.following = true;
    this.callbacks.onFollowChange(true);
    this.updateHeight();
    this.scrollToEnd();
  }

  /** New rows at the end; earlier rows of the batch (if any were left out) are fetched when shown. */
  append(firstIndex: number, rows: readonly EventRow[], viewCount: number, version: number): void {
    if (version !== this.version) return; // addressed to a view that a filter or Clear has replaced
    this.store(firstIndex, rows);
    this.count = Math.max(this.count, viewCount);
    this.updateHeight();
    if (this.following) this.endQueued = true;
    this.queueRender();
  }

  /** The last rows held, for the persisted state. */
  tailRows(max: number): EventRow[] {
    const rows: EventRow[] = [];
    for (let i = Math.max(0, this.count - max); i < this.count; i++) {
      const row = this.cache.get(i);
      if (row) rows.push(row);
    }
    return rows;
  }

  selectedRow(): EventRow | undefined {
    return this.selected === undefined ? undefined : this.cache.get(this.selected);
  }

  /** Selects a view index and scrolls it into view; the row is fetched if needed. */
  select(index: number): void {
    if (this.count === 0) return;
    index = Math.max(0, Math.min(this.count - 1, index));
    this.selected = index;
    this.scrollIntoView(index);
    this.render();
    const row = this.cache.get(index);
    this.callbacks.onSelect(row);
    if (!row) {
      void this.ensure(index, index + 1).then(() => {
        if (this.selected === index) this.callbacks.onSelect(this.cache.get(index));
      });
    }
  }

  /** Loads a row (if needed) and returns it. */
  async rowAt(index: number): Promise<EventRow | undefined> {
    await this.ensure(index, index + 1);
    return this.cache.get(index);
  }

  jumpToLatest(): void {
    this.following = true;
    this.callbacks.onFollowChange(true);
    this.scrollToEnd();
  }

  /** The text of the rows in the document, top to bottom, as a person reads them. */
  renderedTexts(): string[] {
    const nodes = Array.from(this.layer.children as HTMLCollectionOf<HTMLElement>).sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
    return nodes.map((node) => node.innerText.replace(/\s+/g, ' ').trim());
  }

  // ---- geometry -------------------------------------------------------------------------------

  private get totalPx(): number {
    return this.count * ROW_HEIGHT;
  }

  private get scaled(): boolean {
    return this.totalPx > MAX_SCROLL_PX;
  }

  private updateHeight(): void {
    this.spacer.style.height = `${Math.min(this.totalPx, MAX_SCROLL_PX)}px`;
  }

  private get viewportRows(): number {
    return Math.max(1, this.element.clientHeight / ROW_HEIGHT);
  }

  /** The first visible row, fractional: the part above the viewport's top is the fraction. */
  private firstVisible(): number {
    const top = this.element.scrollTop;
    if (!this.scaled) return top / ROW_HEIGHT;
    const range = Math.max(1, this.element.scrollHeight - this.element.clientHeight);
    return (Math.min(top, range) / range) * Math.max(0, this.count - this.viewportRows);
  }

  private scrollTopFor(firstRow: number): number {
    if (!this.scaled) return firstRow * ROW_HEIGHT;
    const range = Math.max(1, this.element.scrollHeight - this.element.clientHeight);
    return (firstRow / Math.max(1, this.count - this.viewportRows)) * range;
  }

  private isAtBottom(): boolean {
    return this.element.scrollTop + this.element.clientHeight >= this.element.scrollHeight - 2;
  }

  private scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
    this.autoScrollTop = this.element.scrollTop;
    this.render();
  }

  private scrollIntoView(index: number): void {
    const first = this.firstVisible();
    const visible = Math.floor(this.viewportRows);
    if (index < first) {
      this.element.scrollTop = this.scrollTopFor(index);
    } else if (index >= first + visible) {
      this.element.scrollTop = this.scrollTopFor(index - visible + 1);
    }
  }

  // ---- rendering ------------------------------------------------------------------------------

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => this.frame());
  }

  /** One animation frame's work: what the scroll events since the last frame mean, then the rows. */
  private frame(): void {
    this.renderQueued = false;
    const { scrollQueued, endQueued } = this;
    this.scrollQueued = false;
    this.endQueued = false;
    if (scrollQueued) {
      const atBottom = this.isAtBottom();
      // Following stops only when someone scrolls up: a viewport that shrank under the list (the
      // header wrapping as its counters grow) leaves it short of the bottom without anyone scrolling.
      const scrolledUp = this.element.scrollTop < this.autoScrollTop - 1;
      const following = atBottom || (this.following && !scrolledUp);
      if (following !== this.following) {
        this.following = following;
        this.callbacks.onFollowChange(following);
      }
      if (following && !atBottom) {
        this.scrollToEnd();
        return;
      }
    }
    if (endQueued && this.following) this.scrollToEnd();
    else this.render();
  }

  private render(): void {
    const firstFloat = this.firstVisible();
    const first = Math.floor(firstFloat);
    const offsetPx = (firstFloat - first) * ROW_HEIGHT;
    this.first = first;
    const start = Math.max(0, first - OVERSCAN);
    const end = Math.min(this.count, first + Math.ceil(this.viewportRows) + 1 + OVERSCAN);
    const needed = Math.max(0, end - start);
    while (this.pool.length < needed) this.pool.push(this.makeRowNode());
    // A row keeps its node while it stays in view (node = index modulo the pool), so scrolling by a
    // row, or a new row at the tail, rewrites one node's text and only moves the others.
    const used = new Set<RowNode>();
    const missing: number[] = [];
    for (let index = start; index < end; index++) {
      const slot = this.pool[index % this.pool.length];
      used.add(slot);
      if (slot.node.parentElement !== this.layer) this.layer.append(slot.node);
      const top = `${(index - first) * ROW_HEIGHT - offsetPx}px`;
      if (slot.node.style.top !== top) slot.node.style.top = top;
      const row = this.cache.get(index);
      if (!row) missing.push(index);
      this.fill(slot, index, row);
    }
    for (const slot of this.pool) {
      if (!used.has(slot) && slot.node.parentElement) {
        slot.node.remove();
        slot.shown = '';
      }
    }
    this.element.setAttribute('aria-rowcount', String(this.count));
    const selectedNode = this.selected !== undefined && this.selected >= start && this.selected < end ? this.pool[this.selected % this.pool.length] : undefined;
    if (selectedNode) this.element.setAttribute('aria-activedescendant', selectedNode.node.id);
    else this.element.removeAttribute('aria-activedescendant');
    if (missing.length > 0) void this.ensure(missing[0], missing[missing.length - 1] + 1);
  }

  private makeRowNode(): RowNode {
    const node = el('div', 'row');
    node.setAttribute('role', 'option');
    node.id = `timeline-row-${this.pool.length}`;
    const slot: RowNode = {
      node,
      time: el('span', 'row-time'),
      dir: el('span', 'row-dir'),
      kind: el('span', 'row-kind'),
      size: el('span', 'row-size'),
      preview: el('span', 'row-preview'),
      shown: '',
    };
    node.append(slot.time, slot.dir, slot.kind, slot.size, slot.preview);
    return slot;
  }

  private fill(slot: RowNode, index: number, row: EventRow | undefined): void {
    const { node } = slot;
    const setSize = String(this.count);
    if (node.getAttribute('aria-setsize') !== setSize) node.setAttribute('aria-setsize', setSize);
    const selected = index === this.selected;
    // What the node shows; when it already shows exactly this, its text is left alone. The view's
    // version is part of it: after a snapshot of another session, row 0 is another event with seq 0.
    const shown = `${this.version}|${index}|${row ? row.seq : '-'}|${selected}|${this.timeMode}`;
    if (slot.shown === shown) return;
    slot.shown = shown;
    node.dataset.index = String(index);
    node.setAttribute('aria-posinset', String(index + 1));
    node.setAttribute('aria-selected', String(selected));
    const state = `${selected ? ' selected' : ''}${index % 2 === 1 ? ' odd' : ''}`;
    if (!row) {
      node.className = `row loading${state}`;
      delete node.dataset.seq;
      slot.time.textContent = '';
      slot.dir.textContent = '';
      slot.kind.textContent = '';
      slot.size.textContent = '';
      slot.preview.textContent = '\u2026';
      node.setAttribute('aria-label', `Row ${index + 1}, loading`);
      return;
    }
    node.className = `row kind-${row.kind} dir-${row.direction}${state}`;
    node.dataset.seq = String(row.seq);
    slot.time.textContent = formatTime(row, this.timeMode);
    slot.dir.textContent = ARROWS[row.direction];
    slot.dir.title = DIRECTION_NAMES[row.direction];
    slot.kind.textContent = kindBadge(row.kind);
    slot.size.textContent = formatSize(row.size);
    slot.preview.textContent = row.truncated ? `${row.preview}\u2026` : row.preview;
    node.setAttribute('aria-label', `${DIRECTION_NAMES[row.direction]} ${row.kind}${row.size > 0 ? `, ${row.size} bytes` : ''}: ${row.preview}`);
  }

  // ---- data -----------------------------------------------------------------------------------

  private store(firstIndex: number, rows: readonly EventRow[]): void {
    rows.forEach((row, i) => this.cache.set(firstIndex + i, row));
    if (this.cache.size > CACHE_LIMIT) {
      const keepFrom = this.first - CACHE_LIMIT / 4;
      const keepTo = this.first + CACHE_LIMIT / 4;
      for (const index of this.cache.keys()) {
        if ((index < keepFrom || index > keepTo) && index !== this.selected) this.cache.delete(index);
      }
    }
  }

  /** Fetches the chunks of [start, end) not cached and not already asked for. */
  private async ensure(start: number, end: number): Promise<void> {
    const waits: Promise<void>[] = [];
    for (let chunk = Math.floor(start / FETCH_CHUNK); chunk * FETCH_CHUNK < end; chunk++) {
      const from = chunk * FETCH_CHUNK;
      const to = Math.min(this.count, from + FETCH_CHUNK);
      let complete = true;
      for (let i = Math.max(from, start); i < Math.min(to, end); i++) {
        if (!this.cache.has(i)) {
          complete = false;
          break;
        }
      }
      if (complete || this.inflight.has(chunk)) continue;
      this.inflight.add(chunk);
      const version = this.version;
      waits.push(
        this.callbacks.fetchRows(from, to).then(
          (page) => {
            this.inflight.delete(chunk);
            if (page.version !== this.version || version !== this.version) return;
            this.store(page.firstIndex, page.rows);
            this.queueRender();
          },
          () => {
            // A timed-out request is asked again the next time the rows are shown.
            this.inflight.delete(chunk);
          },
        ),
      );
    }
    await Promise.all(waits);
  }

  // ---- keyboard -------------------------------------------------------------------------------

  private onKey(event: KeyboardEvent): void {
    const current = this.selected ?? (event.key === 'ArrowUp' || event.key === 'End' ? this.count : -1);
    const page = Math.max(1, Math.floor(this.viewportRows) - 1);
    switch (event.key) {
      case 'ArrowDown':
        this.select(current + 1);
        break;
      case 'ArrowUp':
        this.select(current - 1);
        break;
      case 'PageDown':
        this.select(current + page);
        break;
      case 'PageUp':
        this.select(current - page);
        break;
      case 'Home':
        this.select(0);
        break;
      case 'End':
        this.select(this.count - 1);
        break;
      case 'Enter': {
        const row = this.selectedRow();
        if (row) this.callbacks.onOpen(row);
        break;
      }
      case 'Escape':
        this.callbacks.onEscape();
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}
