/** Building DOM nodes. Remote content only ever goes through textContent, never innerHTML. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Sets a node's text only when it differs: the header is rendered on every flush of a flood (some
 * forty times a second), and rewriting an unchanged text still replaces its text node and makes the
 * browser lay it out again.
 */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Remote text inside a sentence of ours, as a <bdi>: a right-to-left override in it ends with it
 * instead of reversing the rest of the sentence.
 */
export function remote(text: string): HTMLElement {
  return el('bdi', undefined, text);
}

/** A button with a codicon and a visible or accessible label. */
export function iconButton(icon: string, label: string, options: { className?: string; showLabel?: boolean } = {}): HTMLButtonElement {
  const button = el('button', `icon-button ${options.className ?? ''}`.trim());
  button.type = 'button';
  button.title = label;
  button.setAttribute('aria-label', label);
  const glyph = el('span', `codicon codicon-${icon}`);
  glyph.setAttribute('aria-hidden', 'true');
  button.append(glyph);
  if (options.showLabel) button.append(el('span', 'icon-button-label', label));
  return button;
}

/** A two-state toggle button (aria-pressed). */
export function toggleButton(text: string, label: string, pressed: boolean, className = 'toggle'): HTMLButtonElement {
  const button = el('button', className, text);
  button.type = 'button';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.setAttribute('aria-pressed', String(pressed));
  return button;
}

export function isPressed(button: HTMLElement): boolean {
  return button.getAttribute('aria-pressed') === 'true';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
