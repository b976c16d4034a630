// Envoy's FractionalPercent as parts per million, the one unit the runtime uses for fractions.
import type { FractionalPercent__Output } from '../../xds/generated/envoy/type/v3/FractionalPercent.js';
import type { DecodeErrors } from './decode-result.js';

const SCALE: Readonly<Record<string, number>> = { HUNDRED: 10_000, TEN_THOUSAND: 100, MILLION: 1 };

/**
 * `p` in parts per million, capped at 1,000,000; `fallback` when absent. An unknown denominator
 * is recorded in `errors` at `path`.
 */
export function percentPpm(p: FractionalPercent__Output | null | undefined, fallback: number, errors: DecodeErrors, path: string): number {
  if (!p) return fallback;
  const scale = SCALE[p.denominator];
  if (scale === undefined) {
    errors.add(`${path}.denominator`, `unknown denominator ${String(p.denominator)}`);
    return fallback;
  }
  return Math.min(1_000_000, Number(p.numerator) * scale);
}
