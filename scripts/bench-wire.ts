// Micro-benchmark of the passive frame decoder (src/core/wire.ts); not a test, it prints numbers.
//   node scripts/build.mjs && node out/scripts/bench-wire.js [frames]
// Each case decodes a prepared stream (already split into chunks, so splitting is not timed),
// best of five runs after a warm-up, and prints frames/s, messages/s and MB/s of wire bytes.
import { WireDecoder, type FrameDirection } from '../src/core/wire';

interface Case {
  readonly name: string;
  readonly direction: FrameDirection;
  readonly chunks: Buffer[];
  readonly frames: number;
  readonly bytes: number;
}

function header(opcode: number, fin: boolean, length: number, masked: boolean): Buffer {
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const bytes = Buffer.alloc(2 + extended + (masked ? 4 : 0));
  bytes[0] = (fin ? 0x80 : 0) | opcode;
  bytes[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) bytes.writeUInt16BE(length, 2);
  if (extended === 8) bytes.writeBigUInt64BE(BigInt(length), 2);
  if (masked) bytes.writeUInt32BE(0x12345678, 2 + extended);
  return bytes;
}

/** `count` frames of `payload` bytes; `perMessage` > 1 makes fragmented messages of that many frames. */
function stream(count: number, payload: number, masked: boolean, perMessage = 1): Buffer {
  const parts: Buffer[] = [];
  const body = Buffer.alloc(payload, 0x61);
  for (let i = 0; i < count; i++) {
    const position = i % perMessage;
    const opcode = position === 0 ? 2 : 0;
    const fin = position === perMessage - 1 || i === count - 1;
    parts.push(header(opcode, fin, payload, masked), body);
  }
  return Buffer.concat(parts);
}

function chunked(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

function run(c: Case): { seconds: number; messages: number } {
  let messages = 0;
  const decoder = new WireDecoder({
    direction: c.direction,
    onMessage: () => {
      messages++;
    },
    onError: (error) => {
      throw new Error(`benchmark stream is invalid: ${error.message}`);
    },
  });
  const started = process.hrtime.bigint();
  for (const chunk of c.chunks) decoder.push(chunk);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, messages };
}

const frames = Number(process.argv[2] ?? 500_000);
const small = stream(frames, 64, false);
const smallMasked = stream(frames, 64, true);
const bigFrames = Math.max(1, Math.floor(frames / 200));
const big = stream(bigFrames, 64 * 1024, false);
const cases: Case[] = [
  { name: `${frames} x 64-byte frames, server, 64 KiB chunks`, direction: 'server-to-client', chunks: chunked(small, 64 * 1024), frames, bytes: small.length },
  { name: `${frames} x 64-byte frames, client (masked), 64 KiB chunks`, direction: 'client-to-server', chunks: chunked(smallMasked, 64 * 1024), frames, bytes: smallMasked.length },
  { name: `${frames} x 64-byte frames, server, 1000-byte chunks (headers split)`, direction: 'server-to-client', chunks: chunked(small, 1000), frames, bytes: small.length },
  { name: `${frames} x 64-byte frames, client, 7-byte chunks (most headers split)`, direction: 'client-to-server', chunks: chunked(smallMasked, 7), frames, bytes: smallMasked.length },
  {
    name: `${frames} x 64-byte frames in messages of 10 fragments, server, 64 KiB chunks`,
    direction: 'server-to-client',
    chunks: chunked(stream(frames, 64, false, 10), 64 * 1024),
    frames,
    bytes: small.length,
  },
  { name: `${bigFrames} x 64 KiB frames, server, 64 KiB chunks`, direction: 'server-to-client', chunks: chunked(big, 64 * 1024), frames: bigFrames, bytes: big.length },
];

console.log(`node ${process.version}, ${process.arch}`);
for (const c of cases) {
  run(c); // warm-up, so the JIT has compiled the decoder
  let best = { seconds: Infinity, messages: 0 };
  for (let i = 0; i < 5; i++) {
    const result = run(c);
    if (result.seconds < best.seconds) best = result;
  }
  const perSecond = (n: number): string => `${(n / best.seconds / 1e6).toFixed(2)} M`;
  console.log(
    `${c.name}: ${perSecond(c.frames)}frames/s, ${perSecond(best.messages)}messages/s, ${(c.bytes / best.seconds / 1e6).toFixed(0)} MB/s (${(best.seconds * 1000).toFixed(1)} ms)`,
  );
}
