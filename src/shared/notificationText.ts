/**
 * The one rule for text shown in a VS Code notification. A non-modal notification turns
 * `[label](command:…)` (and `https:`/`file:` targets) into a link that runs the command with its
 * arguments when clicked, so text that came from a workspace file or a server must never form one.
 * This breaks every "](" (VS Code's pattern needs the two characters together), drops control and
 * bidirectional-override characters (which could make the text read differently than it is),
 * folds line breaks and caps the length.
 */

/** Longest text a notification shows; longer text ends with "…". */
export const NOTIFICATION_TEXT_MAX_LENGTH = 500;

// C0 and C1 controls, and the Unicode bidirectional embeddings, overrides and isolates.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\r\n\t\u2028\u2029]+/g;

/**
 * `text` made safe for a notification or a quick input's prompt (both render link syntax): no
 * link syntax, no controls, one line, at most `maxLength` characters.
 */
export function notificationText(text: string, maxLength = NOTIFICATION_TEXT_MAX_LENGTH): string {
  let safe = text.replace(LINE_BREAKS, ' ').replace(CONTROLS, '');
  // A space between "]" and "(" is enough: the link pattern allows nothing between them.
  safe = safe.replace(/\]\(/g, '] (');
  if (safe.length > maxLength) {
    // Cut before a lone surrogate half, so the text stays valid.
    let end = maxLength - 1;
    if (/[\ud800-\udbff]/.test(safe.charAt(end - 1))) end--;
    safe = `${safe.slice(0, end)}…`;
  }
  return safe;
}
