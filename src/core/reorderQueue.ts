/**
 * The session's reorder queue (session.ts says why there is one): what the byte tap saw, both
 * directions, in wire order, until ws has delivered the payload of every incoming data message
 * ahead of it.
 *
 * A flood puts hundreds of messages in the queue per chunk read, and each waits there only for its
 * payload. So an incoming data message of one plain frame (the bulk of any flood) is held as numbers
 * in typed-array columns of a ring, not as an object: queuing it allocates nothing. Everything else
 * (control frames, fragmented messages, sent messages) is an object item, as rare as it is varied.
 */
import type { NewSessionEvent } from './eventStore';
import { minimalHeaderLength, singleFrameMessage, type WireMessage } from './wire';

/** What a session logs, before it is stamped with its time. */
export type UnstampedEvent = Omit<NewSessionEvent, 'monoUs' | 'wallMs'>;

/** An object item: a message of the tap's, and once it is complete, the event to log for it. */
export interface QueuedEvent {
  readonly wire?: WireMessage;
  event?: UnstampedEvent;
}

/** What a slot holds: an object item, or a single-frame message waiting for its payload. */
const OBJECT = 0;
const SINGLE_TEXT = 1;
const SINGLE_BINARY = 2;
/** Flags beside a single-frame slot's kind. */
const COMPRESSED = 4;
const MASKED = 8;
const KIND_BITS = 3;

const INITIAL_CAPACITY = 64;
/** A ring this big (a flood of tiny frames: one read holds up to 32,768 of them) starts small again once it empties. */
const SHRINK_FROM_CAPACITY = 4096;

export class ReorderQueue {
  /** Slot of the first item; slots are taken modulo the capacity, a power of two. */
  private head = 0;
  private count = 0;
  private capacity = 0;
  private slotType!: Uint8Array;
  private payloadLengths!: Float64Array;
  private streamOffsets!: Float64Array;
  private maskKeys!: Uint32Array;
  private items!: Array<QueuedEvent | undefined>;

  constructor() {
    this.resize(INITIAL_CAPACITY);
  }

  get length(): number {
    return this.count;
  }

  /** An incoming data message of one plain frame, waiting for its payload (wire.ts's SingleFrameListener). */
  pushSingleFrame(kind: 'text' | 'binary', compressed: boolean, payloadLength: number, streamOffset: number, maskKey: number | undefined): void {
    const slot = this.claim();
    this.slotType[slot] = (kind === 'text' ? SINGLE_TEXT : SINGLE_BINARY) | (compressed ? COMPRESSED : 0) | (maskKey !== undefined ? MASKED : 0);
    this.payloadLengths[slot] = payloadLength;
    this.streamOffsets[slot] = streamOffset;
    this.maskKeys[slot] = maskKey ?? 0;
  }

  /** An incoming message still waiting for its payload, or (with `event`) an item complete as it is. */
  push(item: QueuedEvent): void {
    const slot = this.claim();
    this.slotType[slot] = OBJECT;
    this.items[slot] = item;
  }

  /** Removes the first item. */
  shift(): void {
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.capacity - 1);
    this.count--;
    if (this.count === 0 && this.capacity >= SHRINK_FROM_CAPACITY) this.resize(INITIAL_CAPACITY);
  }

  /** The event of the item at `index` (0 is the first), or undefined while it waits for its payload. */
  eventAt(index: number): UnstampedEvent | undefined {
    const slot = this.slotOf(index);
    return this.slotType[slot] === OBJECT ? this.items[slot]!.event : undefined;
  }

  /** Index of the first item waiting for its payload, or -1. */
  firstPending(): number {
    for (let index = 0; index < this.count; index++) {
      if (this.eventAt(index) === undefined) return index;
    }
    return -1;
  }

  /** The message kind of a single-frame item, or undefined for an object item. */
  singleFrameKindAt(index: number): 'text' | 'binary' | undefined {
    const type = this.slotType[this.slotOf(index)] & KIND_BITS;
    return type === SINGLE_TEXT ? 'text' : type === SINGLE_BINARY ? 'binary' : undefined;
  }

  /** A single-frame item's facts, as the event store's SingleFrameEvent has them. */
  compressedAt(index: number): boolean {
    return (this.slotType[this.slotOf(index)] & COMPRESSED) !== 0;
  }

  wireBytesAt(index: number): number {
    const slot = this.slotOf(index);
    const payloadLength = this.payloadLengths[slot];
    return minimalHeaderLength(payloadLength, (this.slotType[slot] & MASKED) !== 0) + payloadLength;
  }

  /** 0 when the frame is not masked. */
  maskKeyAt(index: number): number {
    return this.maskKeys[this.slotOf(index)];
  }

  streamOffsetAt(index: number): number {
    return this.streamOffsets[this.slotOf(index)];
  }

  /** The tap's message of the item at `index`: for a single-frame item, the WireMessage the decoder would have made. */
  wireAt(index: number): WireMessage | undefined {
    const slot = this.slotOf(index);
    const type = this.slotType[slot];
    if (type === OBJECT) return this.items[slot]!.wire;
    return singleFrameMessage((type & KIND_BITS) === SINGLE_TEXT ? 'text' : 'binary', (type & COMPRESSED) !== 0, this.payloadLengths[slot], this.streamOffsets[slot], type & MASKED ? this.maskKeys[slot] : undefined);
  }

  /** Completes the item at `index` with the event to log for it. */
  complete(index: number, event: UnstampedEvent): void {
    const slot = this.slotOf(index);
    if (this.slotType[slot] === OBJECT) {
      this.items[slot]!.event = event;
      return;
    }
    this.slotType[slot] = OBJECT;
    this.items[slot] = { wire: event.wire, event };
  }

  private slotOf(index: number): number {
    return (this.head + index) & (this.capacity - 1);
  }

  /** The slot for a new last item, doubling the ring when it is full. */
  private claim(): number {
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    const slot = this.slotOf(this.count);
    this.count++;
    return slot;
  }

  /** New columns of `capacity` slots (a power of two, at least the item count), the items moved to the start. */
  private resize(capacity: number): void {
    const slotType = new Uint8Array(capacity);
    const payloadLengths = new Float64Array(capacity);
    const streamOffsets = new Float64Array(capacity);
    const maskKeys = new Uint32Array(capacity);
    const items = new Array<QueuedEvent | undefined>(capacity).fill(undefined);
    for (let index = 0; index < this.count; index++) {
      const slot = this.slotOf(index);
      slotType[index] = this.slotType[slot];
      payloadLengths[index] = this.payloadLengths[slot];
      streamOffsets[index] = this.streamOffsets[slot];
      maskKeys[index] = this.maskKeys[slot];
      items[index] = this.items[slot];
    }
    this.slotType = slotType;
    this.payloadLengths = payloadLengths;
    this.streamOffsets = streamOffsets;
    this.maskKeys = maskKeys;
    this.items = items;
    this.capacity = capacity;
    this.head = 0;
  }
}
