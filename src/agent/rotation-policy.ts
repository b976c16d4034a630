// When the agent renews its certificate, and how long it waits after a failed request: Istio's
// rotation at half the lifetime with jitter, and jittered exponential backoff.
import type { Random } from './agent-timers.js';

export interface RotationPolicy {
  /** The fraction of the lifetime after which to renew (Istio: 0.5). */
  readonly rotationRatio: number;
  /** The jitter's total spread as a fraction of the lifetime, centred on `rotationRatio`. */
  readonly jitterRatio: number;
  /** First retry delay after the CA was unavailable; it doubles up to `backoffMaxMs`. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Each retry delay is scaled by a random factor in [1 - j, 1 + j). */
  readonly backoffJitter: number;
  /** Retry delay after a configuration error (rejected token, permission denied, wrong certificate). */
  readonly configErrorRetryMs: number;
  /** Never renew sooner than this after a certificate arrived, whatever its dates say. */
  readonly minRotationDelayMs: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicy = Object.freeze({
  rotationRatio: 0.5,
  jitterRatio: 0.1,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  backoffJitter: 0.2,
  configErrorRetryMs: 60_000,
  minRotationDelayMs: 1000,
});

/**
 * When to renew a certificate valid from `notBefore` to `notAfter` (ms since the epoch), received
 * at `now`: `start + lifetime × (rotationRatio ± jitterRatio/2)`, where the lifetime runs from
 * `start`, the later of `notBefore` and `now`, to `notAfter`; and not before
 * `now + minRotationDelayMs` (a skewed clock must not make the agent renew in a loop).
 */
export function rotationTime(notBefore: number, notAfter: number, now: number, policy: RotationPolicy, random: Random): number {
  // Our CA backdates notBefore by a minute for clock skew; counted in, a 6s certificate would be
  // renewed at once, on every arrival.
  const start = Math.min(Math.max(notBefore, now), notAfter);
  const lifetime = notAfter - start;
  const ratio = policy.rotationRatio + policy.jitterRatio * (random() - 0.5);
  return Math.max(start + lifetime * ratio, now + policy.minRotationDelayMs);
}

/** The delay before retry number `failures` (1 for the first) after the CA was unavailable. */
export function backoffDelay(failures: number, policy: RotationPolicy, random: Random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const delay = Math.min(policy.backoffBaseMs * 2 ** exponent, policy.backoffMaxMs);
  return jittered(delay, policy.backoffJitter, random);
}

/** The delay before retrying after a configuration error. */
export function configErrorDelay(policy: RotationPolicy, random: Random): number {
  return jittered(policy.configErrorRetryMs, policy.backoffJitter, random);
}

function jittered(ms: number, jitter: number, random: Random): number {
  return Math.round(ms * (1 + jitter * (2 * random() - 1)));
}
