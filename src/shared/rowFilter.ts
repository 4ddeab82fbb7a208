/**
 * The timeline filter: a text or a regular expression over payloads, plus direction and kind
 * toggles. Compiled in the host (which has the payloads) and in the webview (to show a bad regular
 * expression inline before asking the host); compiling never throws.
 */
import type { EventDirection, SessionEventKind } from './sessionEvent';

/** Kinds as the filter bar groups them: one toggle each. */
export type KindGroup = 'handshake' | 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'error' | 'info';

export const KIND_GROUPS: readonly KindGroup[] = ['handshake', 'text', 'binary', 'ping', 'pong', 'close', 'error', 'info'];
export const DIRECTIONS: readonly EventDirection[] = ['sent', 'received', 'local'];

export function kindGroupOf(kind: SessionEventKind): KindGroup {
  switch (kind) {
    case 'handshake-request':
    case 'handshake-response':
      return 'handshake';
    case 'text':
    case 'binary':
    case 'ping':
    case 'pong':
    case 'close':
    case 'error':
      return kind;
    case 'open':
    case 'reconnect':
    case 'info':
      return 'info';
    default: {
      const unhandled: never = kind;
      return unhandled;
    }
  }
}

export interface RowFilter {
  /** Text to look for (case-insensitive), or a regular expression's source when `regex` is set. */
  readonly text: string;
  readonly regex: boolean;
  /** Directions shown; all three when nothing is filtered. */
  readonly directions: readonly EventDirection[];
  /** Kind groups shown. */
  readonly kinds: readonly KindGroup[];
}

export const NO_FILTER: RowFilter = { text: '', regex: false, directions: DIRECTIONS, kinds: KIND_GROUPS };

/**
 * Longest filter text accepted (UTF-16 code units, as `String.length` and the input's `maxlength`
 * count them). A filter is typed, not pasted: a pasted text of megabytes takes seconds to compile as
 * a regular expression, outside any guard, on the extension host's thread.
 */
export const FILTER_TEXT_MAX_LENGTH = 1000;

/** True when the filter hides anything. */
export function isFilterActive(filter: RowFilter): boolean {
  return filter.text !== '' || DIRECTIONS.some((d) => !filter.directions.includes(d)) || KIND_GROUPS.some((k) => !filter.kinds.includes(k));
}

/** The facts of an event a filter looks at; `text` is the payload (or message) as text. */
export interface FilterSubject {
  readonly kind: SessionEventKind;
  readonly direction: EventDirection;
  readonly text: string;
}

export type CompiledFilter =
  | {
      readonly ok: true;
      readonly active: boolean;
      matches(subject: FilterSubject): boolean;
      /** The text part alone, for callers that checked direction and kind already. */
      matchesText(text: string): boolean;
    }
  | { readonly ok: false; readonly error: string };

export function compileFilter(filter: RowFilter): CompiledFilter {
  // Checked before anything is compiled: compiling is what takes long.
  if (filter.text.length > FILTER_TEXT_MAX_LENGTH) {
    return {
      ok: false,
      error: `The filter is ${filter.text.length} characters long; at most ${FILTER_TEXT_MAX_LENGTH} are accepted. Shorten it to the words or the pattern that pick out the rows you want.`,
    };
  }
  let test: (text: string) => boolean;
  if (filter.text === '') {
    test = () => true;
  } else if (filter.regex) {
    let re: RegExp;
    try {
      re = new RegExp(filter.text, 'iu');
    } catch (err) {
      return { ok: false, error: `Not a valid regular expression: ${err instanceof Error ? err.message : String(err)}` };
    }
    test = (text) => {
      re.lastIndex = 0;
      return re.test(text);
    };
  } else {
    const needle = filter.text.toLowerCase();
    test = (text) => text.toLowerCase().includes(needle);
  }
  const directions = new Set(filter.directions);
  const kinds = new Set(filter.kinds);
  return {
    ok: true,
    active: isFilterActive(filter),
    matches: (subject) => directions.has(subject.direction) && kinds.has(kindGroupOf(subject.kind)) && test(subject.text),
    matchesText: test,
  };
}
