/**
 * The host's side of the webview boundary: which view may ask what, and what each request's
 * parameters must be. A webview runs remote content (as text, under a strict CSP), so the host
 * treats what it posts as input from an untrusted page: a request outside its view's methods, or
 * with parameters of the wrong type, range or size, is refused with a message saying which.
 */
import type { BinaryEncoding } from './binaryText';
import { MAX_ROWS_PER_REQUEST, type ComposerMode, type HostMethods } from './protocol';
import { answerRequest, type ReplyEnvelope, type RequestEnvelope } from './requestTracker';
import { DIRECTIONS, KIND_GROUPS, type RowFilter } from './rowFilter';

/** The kinds of webview that talk to the host. */
export type ViewKind = 'panel' | 'messageLog' | 'endedPanel';

/** What each view may ask. The Message Log follows whichever session is active, so it may read and filter, never act on a session. */
export const VIEW_METHODS = {
  panel: ['rows', 'setFilter', 'clear', 'indexOf', 'details', 'revealHeader', 'send', 'sendFile', 'sendSaved', 'ping', 'close', 'disconnect', 'reconnect', 'copy', 'openInEditor'],
  messageLog: ['rows', 'setFilter', 'clear', 'indexOf', 'revealInPanel'],
  endedPanel: ['rows', 'indexOf', 'reconnect'],
} as const satisfies { readonly [V in ViewKind]: readonly (keyof HostMethods)[] };

export type ViewMethod<V extends ViewKind> = (typeof VIEW_METHODS)[V][number];

export type HostHandlers<V extends ViewKind> = {
  [K in ViewMethod<V>]: (params: HostMethods[K]['params']) => HostMethods[K]['result'] | Promise<HostMethods[K]['result']>;
};

/** Longest text the composer sends in one request, in UTF-16 code units. */
export const MAX_COMPOSER_TEXT_LENGTH = 64 * 1024 * 1024;
/** Longest saved message name, ping payload or close reason text a request may carry (the session checks the exact byte limits of RFC 6455 section 5.5). */
const MAX_SHORT_TEXT_LENGTH = 1000;

/** A request's parameters are not what its method takes. */
export class RequestParamsError extends Error {
  constructor(method: string, what: string) {
    super(`The request "${method}" was refused: ${what}.`);
    this.name = 'RequestParamsError';
  }
}

/**
 * Answers `request` for a view of kind `view`: a method outside VIEW_METHODS[view] is refused with
 * `refusal` (or a sentence naming it), and parameters are checked before the handler sees them.
 */
export function answerViewRequest<V extends ViewKind>(view: V, request: RequestEnvelope, handlers: HostHandlers<V>, refusal?: string): Promise<ReplyEnvelope> {
  const allowed = (VIEW_METHODS[view] as readonly string[]).includes(request.method);
  if (!allowed) {
    return Promise.resolve({ type: 'reply', inReplyTo: request.id, ok: false, error: refusal ?? `This view cannot "${String(request.method)}".` });
  }
  // Only the method asked for is wrapped: its parameters are checked before its handler sees them,
  // and a refusal becomes an error reply like any failure of the handler.
  const method = request.method as ViewMethod<V>;
  const handler = handlers[method] as (params: unknown) => unknown;
  const checked = { [method]: (params: unknown) => handler(checkHostParams(method, params)) };
  return answerRequest<HostMethods>(request, checked as unknown as Parameters<typeof answerRequest<HostMethods>>[1]);
}

/** `params` as method `method` takes them, or a RequestParamsError saying what is wrong. */
export function checkHostParams<K extends keyof HostMethods>(method: K, params: unknown): HostMethods[K]['params'] {
  const p = object(method, params);
  switch (method) {
    case 'rows': {
      const start = index(method, p, 'start');
      const end = index(method, p, 'end');
      if (end < start || end - start > MAX_ROWS_PER_REQUEST) throw new RequestParamsError(method, `end must be from start to start + ${MAX_ROWS_PER_REQUEST}, got ${start}..${end}`);
      return { start, end } as HostMethods[K]['params'];
    }
    case 'setFilter':
      return { filter: rowFilter(method, p.filter) } as HostMethods[K]['params'];
    case 'indexOf':
    case 'details':
    case 'openInEditor':
    case 'revealInPanel':
      return { seq: index(method, p, 'seq') } as HostMethods[K]['params'];
    case 'revealHeader':
      return { seq: index(method, p, 'seq'), index: index(method, p, 'index') } as HostMethods[K]['params'];
    case 'copy':
      return { seq: index(method, p, 'seq'), as: oneOf(method, p, 'as', ['text', 'json', 'hex'] as const) } as HostMethods[K]['params'];
    case 'send':
      return {
        mode: oneOf<ComposerMode>(method, p, 'mode', ['text', 'json', 'binary']),
        text: text(method, p, 'text', MAX_COMPOSER_TEXT_LENGTH),
        encoding: oneOf<BinaryEncoding>(method, p, 'encoding', ['hex', 'base64']),
      } as HostMethods[K]['params'];
    case 'sendSaved':
      return { name: text(method, p, 'name', MAX_SHORT_TEXT_LENGTH) } as HostMethods[K]['params'];
    case 'ping':
      return { payload: text(method, p, 'payload', MAX_SHORT_TEXT_LENGTH) } as HostMethods[K]['params'];
    case 'close': {
      const code = p.code;
      if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 65535) throw new RequestParamsError(method, 'code must be a whole number');
      return { code, reason: text(method, p, 'reason', MAX_SHORT_TEXT_LENGTH) } as HostMethods[K]['params'];
    }
    case 'clear':
    case 'sendFile':
    case 'disconnect':
    case 'reconnect':
      return {} as HostMethods[K]['params'];
    default: {
      const unknown: never = method;
      throw new RequestParamsError(String(unknown), 'the method is unknown');
    }
  }
}

function object(method: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RequestParamsError(method, 'its parameters must be an object');
  return value as Record<string, unknown>;
}

function index(method: string, p: Record<string, unknown>, name: string): number {
  const value = p[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new RequestParamsError(method, `${name} must be a whole number, 0 or more`);
  return value;
}

function text(method: string, p: Record<string, unknown>, name: string, maxLength: number): string {
  const value = p[name];
  if (typeof value !== 'string') throw new RequestParamsError(method, `${name} must be text`);
  if (value.length > maxLength) throw new RequestParamsError(method, `${name} is ${value.length} characters long, more than the ${maxLength} allowed`);
  return value;
}

function oneOf<T extends string>(method: string, p: Record<string, unknown>, name: string, values: readonly T[]): T {
  const value = p[name];
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) throw new RequestParamsError(method, `${name} must be one of ${values.join(', ')}`);
  return value as T;
}

function rowFilter(method: string, value: unknown): RowFilter {
  const f = object(method, value);
  const filterText = f.text;
  // Its length is compileFilter's to refuse (FILTER_TEXT_MAX_LENGTH), before anything is compiled.
  if (typeof filterText !== 'string') throw new RequestParamsError(method, 'the filter text must be text');
  if (typeof f.regex !== 'boolean') throw new RequestParamsError(method, 'the filter\'s regex must be true or false');
  const list = <T extends string>(name: string, allowed: readonly T[]): T[] => {
    const items = f[name];
    if (!Array.isArray(items) || items.length > allowed.length || !items.every((item) => (allowed as readonly unknown[]).includes(item))) {
      throw new RequestParamsError(method, `the filter's ${name} must be a list of ${allowed.join(', ')}`);
    }
    return items as T[];
  };
  return { text: filterText, regex: f.regex, directions: list('directions', DIRECTIONS), kinds: list('kinds', KIND_GROUPS) };
}
