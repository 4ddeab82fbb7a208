/** The webview's end of the typed channel: posting to the host, and requests that time out. */
import { REQUEST_TIMEOUT_MS, type FromWebviewMessage, type HostMethods } from '../../src/shared/protocol';
import { RequestTracker } from '../../src/shared/requestTracker';
import type { PersistedState } from './persistedState';
import { getVsCodeApi } from './vscodeApi';

export const vscodeApi = getVsCodeApi<PersistedState>();

export function post(message: FromWebviewMessage): void {
  vscodeApi.postMessage(message);
}

export const host = new RequestTracker<HostMethods>(post, { setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h as number) }, REQUEST_TIMEOUT_MS);
