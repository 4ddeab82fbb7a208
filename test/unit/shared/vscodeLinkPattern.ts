/**
 * The link syntax VS Code renders in notifications and quick input messages (its "linked text"):
 * [label](target), where the target starts with http://, https://, command: or file:, optionally
 * followed by a quoted title. Written from the behaviour of VS Code 1.100's workbench, so the
 * tests can ask whether a text would show a link there.
 */
export const VSCODE_LINK_PATTERN = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

/** The links VS Code would render in `text`. */
export function renderedLinks(text: string): string[] {
  return [...text.matchAll(VSCODE_LINK_PATTERN)].map((m) => m[0]);
}
