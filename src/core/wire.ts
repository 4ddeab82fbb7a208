/**
 * A passive RFC 6455 frame decoder (section 5.2) over one direction's tapped byte stream. It reads
 * frame headers; data payload bytes are skipped by counting, never copied, unmasked or inflated, so
 * it keeps up with whatever the socket carries (only the at most 125 bytes of a control frame are kept). `ws` does the real decoding; this shows what was on
 * the wire (fragmentation, RSV bits, masks, lengths) and names the first rule a peer broke.
 */
import { CLOSE_MESSAGE_TOO_BIG, CLOSE_PROTOCOL_ERROR, MAX_7BIT_PAYLOAD_LENGTH, MAX_CONTROL_PAYLOAD_BYTES } from '../shared/rfc6455';

export type FrameDirection = 'client-to-server' | 'server-to-client';

export interface WireFrame {
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  readonly opcode: number;
  /** continuation, text, binary, close, ping, pong, or reserved-0xN. */
  readonly opcodeName: string;
  readonly masked: boolean;
  /** The 32-bit masking key as an unsigned number; undefined when the frame is not masked. */
  readonly maskKey?: number;
  readonly payloadLength: number;
  readonly headerLength: number;
  /** Byte offset of the frame's first byte within this direction's frame stream. */
  readonly streamOffset: number;
}

export type WireMessageKind = 'text' | 'binary' | 'close' | 'ping' | 'pong';

export interface WireMessage {
  readonly kind: WireMessageKind;
  /** The first MAX_FRAMES_KEPT frames, in order. */
  readonly frames: readonly WireFrame[];
  readonly frameCount: number;
  /** Header and payload bytes of all its frames. */
  readonly wireBytes: number;
  /** RSV1 on the first frame: the payload is permessage-deflate compressed (RFC 7692 section 6). */
  readonly compressed: boolean;
  /**
   * Control frames only (close, ping, pong): the unmasked payload, at most 125 bytes. Data payloads
   * are never copied here; ws delivers them (inflated) and the session pairs the two.
   */
  readonly payload?: Buffer;
}

export interface WireDecodeError {
  /** For a person: what rule was broken, citing the RFC section. */
  readonly message: string;
  /** Offset of the offending frame's first byte in this direction's frame stream. */
  readonly streamOffset: number;
  /** What was read of the offending frame's header. */
  readonly frame?: Partial<WireFrame>;
  /** What a conforming endpoint closes with: 1002 protocol error, 1009 message too big. */
  readonly closeCode: number;
}

/**
 * A data message sent as one plain frame (FIN set, the shortest length encoding), as numbers: `singleFrameMessage`
 * turns them into the WireMessage that onMessage would have had.
 */
export type SingleFrameListener = (kind: 'text' | 'binary', compressed: boolean, payloadLength: number, streamOffset: number, maskKey: number | undefined) => void;

export interface WireDecoderOptions {
  readonly direction: FrameDirection;
  readonly onMessage: (message: WireMessage) => void;
  /**
   * When given, called instead of onMessage for every data message of one plain frame, the bulk of a
   * flood, so that decoding one allocates nothing: no frame, no frames array, no message object.
   */
  readonly onSingleFrameMessage?: SingleFrameListener;
  readonly onError: (error: WireDecodeError) => void;
}

/** Frames kept per message, so that a message of a million fragments cannot exhaust memory; frameCount still counts them all. */
export const MAX_FRAMES_KEPT = 1024;

const OPCODE_NAMES: readonly string[] = Array.from({ length: 16 }, (_, opcode) =>
  ['continuation', 'text', 'binary'][opcode] ?? ['close', 'ping', 'pong'][opcode - 8] ?? `reserved-0x${opcode.toString(16).toUpperCase()}`,
);
const CONTROL_KINDS: readonly WireMessageKind[] = ['close', 'ping', 'pong'];

/** Longest frame header: 2 bytes, a 64-bit extended length, a 4-byte mask key (RFC 6455 section 5.2). */
const MAX_HEADER_LENGTH = 14;
/** Highest 32-bit half of a 64-bit length that keeps the length exact as a JS number (2^53 - 1). */
const MAX_SAFE_HIGH_WORD = 0x1fffff;

/**
 * The header length of a frame whose length uses the fewest bytes, as RFC 6455 section 5.2 says it
 * must (not every peer does): 2 bytes, a 16-bit length from 126 bytes, a 64-bit one from 65,536, and the mask key.
 */
export function minimalHeaderLength(payloadLength: number, masked: boolean): number {
  return (payloadLength <= MAX_7BIT_PAYLOAD_LENGTH ? 2 : payloadLength < 0x10000 ? 4 : 10) + (masked ? 4 : 0);
}

/** A frame as the decoder describes every frame: the same properties in the same order, so V8 keeps one shape for them. */
export function wireFrame(b0: number, masked: boolean, maskKey: number | undefined, payloadLength: number, headerLength: number, streamOffset: number): WireFrame {
  const opcode = b0 & 0x0f;
  return {
    fin: (b0 & 0x80) !== 0,
    rsv1: (b0 & 0x40) !== 0,
    rsv2: (b0 & 0x20) !== 0,
    rsv3: (b0 & 0x10) !== 0,
    opcode,
    opcodeName: OPCODE_NAMES[opcode],
    masked,
    maskKey: masked ? maskKey : undefined,
    payloadLength,
    headerLength,
    streamOffset,
  };
}

/** The WireMessage onMessage would have had for what onSingleFrameMessage handed over (see SingleFrameListener). */
export function singleFrameMessage(kind: 'text' | 'binary', compressed: boolean, payloadLength: number, streamOffset: number, maskKey: number | undefined): WireMessage {
  const masked = maskKey !== undefined;
  const headerLength = minimalHeaderLength(payloadLength, masked);
  const b0 = 0x80 | (compressed ? 0x40 : 0) | (kind === 'text' ? 1 : 2);
  return { kind, frames: [wireFrame(b0, masked, maskKey, payloadLength, headerLength, streamOffset)], frameCount: 1, wireBytes: headerLength + payloadLength, compressed };
}

export class WireDecoder {
  private readonly fromClient: boolean;
  private readonly who: string;
  private readonly onMessage: (message: WireMessage) => void;
  private readonly onSingleFrameMessage: SingleFrameListener | undefined;
  private readonly onError: (error: WireDecodeError) => void;
  private perMessageDeflate = false;
  private hasFailed = false;

  /** Stream offset of the first byte of the chunk being pushed. */
  private chunkOffset = 0;

  /** A header split across chunks is collected here; a header within one chunk is read in place. */
  private readonly headerBytes = Buffer.alloc(MAX_HEADER_LENGTH);
  private headerFill = 0;
  /** Length of the header being collected, once its first two bytes are known; 0 before. */
  private headerNeed = 0;
  private headerStart = 0;

  /**
   * The frame whose payload is being skipped, as numbers (its first byte holds FIN, RSV and the
   * opcode): a WireFrame object is made only for a message that needs one. And how many of its
   * payload bytes are still to come.
   */
  private frameB0 = 0;
  private frameMasked = false;
  private frameMaskKey = 0;
  private framePayloadLength = 0;
  private frameHeaderLength = 0;
  private frameStreamOffset = 0;
  private payloadLeft = 0;
  /** A control frame's payload, collected as it arrives (at most 125 bytes, RFC 6455 section 5.5). */
  private controlPayload: Buffer | undefined;
  private controlFill = 0;

  /** The fragmented data message in progress (RFC 6455 section 5.4), if any. */
  private messageKind: 'text' | 'binary' | undefined;
  private messageFrames: WireFrame[] = [];
  private messageFrameCount = 0;
  private messageWireBytes = 0;
  private messageCompressed = false;

  constructor(options: WireDecoderOptions) {
    this.fromClient = options.direction === 'client-to-server';
    this.who = this.fromClient ? 'The client' : 'The server';
    this.onMessage = options.onMessage;
    this.onSingleFrameMessage = options.onSingleFrameMessage;
    this.onError = options.onError;
  }

  /** After the first error the decoder stops and ignores further bytes. */
  get failed(): boolean {
    return this.hasFailed;
  }

  /** permessage-deflate negotiated: RSV1 allowed on the first frame of data messages (RFC 7692 section 6). Set before pushing frames. */
  setPerMessageDeflate(enabled: boolean): void {
    this.perMessageDeflate = enabled;
  }

  /**
   * Feeds the next bytes of this direction's stream; any split is fine. Never throws itself; an
   * exception from onMessage or onError propagates, and the rest of that chunk goes undecoded.
   */
  push(chunk: Buffer): void {
    if (this.hasFailed) {
      return;
    }
    const end = chunk.length;
    const base = this.chunkOffset;
    this.chunkOffset += end;
    let pos = 0;
    while (pos < end) {
      if (this.payloadLeft > 0) {
        const available = end - pos;
        if (this.controlPayload) {
          const take = Math.min(available, this.payloadLeft);
          chunk.copy(this.controlPayload, this.controlFill, pos, pos + take);
          this.controlFill += take;
        }
        if (available < this.payloadLeft) {
          this.payloadLeft -= available;
          return;
        }
        pos += this.payloadLeft;
        this.payloadLeft = 0;
        this.finishFrame();
        continue;
      }
      if (this.headerFill === 0 && end - pos >= 2) {
        // Fast path: the first two bytes are here, and usually the whole header is too.
        this.headerStart = base + pos;
        const need = this.checkFirstBytes(chunk[pos], chunk[pos + 1]);
        if (need === 0) {
          return;
        }
        if (end - pos >= need) {
          if (!this.readHeader(chunk, pos, need)) {
            return;
          }
          pos += need;
          if (this.payloadLeft === 0) {
            this.finishFrame();
          }
          continue;
        }
        chunk.copy(this.headerBytes, 0, pos, end);
        this.headerFill = end - pos;
        this.headerNeed = need;
        return;
      }
      // Slow path: a header split across chunks.
      if (this.headerFill === 0) {
        this.headerStart = base + pos;
      }
      if (this.headerNeed === 0) {
        this.headerBytes[this.headerFill++] = chunk[pos++];
        if (this.headerFill < 2) {
          continue;
        }
        this.headerNeed = this.checkFirstBytes(this.headerBytes[0], this.headerBytes[1]);
        if (this.headerNeed === 0) {
          return;
        }
      }
      const take = Math.min(this.headerNeed - this.headerFill, end - pos);
      chunk.copy(this.headerBytes, this.headerFill, pos, pos + take);
      this.headerFill += take;
      pos += take;
      if (this.headerFill < this.headerNeed) {
        return;
      }
      const need = this.headerNeed;
      this.headerFill = 0;
      this.headerNeed = 0;
      if (!this.readHeader(this.headerBytes, 0, need)) {
        return;
      }
      if (this.payloadLeft === 0) {
        this.finishFrame();
      }
    }
  }

  /**
   * Applies every rule the first two header bytes decide, and returns the header's length, or 0
   * after reporting the broken rule. Rules that need the extended length are in readHeader.
   */
  private checkFirstBytes(b0: number, b1: number): number {
    const opcode = b0 & 0x0f;
    const name = OPCODE_NAMES[opcode];
    const rsv1 = (b0 & 0x40) !== 0;
    const masked = (b1 & 0x80) !== 0;
    const length7 = b1 & 0x7f;
    const isControl = opcode >= 8;
    if ((b0 & 0x30) !== 0) {
      const bits = (b0 & 0x30) === 0x30 ? 'RSV2 and RSV3' : b0 & 0x20 ? 'RSV2' : 'RSV3';
      return this.failAt(
        b0,
        b1,
        `${this.who} sent a ${name} frame with ${bits} set; no negotiated extension defines ${bits === 'RSV2 and RSV3' ? 'them' : 'it'}, so it must be 0 (RFC 6455 section 5.2).`,
      );
    }
    if ((opcode >= 3 && opcode <= 7) || opcode >= 0xb) {
      return this.failAt(b0, b1, `${this.who} sent a frame with reserved opcode 0x${opcode.toString(16).toUpperCase()}; opcodes 0x3-0x7 and 0xB-0xF are reserved for future use (RFC 6455 section 5.2).`);
    }
    if (rsv1) {
      if (!this.perMessageDeflate) {
        return this.failAt(b0, b1, `${this.who} sent a ${name} frame with RSV1 set, but permessage-deflate was not negotiated, and no other extension defines RSV1 (RFC 6455 section 5.2, RFC 7692 section 6).`);
      }
      if (opcode === 0) {
        return this.failAt(b0, b1, `${this.who} set RSV1 ("compressed") on a continuation frame; permessage-deflate marks only the first frame of a message (RFC 7692 section 6.1).`);
      }
      if (isControl) {
        return this.failAt(b0, b1, `${this.who} set RSV1 ("compressed") on a ${name} frame; control frames are never compressed (RFC 7692 section 6.1).`);
      }
    }
    if (isControl) {
      if ((b0 & 0x80) === 0) {
        return this.failAt(b0, b1, `${this.who} sent a ${name} frame with FIN=0; control frames must not be fragmented (RFC 6455 section 5.5).`);
      }
      if (length7 > MAX_CONTROL_PAYLOAD_BYTES) {
        return this.failAt(b0, b1, `${this.who} sent a ${name} frame with a payload longer than ${MAX_CONTROL_PAYLOAD_BYTES} bytes (its length field announces a ${length7 === 126 ? '16' : '64'}-bit length); control frames carry at most ${MAX_CONTROL_PAYLOAD_BYTES} (RFC 6455 section 5.5).`);
      }
      if (opcode === 8 && length7 === 1) {
        return this.failAt(b0, b1, `${this.who} sent a close frame with a 1-byte payload; a close payload is either empty or starts with a 2-byte status code (RFC 6455 section 5.5.1).`);
      }
    } else if (opcode === 0) {
      if (this.messageKind === undefined) {
        return this.failAt(b0, b1, `${this.who} sent a continuation frame, but no fragmented message was in progress (RFC 6455 section 5.4).`);
      }
    } else if (this.messageKind !== undefined) {
      return this.failAt(
        b0,
        b1,
        `${this.who} started a new ${name} message while a fragmented ${this.messageKind} message was unfinished; a message's fragments must all arrive before the next data message (RFC 6455 section 5.4).`,
      );
    }
    if (masked !== this.fromClient) {
      return this.failAt(
        b0,
        b1,
        this.fromClient
          ? `The client sent an unmasked ${name} frame; a client must mask every frame it sends (RFC 6455 section 5.1).`
          : `The server sent a masked ${name} frame; a server must not mask the frames it sends (RFC 6455 section 5.1).`,
      );
    }
    return 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  /** Reads a complete header at `at` and starts skipping its payload; false after reporting a broken rule. */
  private readHeader(bytes: Buffer, at: number, headerLength: number): boolean {
    const b0 = bytes[at];
    const b1 = bytes[at + 1];
    const length7 = b1 & 0x7f;
    let p = at + 2;
    let payloadLength: number;
    if (length7 <= MAX_7BIT_PAYLOAD_LENGTH) {
      payloadLength = length7;
    } else if (length7 === 126) {
      payloadLength = (bytes[p] << 8) | bytes[p + 1];
      p += 2;
    } else {
      const high = bytes[p] * 0x1000000 + ((bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3]);
      const low = bytes[p + 4] * 0x1000000 + ((bytes[p + 5] << 16) | (bytes[p + 6] << 8) | bytes[p + 7]);
      if (high >= 0x80000000) {
        this.failAt(b0, b1, `${this.who} sent a 64-bit payload length with its most significant bit set; that bit must be 0 (RFC 6455 section 5.2).`);
        return false;
      }
      if (high > MAX_SAFE_HIGH_WORD) {
        // Beyond 2^53 - 1 the length is not exact as a number; ws closes such a connection with 1009 too.
        this.failAt(
          b0,
          b1,
          `${this.who} sent a frame announcing ${(BigInt(high) * 0x100000000n + BigInt(low)).toString()} bytes of payload, more than 2^53 - 1; no endpoint can take a frame that large (close code 1009, message too big, RFC 6455 section 7.4.1).`,
          CLOSE_MESSAGE_TOO_BIG,
        );
        return false;
      }
      payloadLength = high * 0x100000000 + low;
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    // RSV2 and RSV3 are 0 here: checkFirstBytes refused anything else.
    this.frameB0 = b0;
    this.frameMasked = masked;
    this.frameMaskKey = masked ? ((bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3]) >>> 0 : 0;
    this.framePayloadLength = payloadLength;
    this.frameHeaderLength = headerLength;
    this.frameStreamOffset = this.headerStart;
    this.payloadLeft = payloadLength;
    this.controlPayload = opcode >= 8 ? Buffer.allocUnsafe(payloadLength) : undefined;
    this.controlFill = 0;
    return true;
  }

  /** The current frame's last byte has arrived: emit what it completes. State changes before the callback runs. */
  private finishFrame(): void {
    const b0 = this.frameB0;
    const payloadLength = this.framePayloadLength;
    const wireBytes = this.frameHeaderLength + payloadLength;
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    const rsv1 = (b0 & 0x40) !== 0;
    if (opcode >= 8) {
      const frame = this.currentFrame();
      const payload = this.controlPayload ?? Buffer.alloc(0);
      this.controlPayload = undefined;
      if (frame.maskKey !== undefined) {
        // RFC 6455 section 5.3: octet i is XORed with octet i mod 4 of the masking key.
        for (let i = 0; i < payload.length; i++) payload[i] ^= (frame.maskKey >>> (8 * (3 - (i & 3)))) & 0xff;
      }
      // Control frames are messages of their own, even between the fragments of a data message (RFC 6455 section 5.4).
      this.onMessage({ kind: CONTROL_KINDS[opcode - 8], frames: [frame], frameCount: 1, wireBytes, compressed: false, payload });
      return;
    }
    if (opcode !== 0) {
      const kind = opcode === 1 ? 'text' : 'binary';
      if (fin) {
        const onSingleFrameMessage = this.onSingleFrameMessage;
        // A longer length encoding than needed is kept as a frame object: the numbers could not describe its header.
        if (onSingleFrameMessage && this.frameHeaderLength === minimalHeaderLength(payloadLength, this.frameMasked)) {
          onSingleFrameMessage(kind, rsv1, payloadLength, this.frameStreamOffset, this.frameMasked ? this.frameMaskKey : undefined);
          return;
        }
        this.onMessage({ kind, frames: [this.currentFrame()], frameCount: 1, wireBytes, compressed: rsv1 });
        return;
      }
      this.messageKind = kind;
      this.messageFrames = [this.currentFrame()];
      this.messageFrameCount = 1;
      this.messageWireBytes = wireBytes;
      this.messageCompressed = rsv1;
      return;
    }
    this.messageFrameCount++;
    this.messageWireBytes += wireBytes;
    if (this.messageFrames.length < MAX_FRAMES_KEPT) {
      this.messageFrames.push(this.currentFrame());
    }
    if (fin) {
      const message: WireMessage = {
        kind: this.messageKind as 'text' | 'binary',
        frames: this.messageFrames,
        frameCount: this.messageFrameCount,
        wireBytes: this.messageWireBytes,
        compressed: this.messageCompressed,
      };
      this.messageKind = undefined;
      this.messageFrames = [];
      this.messageFrameCount = 0;
      this.messageWireBytes = 0;
      this.messageCompressed = false;
      this.onMessage(message);
    }
  }

  /** The frame whose last byte has just arrived, as an object. */
  private currentFrame(): WireFrame {
    return wireFrame(this.frameB0, this.frameMasked, this.frameMaskKey, this.framePayloadLength, this.frameHeaderLength, this.frameStreamOffset);
  }

  /** Reports the first broken rule and stops decoding this direction. Returns 0, the "no header" length. */
  private failAt(b0: number, b1: number, message: string, closeCode = CLOSE_PROTOCOL_ERROR): 0 {
    this.hasFailed = true;
    this.payloadLeft = 0;
    this.headerFill = 0;
    this.headerNeed = 0;
    const opcode = b0 & 0x0f;
    const length7 = b1 & 0x7f;
    // Only what the first two bytes say, so the report is the same however the stream was split.
    const frame: Partial<WireFrame> = {
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode,
      opcodeName: OPCODE_NAMES[opcode],
      masked: (b1 & 0x80) !== 0,
      ...(length7 < 126 ? { payloadLength: length7 } : {}),
      streamOffset: this.headerStart,
    };
    this.onError({ message, streamOffset: this.headerStart, frame, closeCode });
    return 0;
  }
}
