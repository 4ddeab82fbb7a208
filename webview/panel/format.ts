/** How times, sizes and arrows read in the timeline. */
import type { EventRow } from '../../src/shared/sessionEvent';
import type { TimeMode } from './persistedState';

export const ARROWS: Record<EventRow['direction'], string> = { sent: '\u2191', received: '\u2193', local: '\u2022' };
export const DIRECTION_NAMES: Record<EventRow['direction'], string> = { sent: 'sent', received: 'received', local: 'local' };

export function formatTime(row: EventRow, mode: TimeMode): string {
  if (mode === 'relative') return `${(row.monoUs / 1000).toFixed(1)} ms`;
  const d = new Date(row.wallMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The kind badge: both halves of the opening handshake read "handshake"; the arrow tells them apart. */
export function kindBadge(kind: EventRow['kind']): string {
  return kind === 'handshake-request' || kind === 'handshake-response' ? 'handshake' : kind;
}

export function formatSize(size: number): string {
  return size > 0 ? `${size} B` : '';
}
