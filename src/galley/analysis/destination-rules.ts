// DestinationRules by host, found the way Pilot finds the rule for a service.
import type { ConfigEntry, ConfigSnapshot } from '../snapshot.js';
import { hostAliases, hostCovers, isWildcardHost, resolveHost } from '../../api/hosts.js';

/** Finds the DestinationRules that apply to a host. `exportTo` is not taken into account. */
export interface DestinationRuleIndex {
  /**
   * The rules for `host` written in a resource of `namespace`: those naming the host exactly,
   * or, when there are none, those of the most specific wildcard host that covers it.
   */
  forHost(host: string, namespace: string): ConfigEntry<'DestinationRule'>[];
}

/** The host of a DestinationRule, resolved in its namespace. */
export function hostOfRule(entry: ConfigEntry<'DestinationRule'>): string {
  return resolveHost(entry.resource.spec.host ?? '', entry.resource.metadata.namespace);
}

/** Indexes the snapshot's DestinationRules by resolved host. */
export function createDestinationRuleIndex(snapshot: ConfigSnapshot): DestinationRuleIndex {
  const exact = new Map<string, ConfigEntry<'DestinationRule'>[]>();
  const wildcards: { host: string; entry: ConfigEntry<'DestinationRule'> }[] = [];
  for (const entry of snapshot.of('DestinationRule')) {
    const host = hostOfRule(entry);
    if (isWildcardHost(host)) {
      wildcards.push({ host, entry });
      continue;
    }
    let list = exact.get(host);
    if (!list) exact.set(host, (list = []));
    list.push(entry);
  }
  // Longest wildcard first: `*.bar.example.com` is more specific than `*.example.com`.
  wildcards.sort((a, b) => b.host.length - a.host.length);

  return {
    forHost(host, namespace) {
      const aliases = hostAliases(host, namespace);
      const found = aliases.flatMap((a) => exact.get(a) ?? []);
      if (found.length > 0) return found;
      const covering = wildcards.filter((w) => aliases.some((a) => hostCovers(w.host, a)));
      if (covering.length === 0) return [];
      const best = covering[0]!.host;
      return covering.filter((w) => w.host === best).map((w) => w.entry);
    },
  };
}
