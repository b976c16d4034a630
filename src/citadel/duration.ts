// Durations as people type them in flags: `90d`, `24h`, `1h30m`, `45s`, or bare seconds.

const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };
const PART = /(\d+(?:\.\d+)?)(d|h|m|s)/g;

/** The number of seconds `text` means, or undefined when it is not a positive duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) > 0 ? Number(trimmed) : undefined;
  if (!/^(\d+(\.\d+)?(d|h|m|s))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, n, unit] of trimmed.matchAll(PART)) total += Number(n) * (UNIT_SECONDS[unit as string] as number);
  return total > 0 ? total : undefined;
}
