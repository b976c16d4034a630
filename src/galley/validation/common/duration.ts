// Durations as Istio accepts them in YAML: Go-style `1.5s`, `100ms`, `1h30m`.

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Parses a duration into milliseconds, or returns undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return sign * total;
}

/**
 * Checks a duration field and returns a message when it is wrong: not a duration, negative,
 * zero, or under `minMs` (Istio requires at least 1ms for most durations).
 */
export function checkDuration(text: unknown, opts: { minMs?: number; allowZero?: boolean } = {}): string | undefined {
  if (typeof text !== 'string') return `must be a duration such as "1.5s" or "100ms"`;
  const ms = parseDuration(text);
  if (ms === undefined) return `invalid duration "${text}": use a number with a unit, such as "1.5s" or "100ms"`;
  if (ms < 0) return `duration must not be negative, got "${text}"`;
  if (ms === 0 && opts.allowZero) return undefined;
  const min = opts.minMs ?? 1;
  if (ms < min) return `duration must be at least ${min}ms, got "${text}"`;
  return undefined;
}
