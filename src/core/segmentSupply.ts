/**
 * Where an event store's new segments and shared payload slabs come from: the next of each is paged
 * in while the current one fills (warmBufferPool.ts), so a flood does not write into fresh pages.
 */
import { COLUMN_BYTES_PER_EVENT, DEFAULT_SEGMENT_EVENTS, Segment, SLAB_BYTES } from './eventSegment';
import { WarmBufferPool, type WarmingBuffer } from './warmBufferPool';

const DEFAULT_SEGMENT_COLUMN_BYTES = DEFAULT_SEGMENT_EVENTS * COLUMN_BYTES_PER_EVENT;
/** Pages in every store's next payload slab and next segment's columns, a few pages per turn (see warmBufferPool.ts). */
const warmPool = new WarmBufferPool();

export class SegmentSupply {
  /** The next shared slab and the next segment's columns, paging in while the current ones fill. */
  private nextSlab: WarmingBuffer | undefined;
  private nextColumns: WarmingBuffer | undefined;

  constructor(private readonly segmentSize: number) {}

  /** A shared slab for a segment: the warmed one, or a new one when none is warm. */
  private readonly takeSlab = (): Buffer => {
    const warmed = this.nextSlab?.take();
    this.nextSlab = undefined;
    return warmed ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
  };

  /** A segment whose first event will be `firstSeq`, in the warmed columns when there are some. */
  newSegment(firstSeq: number): Segment {
    const columns = this.nextColumns?.take();
    this.nextColumns = undefined;
    const pooled = this.segmentSize === DEFAULT_SEGMENT_EVENTS;
    return new Segment(firstSeq, this.segmentSize, columns ?? (pooled ? Buffer.alloc(DEFAULT_SEGMENT_COLUMN_BYTES) : undefined), this.takeSlab);
  }

  /**
   * Starts paging in the next shared slab and/or the next segment's columns, while they still fit
   * in `room`, the bytes left under the memory cap (a warming buffer is not counted until it is used).
   */
  warmNext(room: number, slab: boolean, columns: boolean): void {
    if (slab && !this.nextSlab && room >= 2 * SLAB_BYTES) this.nextSlab = warmPool.warm(SLAB_BYTES);
    if (columns && !this.nextColumns && this.segmentSize === DEFAULT_SEGMENT_EVENTS && room >= 2 * DEFAULT_SEGMENT_COLUMN_BYTES) {
      this.nextColumns = warmPool.warm(DEFAULT_SEGMENT_COLUMN_BYTES);
    }
  }

  /** Lets go of the buffers warming. */
  release(): void {
    this.nextSlab?.cancel();
    this.nextColumns?.cancel();
    this.nextSlab = this.nextColumns = undefined;
  }
}
