// The few protobuf wire-format pieces needed to splice already-encoded messages into a parent:
// field keys, varint lengths and Buffer views.
import { messageType } from '../../../xds/index.js';

/** `n` (below 2^32) as a protobuf varint. */
export function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** A Buffer over the same memory as `bytes`, without copying. */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The wire key of the length-delimited field `field` of `typeName`; throws when the type has no such field. */
export function lengthDelimitedKey(typeName: string, field: string): Buffer {
  const found = messageType(typeName).fields[field];
  if (!found) throw new Error(`${typeName} has no field ${field}`);
  return varint((found.id << 3) | 2);
}

/** `key`, the length of `parts` together, then `parts`: one length-delimited field, as one Buffer. */
export function lengthDelimitedField(key: Buffer, parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  return Buffer.concat([key, varint(length), ...parts]);
}
