/**
 * The frames of a message of more than one frame (fragmented, or a single frame the columns cannot
 * describe), as the event store keeps them: 24 bytes a frame in a segment's payload slab, instead of
 * an object of eleven properties and its slot in an array (some 120 bytes a frame, measured in the
 * V8 heap). A peer sending messages of 1,024 empty fragments otherwise had the store hold about
 * 120 KiB of objects per 2 KiB message on the wire; packed, the frames are counted as payload bytes
 * and leave memory with them (spilled or dropped).
 */
import { MAX_FRAMES_KEPT, wireFrame, type WireFrame } from './wire';

/**
 * Bytes per packed frame: the stream offset and payload length as doubles (both can pass 2^32), the
 * mask key, the first header byte (FIN, RSV1-3, opcode), the mask bit and the header length.
 */
export const PACKED_FRAME_BYTES = 24;

/** Bytes `frames` take packed (at most MAX_FRAMES_KEPT of them are kept, as the decoder keeps them). */
export function packedFramesLength(frames: readonly WireFrame[]): number {
  return Math.min(frames.length, MAX_FRAMES_KEPT) * PACKED_FRAME_BYTES;
}

/** Writes the first MAX_FRAMES_KEPT of `frames` into `into` from `at` (packedFramesLength(frames) bytes); returns how many. */
export function packFrames(frames: readonly WireFrame[], into: Buffer, at: number): number {
  const count = Math.min(frames.length, MAX_FRAMES_KEPT);
  for (let k = 0; k < count; k++) {
    const frame = frames[k];
    const p = at + k * PACKED_FRAME_BYTES;
    into.writeDoubleLE(frame.streamOffset, p);
    into.writeDoubleLE(frame.payloadLength, p + 8);
    into.writeUInt32LE((frame.maskKey ?? 0) >>> 0, p + 16);
    into[p + 20] = (frame.fin ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0) | (frame.opcode & 0x0f);
    into[p + 21] = frame.masked ? 1 : 0;
    into[p + 22] = frame.headerLength & 0xff;
    into[p + 23] = 0;
  }
  return count;
}

/** The `count` frames packed in `from` at `at`, as the decoder made them (wire.ts's wireFrame). */
export function unpackFrames(from: Buffer, at: number, count: number): WireFrame[] {
  const frames = new Array<WireFrame>(count);
  for (let k = 0; k < count; k++) {
    const p = at + k * PACKED_FRAME_BYTES;
    frames[k] = wireFrame(from[p + 20], from[p + 21] === 1, from.readUInt32LE(p + 16), from.readDoubleLE(p + 8), from[p + 22], from.readDoubleLE(p));
  }
  return frames;
}
