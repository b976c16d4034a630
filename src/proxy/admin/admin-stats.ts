// Envoy's `/stats` output: sorted `name: value` lines or JSON, optionally filtered by an RE2 regex.
import { RE2JS } from 're2js';

/** The stats after filtering, or why the filter was refused. */
export type StatsSelection =
  | { readonly ok: true; readonly entries: readonly (readonly [string, number])[] }
  | { readonly ok: false; readonly error: string };

/** The stats sorted by name, keeping those `filter` (an RE2 regex, searched anywhere in the name) matches. */
export function selectStats(stats: ReadonlyMap<string, number>, filter: string | null): StatsSelection {
  let matches: ((name: string) => boolean) | undefined;
  if (filter) {
    try {
      const re = RE2JS.compile(filter);
      matches = (name) => re.matcher(name).find();
    } catch (err) {
      return { ok: false, error: `Invalid re2 regex: ${(err as Error).message}` };
    }
  }
  const entries = [...stats].filter(([name]) => !matches || matches(name));
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { ok: true, entries };
}

/** The text form: `name: value` per line, as Envoy prints counters and gauges. */
export function formatStatsText(entries: readonly (readonly [string, number])[]): string {
  let out = '';
  for (const [name, value] of entries) out += `${name}: ${value}\n`;
  return out;
}

/** The JSON form (`?format=json`): `{stats: [{name, value}]}`. */
export function formatStatsJson(entries: readonly (readonly [string, number])[]): object {
  return { stats: entries.map(([name, value]) => ({ name, value })) };
}
