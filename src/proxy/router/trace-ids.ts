// Random hex ids for tracing headers, cut from a pooled buffer of crypto randomness so that a
// request costs no syscall and one string.
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * `bytes` (at most 4096) random bytes as lowercase hex (2 × bytes digits), never all zeros (W3C
 * and B3 treat an all-zero id as invalid).
 */
export function randomHexId(bytes: number): string {
  for (;;) {
    if (offset + bytes > POOL_SIZE) {
      randomFillSync(pool);
      offset = 0;
    }
    const start = offset;
    offset += bytes;
    for (let i = start; i < offset; i++) if (pool[i] !== 0) return pool.toString('hex', start, offset);
  }
}
