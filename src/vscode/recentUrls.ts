/** The ad-hoc URLs connected lately, newest first, kept in VS Code's global state across windows. */
import type * as vscode from 'vscode';

const STATE_KEY = 'wsInspector.recentUrls';
/** Enough to find yesterday's endpoints again without turning the quick pick into a history log. */
export const MAX_RECENT_URLS = 10;

export class RecentUrls {
  constructor(private readonly state: vscode.Memento) {}

  /** Newest first. */
  list(): readonly string[] {
    const stored = this.state.get<unknown>(STATE_KEY);
    return Array.isArray(stored) ? stored.filter((u): u is string => typeof u === 'string').slice(0, MAX_RECENT_URLS) : [];
  }

  /** Puts `url` first (moving it up when it is already listed) and drops the oldest past the limit. */
  remember(url: string): Thenable<void> {
    return this.state.update(STATE_KEY, [url, ...this.list().filter((u) => u !== url)].slice(0, MAX_RECENT_URLS));
  }

  /** Passes every kept URL through `change` (dropping the duplicates it makes); writes only when one changed. */
  rewrite(change: (url: string) => string): Thenable<void> {
    const before = this.list();
    const after = [...new Set(before.map(change))];
    if (after.length === before.length && after.every((url, i) => url === before[i])) return Promise.resolve();
    return this.state.update(STATE_KEY, after);
  }

  forget(url: string): Thenable<void> {
    return this.state.update(STATE_KEY, this.list().filter((u) => u !== url));
  }
}
