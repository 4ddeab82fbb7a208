/**
 * What the details pane shows for one event, as the host sends it on request: the row's facts and
 * a bounded slice of the payload (never a whole 100 MB message).
 */
import type { EventRow } from './sessionEvent';

/** Payload bytes sent for the details pane; the rest stays in the host ("Open in Editor" gets all of it). */
export const DETAILS_PAYLOAD_MAX_BYTES = 256 * 1024;

export interface HandshakeDetails {
  readonly startLine: string;
  /** Masked values are sent as '' (see maskedHeaders); the webview asks for one with `revealHeader`. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Indexes into `headers` of credentials (a resolved `${secret:…}`, Authorization, Cookie…) whose value is withheld. */
  readonly maskedHeaders?: readonly number[];
  readonly acceptCheck?: { readonly ok: boolean; readonly expected?: string; readonly message: string };
  readonly negotiated?: { readonly subprotocol: string; readonly extensions: string };
  /** A refused upgrade's response only: the body the server sent with it (often why). */
  readonly body?: RefusedBodyDetails;
}

/** The kept head of a refused upgrade's body (at most REFUSED_BODY_LIMIT bytes): text or bytes, never both. */
export interface RefusedBodyDetails {
  /** Bytes of the body that were kept. */
  readonly bytes: number;
  /** The body as text, resolved secrets masked: printable UTF-8, or (with `notText`) bytes that held a secret, decoded as well as they go. */
  readonly text?: string;
  readonly notText?: boolean;
  /** The body's bytes when they are not text. */
  readonly base64?: string;
  /** The body was dropped at the memory cap: only its size is known. */
  readonly dropped?: boolean;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly meaning: string;
  readonly initiatedBy: 'client' | 'server' | 'none';
  readonly clean: boolean;
  readonly cause?: string;
}

/** One RFC 6455 frame header as decoded from the wire (section 5.2). */
export interface FrameInfo {
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  readonly opcode: number;
  readonly opcodeName: string;
  readonly masked: boolean;
  /** 8 hex digits, when masked. */
  readonly maskKey?: string;
  readonly payloadLength: number;
}

export interface EventDetails {
  readonly row: EventRow;
  /** A sentence about the event (errors, lifecycle). */
  readonly message?: string;
  /** The first DETAILS_PAYLOAD_MAX_BYTES of the payload, base64; absent for events without one. */
  readonly payloadBase64?: string;
  /** Full payload size in bytes. */
  readonly payloadBytes: number;
  readonly payloadTruncated: boolean;
  readonly payloadDropped: boolean;
  readonly handshake?: HandshakeDetails;
  readonly close?: CloseInfo;
  readonly wire?: { readonly wireBytes: number; readonly frameCount: number; readonly compressed: boolean; readonly frames: readonly FrameInfo[] };
  readonly rttMs?: number;
  readonly automatic?: boolean;
}
