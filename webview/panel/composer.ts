/**
 * The composer: Text, JSON (validated, Format) and Binary (hex or base64 with a live byte count,
 * or a file chosen in the host's dialog); Send with Ctrl+Enter (Cmd+Enter on macOS); history with
 * ↑/↓; Ping with an optional payload; Close with a code and reason; the profile's saved messages.
 * Mistakes show inline before anything is sent; when the session is not open every control is
 * disabled and says why.
 */
import { checkBinaryInput, checkCloseInput, checkJsonInput, utf8ByteLength, type ComposerCheck } from '../../src/shared/composerInput';
import type { BinaryEncoding } from '../../src/shared/binaryText';
import { CLOSE_NORMAL, MAX_CLOSE_REASON_BYTES, MAX_CONTROL_PAYLOAD_BYTES } from '../../src/shared/rfc6455';
import type { ComposerMode } from '../../src/shared/protocol';
import type { SessionState } from '../../src/shared/sessionEvent';
import { el, errorText, remote } from './dom';
import { host } from './hostChannel';
import { persist, persisted } from './persistedState';

const HISTORY_LIMIT = 50;

export class Composer {
  readonly element: HTMLDivElement;
  private readonly mode: HTMLSelectElement;
  private readonly encoding: HTMLSelectElement;
  private readonly input: HTMLTextAreaElement;
  private readonly send: HTMLButtonElement;
  private readonly format: HTMLButtonElement;
  private readonly file: HTMLButtonElement;
  private readonly bytes: HTMLElement;
  private readonly status: HTMLElement;
  private readonly saved: HTMLElement;
  private readonly pingPayload: HTMLInputElement;
  private readonly ping: HTMLButtonElement;
  private readonly closeCode: HTMLInputElement;
  private readonly closeReason: HTMLInputElement;
  private readonly close: HTMLButtonElement;
  private readonly controlError: HTMLElement;
  private readonly disabledNote: HTMLElement;
  private history: string[];
  /** Position while walking the history with ↑/↓; history.length means "the draft". */
  private historyAt: number;
  private draft = '';
  private open = false;
  private state: SessionState = 'connecting';

  constructor() {
    const saved = persisted();
    this.history = [...(saved.history ?? [])];
    this.historyAt = this.history.length;
    // Not a <form>: the page submits nothing anywhere (its CSP says form-action 'none'), and Enter
    // in the ping or close fields must not send the composed message.
    this.element = el('div', 'composer');
    this.element.setAttribute('role', 'form');
    this.element.setAttribute('aria-label', 'Composer');

    const top = el('div', 'composer-top');
    this.mode = select('composer-mode', 'Message type', [['text', 'Text'], ['json', 'JSON'], ['binary', 'Binary']]);
    this.mode.value = saved.composerMode ?? 'text';
    this.encoding = select('composer-encoding', 'Binary encoding', [['hex', 'hex'], ['base64', 'base64']]);
    this.encoding.value = saved.encoding ?? 'hex';
    this.format = button('Format', 'composer-format', 'Pretty-print the JSON');
    this.file = button('Send File\u2026', 'composer-file', 'Choose a file and send its bytes as one binary message');
    this.bytes = el('span', 'composer-bytes');
    this.bytes.setAttribute('aria-live', 'polite');
    this.saved = el('div', 'saved-messages');
    this.saved.setAttribute('aria-label', 'Saved messages of the profile');
    top.append(this.mode, this.encoding, this.format, this.file, this.bytes, this.saved);

    this.input = el('textarea', 'composer-input');
    this.input.rows = 3;
    this.input.setAttribute('aria-label', 'Message to send');
    this.input.value = saved.draft ?? '';
    this.send = button('Send', 'composer-send', 'Send (Ctrl+Enter)');

    const controls = el('div', 'composer-controls');
    this.pingPayload = el('input', 'ping-payload');
    this.pingPayload.placeholder = 'ping payload (optional)';
    this.pingPayload.setAttribute('aria-label', `Ping payload, at most ${MAX_CONTROL_PAYLOAD_BYTES} bytes`);
    this.ping = button('Ping', 'ping-button', 'Send a ping');
    this.closeCode = el('input', 'close-code');
    this.closeCode.value = String(CLOSE_NORMAL);
    this.closeCode.inputMode = 'numeric';
    this.closeCode.setAttribute('aria-label', 'Close code');
    this.closeReason = el('input', 'close-reason');
    this.closeReason.placeholder = 'close reason (optional)';
    this.closeReason.setAttribute('aria-label', `Close reason, at most ${MAX_CLOSE_REASON_BYTES} bytes of UTF-8`);
    this.close = button('Close', 'close-button', 'Start the closing handshake with this code and reason');
    this.controlError = el('span', 'control-error');
    this.controlError.setAttribute('role', 'alert');
    controls.append(this.pingPayload, this.ping, this.closeCode, this.closeReason, this.close, this.controlError);

    this.status = el('div', 'composer-status');
    this.status.setAttribute('role', 'status');
    this.disabledNote = el('div', 'composer-disabled-note');
    this.element.append(top, this.input, this.send, controls, this.status, this.disabledNote);

    this.send.addEventListener('click', () => void this.sendMessage());
    this.input.addEventListener('keydown', (event) => this.onKey(event));
    this.input.addEventListener('input', () => {
      this.historyAt = this.history.length;
      persist({ draft: this.input.value });
      this.validate();
    });
    this.mode.addEventListener('change', () => {
      persist({ composerMode: this.mode.value as ComposerMode });
      this.validate();
    });
    this.encoding.addEventListener('change', () => {
      persist({ encoding: this.encoding.value as BinaryEncoding });
      this.validate();
    });
    this.format.addEventListener('click', () => {
      const check = checkJsonInput(this.input.value);
      if (check.ok) {
        this.input.value = JSON.stringify(JSON.parse(this.input.value), null, 2);
        persist({ draft: this.input.value });
      }
      this.validate();
    });
    this.file.addEventListener('click', () => void this.run(async () => {
      const sent = await host.request('sendFile', {}, 10 * 60_000);
      return sent ? `Sent ${sent.file} (${sent.bytes} bytes)` : 'No file chosen';
    }));
    this.ping.addEventListener('click', () => void this.run(async () => {
      const { bytes } = await host.request('ping', { payload: this.pingPayload.value });
      return `Ping sent${bytes > 0 ? ` with ${bytes} bytes` : ''}`;
    }));
    this.pingPayload.addEventListener('input', () => this.validateControls());
    this.closeCode.addEventListener('input', () => this.validateControls());
    this.closeReason.addEventListener('input', () => this.validateControls());
    this.close.addEventListener('click', () => {
      const check = checkCloseInput(this.closeCode.value, this.closeReason.value);
      if (!check.ok || check.code === undefined) {
        this.validateControls();
        return;
      }
      const code = check.code;
      void this.run(async () => {
        await host.request('close', { code, reason: this.closeReason.value });
        return `Closing with ${code}`;
      });
    });
    this.setSession('connecting');
  }

  /** Enables the controls only while the connection is open, and says why otherwise. */
  setSession(state: SessionState, ended = false): void {
    this.state = state;
    this.open = state === 'open' && !ended;
    const why = ended ? 'Cannot send: this session ended when the window reloaded; Reconnect to start a new one' : `Cannot send: the connection is ${state}`;
    for (const control of [this.input, this.send, this.ping, this.pingPayload, this.closeCode, this.closeReason, this.close, this.file, this.format, this.mode, this.encoding]) {
      control.disabled = !this.open;
    }
    for (const b of this.saved.querySelectorAll('button')) b.disabled = !this.open;
    this.send.title = this.open ? `Send (${isMac() ? 'Cmd' : 'Ctrl'}+Enter)` : why;
    this.disabledNote.textContent = this.open ? '' : why;
    this.input.placeholder = this.open ? `Message (${isMac() ? 'Cmd' : 'Ctrl'}+Enter to send, \u2191/\u2193 for history)` : why;
    if (this.open) {
      this.validate();
      this.validateControls();
    }
  }

  setSavedMessages(names: readonly string[]): void {
    this.saved.replaceChildren(
      ...names.map((name) => {
        const b = button(name, 'saved-message', `Send the saved message "${name}"`);
        b.disabled = !this.open;
        b.addEventListener('click', () => void this.run(async () => {
          // The host may ask the person for ${input:…} or a missing ${secret:…} first: wait as long as a file dialog.
          const { bytes } = await host.request('sendSaved', { name }, 10 * 60_000);
          return ['Sent "', remote(name), `" (${bytes} bytes)`];
        }));
        return b;
      }),
    );
  }

  private currentMode(): ComposerMode {
    return this.mode.value as ComposerMode;
  }

  /** The live check of the input: byte count, or what is wrong. */
  private check(): ComposerCheck {
    const text = this.input.value;
    switch (this.currentMode()) {
      case 'text':
        return { ok: true, bytes: utf8ByteLength(text) };
      case 'json':
        return text.trim() === '' ? { ok: false, error: 'Type a JSON value to send' } : checkJsonInput(text);
      case 'binary':
        return checkBinaryInput(text, this.encoding.value as BinaryEncoding);
      default: {
        const unhandled: never = this.currentMode() as never;
        return unhandled;
      }
    }
  }

  private validate(): ComposerCheck {
    const mode = this.currentMode();
    this.encoding.hidden = mode !== 'binary';
    this.file.hidden = mode !== 'binary';
    this.format.hidden = mode !== 'json';
    const check = this.check();
    this.bytes.textContent = check.ok ? `${check.bytes} ${check.bytes === 1 ? 'byte' : 'bytes'}` : check.error;
    this.bytes.classList.toggle('invalid', !check.ok);
    if (check.ok) this.input.removeAttribute('aria-invalid');
    else this.input.setAttribute('aria-invalid', 'true');
    if (this.open) {
      this.send.disabled = !check.ok;
      this.format.disabled = mode !== 'json' || !check.ok;
    }
    return check;
  }

  private validateControls(): void {
    const problems: string[] = [];
    const pingBytes = utf8ByteLength(this.pingPayload.value);
    if (pingBytes > MAX_CONTROL_PAYLOAD_BYTES) problems.push(`The ping payload is ${pingBytes} bytes; at most ${MAX_CONTROL_PAYLOAD_BYTES} fit in a control frame (RFC 6455 section 5.5).`);
    const close = checkCloseInput(this.closeCode.value, this.closeReason.value);
    if (!close.ok) problems.push(close.error);
    this.controlError.textContent = problems.join(' ');
    if (this.open) {
      this.ping.disabled = pingBytes > MAX_CONTROL_PAYLOAD_BYTES;
      this.close.disabled = !close.ok;
    }
    this.closeReason.toggleAttribute('aria-invalid', !close.ok);
  }

  private async sendMessage(): Promise<void> {
    if (!this.open) return;
    const check = this.validate();
    if (!check.ok) {
      this.status.textContent = check.error;
      return;
    }
    const text = this.input.value;
    const sent = await this.run(async () => {
      const { bytes } = await host.request('send', { mode: this.currentMode(), text, encoding: this.encoding.value as BinaryEncoding });
      return `Sent ${bytes} bytes`;
    });
    if (sent) {
      if (text !== '' && this.history[this.history.length - 1] !== text) {
        this.history.push(text);
        if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
      }
      this.historyAt = this.history.length;
      this.input.value = '';
      persist({ history: this.history, draft: '' });
      this.validate();
    }
  }

  /** Runs a host request and shows its outcome; returns whether it succeeded. */
  /** Runs a request and shows its outcome: a sentence, or a sentence with remote parts (see `remote`). */
  private async run(action: () => Promise<string | Array<string | Node>>): Promise<boolean> {
    this.status.textContent = '';
    this.status.classList.remove('error');
    try {
      const outcome = await action();
      this.status.replaceChildren(...(typeof outcome === 'string' ? [outcome] : outcome));
      return true;
    } catch (err) {
      this.status.textContent = errorText(err);
      this.status.classList.add('error');
      return false;
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.sendMessage();
      return;
    }
    if (event.altKey || event.shiftKey || event.ctrlKey || event.metaKey) return;
    const value = this.input.value;
    const caret = this.input.selectionStart ?? 0;
    if (event.key === 'ArrowUp' && !value.slice(0, caret).includes('\n') && this.historyAt > 0) {
      if (this.historyAt === this.history.length) this.draft = value;
      this.historyAt--;
      this.showHistory(event);
    } else if (event.key === 'ArrowDown' && !value.slice(this.input.selectionEnd ?? caret).includes('\n') && this.historyAt < this.history.length) {
      this.historyAt++;
      this.showHistory(event);
    }
  }

  private showHistory(event: KeyboardEvent): void {
    event.preventDefault();
    this.input.value = this.historyAt === this.history.length ? this.draft : this.history[this.historyAt];
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    this.validate();
  }

  get sessionState(): SessionState {
    return this.state;
  }
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

function select(className: string, label: string, options: ReadonlyArray<readonly [string, string]>): HTMLSelectElement {
  const s = el('select', className);
  s.setAttribute('aria-label', label);
  for (const [value, text] of options) {
    const o = el('option', undefined, text);
    o.value = value;
    s.append(o);
  }
  return s;
}

function button(text: string, className: string, title: string): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  b.title = title;
  return b;
}
