/**
 * The host's side of the typed protocol for webview tests: builders for the messages the host
 * sends (session, view, rows, snapshot) and the calls that send them to a page and read what the
 * page posted back.
 */
import type { Browser, Page } from 'playwright-core';
import type { FromWebviewMessage, ToWebviewMessage, ViewState } from '../../src/shared/protocol';
import type { RequestEnvelope } from '../../src/shared/requestTracker';
import { NO_FILTER } from '../../src/shared/rowFilter';
import { EMPTY_COUNTERS } from '../../src/shared/sessionCounters';
import type { EventRow, SessionSummary } from '../../src/shared/sessionEvent';
import { launchChromium } from '../fixtures/chromium';
import { servePanelPage, type PanelPageServer } from './panelPage';

export const session = (state: SessionSummary['state'], eventCount = 0, fields: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's1', title: 'Echo <demo>', url: 'ws://127.0.0.1:1/echo', state, eventCount, counters: EMPTY_COUNTERS, ...fields,
});
export const view = (viewCount: number, version = 1): ViewState => ({ filter: NO_FILTER, clearedBefore: 0, viewCount, totalCount: viewCount, version });
export const row = (seq: number, kind: EventRow['kind'], direction: EventRow['direction'], preview: string, size?: number): EventRow => ({
  seq, kind, direction, monoUs: seq * 1500, wallMs: 0, size: size ?? (kind === 'text' || kind === 'binary' ? preview.length : 0), preview, truncated: false,
});
export const snapshot = (state: SessionSummary['state'], rows: EventRow[], savedMessages: string[] = [], fields: Partial<SessionSummary> = {}): ToWebviewMessage => ({
  type: 'snapshot', session: session(state, rows.length, fields), view: view(rows.length), firstIndex: 0, rows, savedMessages,
});
export const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

/** Sends host messages to the current page and reads its requests; `page` is asked for each call. */
export function hostSide(page: () => Page) {
  const send = (message: ToWebviewMessage): Promise<void> => page().evaluate((m) => window.postMessage(m, '*'), message);
  const posted = (): Promise<FromWebviewMessage[]> => page().evaluate(() => (window as unknown as { __posted: FromWebviewMessage[] }).__posted);
  const requests = async (method: string): Promise<RequestEnvelope[]> => ((await posted()) as Array<{ type: string; method?: string }>).filter((m) => m.type === 'request' && m.method === method) as RequestEnvelope[];
  /** Waits for the next request of `method` not yet answered, and returns it. */
  const nextRequest = async (method: string, after = 0): Promise<RequestEnvelope> => {
    await page().waitForFunction(
      ({ method, after }) => (window as unknown as { __posted: Array<{ type: string; method?: string }> }).__posted.filter((m) => m.type === 'request' && m.method === method).length > after,
      { method, after },
    );
    return (await requests(method))[after];
  };
  const reply = (request: RequestEnvelope, result: unknown): Promise<void> => send({ type: 'reply', inReplyTo: request.id, ok: true, result });
  return { send, posted, requests, nextRequest, reply };
}

/** One Chromium and one panel page server for the enclosing describe block (mocha before/after hooks). */
export function panelBrowser(): { readonly browser: Browser; readonly server: PanelPageServer } {
  let browser: Browser | undefined;
  let server: PanelPageServer | undefined;
  before(async () => {
    browser = await launchChromium();
    server = await servePanelPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() {
      return browser!;
    },
    get server() {
      return server!;
    },
  };
}

/** Records a page's console errors, page errors and dialogs (dismissed) in `problems`. */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog opened: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
}
