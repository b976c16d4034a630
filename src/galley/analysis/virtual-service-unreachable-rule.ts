// IST0130: an HTTP or TCP rule can never be used, because an earlier rule takes all of its traffic.
import type { FieldPath } from '../../api/index.js';
import { formatPath } from '../../api/index.js';
import type { Analyzer } from './analyzer.js';

type Match = Readonly<Record<string, unknown>>;

/**
 * True when a match block has no condition and so takes every request. A block holding only a
 * `name`, or only `uri.prefix: /`, matches everything too.
 */
function matchesEverything(m: Match): boolean {
  const conditions = Object.keys(m).filter((k) => k !== 'name' && k !== 'ignoreUriCase');
  if (conditions.length === 0) return true;
  if (conditions.length !== 1 || conditions[0] !== 'uri') return false;
  const uri = m.uri as Readonly<Record<string, unknown>> | undefined;
  return !!uri && Object.keys(uri).length === 1 && uri.prefix === '/';
}

/** A canonical text of a match block, without its name, to find repeated blocks. */
function keyOf(m: Match): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'name').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)]));
    }
    return v;
  };
  return JSON.stringify(sort(m));
}

interface Rule {
  readonly name?: string;
  readonly match?: readonly Match[];
}

function label(rule: Rule, path: FieldPath): string {
  return rule.name ? `${formatPath(path)} ("${rule.name}")` : formatPath(path);
}

/**
 * Rules are tried in order and the first match wins. After a rule that matches everything, no
 * rule is reached; and a rule whose every match block repeats an earlier one is never reached.
 */
export const virtualServiceUnreachableRule: Analyzer = {
  code: 'IST0130',
  name: 'virtualservice.UnreachableRuleAnalyzer',
  description: 'An http or tcp rule is never used: an earlier rule without a match (or with the same matches) takes its traffic.',
  severity: 'warning',
  analyze(ctx) {
    for (const entry of ctx.snapshot.of('VirtualService')) {
      for (const protocol of ['http', 'tcp'] as const) {
        const rules = (entry.resource.spec[protocol] ?? []) as readonly Rule[];
        let catchAll: FieldPath | undefined;
        const seen = new Map<string, FieldPath>();
        rules.forEach((rule, i) => {
          const path: FieldPath = ['spec', protocol, i];
          const matches = rule.match ?? [];
          if (catchAll) {
            ctx.report(entry, path, `rule ${label(rule, path)} is never used: the earlier rule ${formatPath(catchAll)} matches every request`);
            return;
          }
          if (matches.length === 0 || matches.some(matchesEverything)) {
            catchAll = path;
            return;
          }
          const earlier = matches.map((m) => seen.get(keyOf(m)));
          if (earlier.every((p) => p !== undefined)) {
            const where = [...new Set(earlier.map((p) => formatPath(p!)))].join(', ');
            ctx.report(entry, path, `rule ${label(rule, path)} is never used: every one of its matches already appears in ${where}`);
          }
          for (const m of matches) if (!seen.has(keyOf(m))) seen.set(keyOf(m), path);
        });
      }
    }
  },
};
