/**
 * The filter bar: text or regular expression over payloads, direction and kind toggles, "n of N".
 * A bad regular expression shows inline and nothing is asked of the host; the host filters.
 */
import type { ViewState } from '../../src/shared/protocol';
import { compileFilter, DIRECTIONS, FILTER_TEXT_MAX_LENGTH, isFilterActive, KIND_GROUPS, NO_FILTER, type KindGroup, type RowFilter } from '../../src/shared/rowFilter';
import type { EventDirection } from '../../src/shared/sessionEvent';
import { el, errorText, isPressed, toggleButton } from './dom';
import { ARROWS } from './format';
import { host } from './hostChannel';

const DEBOUNCE_MS = 150;

export class FilterBar {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly regex: HTMLButtonElement;
  private readonly directionButtons = new Map<EventDirection, HTMLButtonElement>();
  private readonly kindButtons = new Map<KindGroup, HTMLButtonElement>();
  private readonly countEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private timer: number | undefined;
  private applied: RowFilter = NO_FILTER;
  /** Why the host does not apply `applied`'s text (its regular expression took too long), if it does not. */
  private hostError: string | undefined;

  constructor(private readonly onApplied: (view: ViewState) => void) {
    this.element = el('div', 'filter-bar');
    this.element.setAttribute('role', 'search');
    this.element.setAttribute('aria-label', 'Filter events');
    this.input = el('input', 'filter-input');
    this.input.type = 'text';
    this.input.placeholder = 'Filter payloads';
    // The host refuses a longer one; a paste is cut to this length instead.
    this.input.maxLength = FILTER_TEXT_MAX_LENGTH;
    this.input.setAttribute('aria-label', 'Filter payloads (text, or a regular expression)');
    this.regex = toggleButton('.*', 'Use regular expression', false, 'toggle filter-regex');
    const directions = el('div', 'toggle-group');
    directions.setAttribute('aria-label', 'Directions');
    for (const d of DIRECTIONS) {
      const b = toggleButton(ARROWS[d], `Show ${d} events`, true, `toggle filter-dir filter-dir-${d}`);
      this.directionButtons.set(d, b);
      directions.append(b);
    }
    const kinds = el('div', 'toggle-group');
    kinds.setAttribute('aria-label', 'Kinds');
    for (const k of KIND_GROUPS) {
      const b = toggleButton(k, `Show ${k} events`, true, `toggle filter-kind filter-kind-${k}`);
      this.kindButtons.set(k, b);
      kinds.append(b);
    }
    this.countEl = el('span', 'filter-count');
    this.countEl.setAttribute('aria-live', 'polite');
    this.errorEl = el('span', 'filter-error');
    this.errorEl.setAttribute('role', 'alert');
    this.element.append(this.input, this.regex, directions, kinds, this.countEl, this.errorEl);
    this.input.addEventListener('input', () => this.schedule());
    // Enter applies at once instead of waiting for typing to pause.
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.schedule(0);
      }
    });
    for (const button of [this.regex, ...this.directionButtons.values(), ...this.kindButtons.values()]) {
      button.addEventListener('click', () => {
        button.setAttribute('aria-pressed', String(!isPressed(button)));
        this.schedule(0);
      });
    }
  }

  /** Shows a filter the host already applies (snapshot) without asking again, with the host's complaint about it if any. */
  show(filter: RowFilter, filterError?: string): void {
    this.applied = filter;
    this.showHostError(filterError);
    this.input.value = filter.text;
    this.regex.setAttribute('aria-pressed', String(filter.regex));
    for (const [d, b] of this.directionButtons) b.setAttribute('aria-pressed', String(filter.directions.includes(d)));
    for (const [k, b] of this.kindButtons) b.setAttribute('aria-pressed', String(filter.kinds.includes(k)));
  }

  showCount(view: Pick<ViewState, 'viewCount' | 'totalCount' | 'filter'>): void {
    this.countEl.textContent = `${view.viewCount} of ${view.totalCount}`;
  }

  current(): RowFilter {
    return {
      text: this.input.value,
      regex: isPressed(this.regex),
      directions: DIRECTIONS.filter((d) => isPressed(this.directionButtons.get(d)!)),
      kinds: KIND_GROUPS.filter((k) => isPressed(this.kindButtons.get(k)!)),
    };
  }

  /** The host stopped the filter's regular expression (too slow): says why where a bad one is shown, or clears that. */
  private showHostError(filterError: string | undefined): void {
    this.hostError = filterError;
    this.errorEl.textContent = filterError ?? '';
    if (filterError === undefined) this.input.removeAttribute('aria-invalid');
    else this.input.setAttribute('aria-invalid', 'true');
  }

  private schedule(delay = DEBOUNCE_MS): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.apply(), delay);
  }

  private async apply(): Promise<void> {
    const filter = this.current();
    const compiled = compileFilter(filter);
    if (!compiled.ok) {
      this.errorEl.textContent = compiled.error;
      this.input.setAttribute('aria-invalid', 'true');
      return;
    }
    // Unchanged: the host's complaint about it (if any) still holds.
    if (JSON.stringify(filter) === JSON.stringify(this.applied)) {
      this.showHostError(this.hostError);
      return;
    }
    this.showHostError(undefined);
    // Toggling "regular expression" on an empty search changes nothing the host would see.
    if (!isFilterActive(filter) && !isFilterActive(this.applied)) {
      this.applied = filter;
      return;
    }
    try {
      const view = await host.request('setFilter', { filter });
      this.applied = filter;
      this.showHostError(view.filterError);
      this.onApplied(view);
    } catch (err) {
      this.errorEl.textContent = errorText(err);
    }
  }
}
