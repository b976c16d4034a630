// Resources defined more than once across the units of a config set.
import { resourceKey } from '../api/index.js';
import { createIssue, type ConfigIssue } from './issue.js';
import type { ConfigUnit } from './source/config-source.js';

/**
 * A warning for each valid resource that an earlier unit or document already defines (same kind,
 * namespace and name). Units are taken in the order given; the later definition wins, as Galley
 * applies it.
 */
export function findDuplicates(units: readonly ConfigUnit[]): ConfigIssue[] {
  const first = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  for (const unit of units) {
    for (const r of unit.parsed?.results ?? []) {
      if (r.status !== 'valid') continue;
      const key = `${r.resource.kind}/${resourceKey(r.resource)}`;
      const where = `${r.location.file}:${r.location.line}`;
      const earlier = first.get(key);
      if (earlier) {
        issues.push(
          createIssue('warning', [], `also defined at ${earlier}; this later definition replaces it`, {
            location: r.location,
            resource: { kind: r.resource.kind, namespace: r.resource.metadata.namespace, name: r.resource.metadata.name },
          }),
        );
      }
      first.set(key, where);
    }
  }
  return issues;
}
