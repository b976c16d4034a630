// Istio duration strings (`1.5s`, `100ms`, `1h`) as google.protobuf.Duration messages.
import type { Duration } from '../../../xds/generated/google/protobuf/Duration.js';
import { parseDuration } from '../../../galley/validation/common/duration.js';

/** `ms` milliseconds as a Duration: whole seconds and the remaining nanoseconds. */
export function durationFromMs(ms: number): Duration {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos === 0 ? { seconds } : { seconds, nanos };
}

/**
 * A Duration for an Istio duration string, or undefined when `text` is absent. Galley has
 * validated the config, so a string that does not parse is treated as absent too.
 */
export function parseDurationText(text: string | undefined): Duration | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  return ms === undefined || ms < 0 ? undefined : durationFromMs(ms);
}

/** Whole seconds of an Istio duration string (at least 1 when the duration is positive), or undefined. */
export function durationSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 0) return undefined;
  return ms > 0 ? Math.max(1, Math.floor(ms / 1000)) : 0;
}
