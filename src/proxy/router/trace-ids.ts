// Random ids for x-request-id and the tracing headers, cut from a pooled buffer of crypto
// randomness so that a request costs no syscall and one string.
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

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes goes in the 36-character text (dashes after bytes 4, 6, 8 and 10). */
const UUID_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const uuidText = Buffer.from('00000000-0000-4000-8000-000000000000', 'latin1');

/** A random (version 4, RFC 9562) UUID in lowercase, as crypto.randomUUID makes, built as one string. */
export function randomUuid(): string {
  if (offset + 16 > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  for (let i = 0; i < 16; i++) {
    let b = pool[offset + i]!;
    if (i === 6) b = (b & 0x0f) | 0x40;
    else if (i === 8) b = (b & 0x3f) | 0x80;
    const at = UUID_AT[i]!;
    uuidText[at] = HEX[b >> 4]!;
    uuidText[at + 1] = HEX[b & 0x0f]!;
  }
  offset += 16;
  return uuidText.toString('latin1', 0, 36);
}
