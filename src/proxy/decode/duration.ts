// google.protobuf.Duration and the protobuf wrapper types as plain numbers.
import type { Duration__Output } from '../../xds/generated/google/protobuf/Duration.js';

/** A Duration in milliseconds (rounded), or `fallback` when it is absent. */
export function durationMs(d: Duration__Output | null | undefined, fallback: number): number;
export function durationMs(d: Duration__Output | null | undefined): number | undefined;
export function durationMs(d: Duration__Output | null | undefined, fallback?: number): number | undefined {
  if (!d) return fallback;
  return Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6);
}

/** The number a wrapper (`UInt32Value`, `UInt64Value`, ...) holds, or `fallback` when it is absent. */
export function wrapped(w: { value: number | string } | null | undefined, fallback: number): number;
export function wrapped(w: { value: number | string } | null | undefined): number | undefined;
export function wrapped(w: { value: number | string } | null | undefined, fallback?: number): number | undefined {
  return w ? Number(w.value) : fallback;
}

/** The boolean a BoolValue holds, or `fallback` when it is absent. */
export function wrappedBool(w: { value: boolean } | null | undefined, fallback: boolean): boolean {
  return w ? w.value : fallback;
}
