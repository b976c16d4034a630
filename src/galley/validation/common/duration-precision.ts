// Durations that Envoy takes to the millisecond, as Istio checks route and policy timeouts.
import { checkDuration, parseDuration } from './duration.js';

/**
 * Checks a duration like {@link checkDuration} (at least `minMs`, 1ms by default) and also rejects
 * one finer than a millisecond, such as "1.5ms", which Istio refuses. Returns a message, or undefined.
 */
export function checkMillisecondDuration(text: unknown, opts: { minMs?: number } = {}): string | undefined {
  const bad = checkDuration(text, opts);
  if (bad) return bad;
  const ms = parseDuration(text as string) ?? 0;
  if (Math.abs(ms - Math.round(ms)) > 1e-6) {
    return `duration "${String(text)}" is finer than a millisecond; only millisecond precision is supported`;
  }
  return undefined;
}
