// The push context's index of DestinationRules, looked up with Istio's namespace and host precedence.
import { hostCovers, isWildcardHost, resolveHost } from '../api/index.js';
import type { ConfigSnapshot } from '../galley/index.js';
import type { DestinationRule } from './model/push-context.js';
import type { Proxy } from './model/proxy.js';
import { isExportedTo, normalizeExportTo } from './registry/export-to.js';
import { selectorMatches } from './registry/label-selector.js';

interface RuleEntry {
  readonly rule: DestinationRule;
  readonly host: string;
  readonly exportTo: readonly string[];
}

/** DestinationRules of one namespace: by host, and those with a workloadSelector. */
interface NamespaceRules {
  readonly byHost: Map<string, RuleEntry[]>;
  readonly selecting: RuleEntry[];
  /** Whether any host of `byHost` is a wildcard; when none is, only the exact host is looked up. */
  wildcards: boolean;
}

/** Finds the DestinationRule for a proxy and host. */
export interface DestinationRuleIndex {
  /** See {@link createDestinationRuleIndex}. */
  lookup(proxy: Proxy, hostname: string, serviceNamespace: string | undefined): DestinationRule | undefined;
}

/**
 * Indexes the snapshot's DestinationRules (hosts resolved in their namespace). A lookup follows
 * Istio: first the rules of the proxy's namespace that it sees, then those of the service's
 * namespace exported to the proxy's, then those of the root namespace exported to it. Within a
 * namespace the rule for exactly the host wins, else the one with the most specific wildcard.
 * A rule with a workloadSelector applies only to matching proxies of its own namespace, and beats
 * a rule without selector for the same host. Several rules for the same host in one namespace
 * merge as in Istio: the first (by name) is the base, later ones add subsets with new names and
 * give the traffic policy when the base has none.
 */
export function createDestinationRuleIndex(config: ConfigSnapshot, rootNamespace: string): DestinationRuleIndex {
  const byNamespace = new Map<string, NamespaceRules>();
  for (const { resource } of config.of('DestinationRule')) {
    const ns = resource.metadata.namespace;
    let rules = byNamespace.get(ns);
    if (!rules) byNamespace.set(ns, (rules = { byHost: new Map(), selecting: [], wildcards: false }));
    const host = resolveHost(resource.spec.host, ns);
    const selector = resource.spec.workloadSelector;
    const entry: RuleEntry = { rule: resource, host, exportTo: selector ? [ns] : normalizeExportTo(resource.spec.exportTo, ns) };
    if (selector) {
      rules.selecting.push(entry);
      continue;
    }
    const list = rules.byHost.get(host);
    if (list) list.push(entry);
    else rules.byHost.set(host, [entry]);
    if (isWildcardHost(host)) rules.wildcards = true;
  }
  const merged = new Map<string, DestinationRule>();
  const cache = new Map<string, Map<string, DestinationRule | null>>();

  /** The rule of `ns` for `hostname` that `client` sees, most specific host first. */
  function fromNamespace(ns: string, hostname: string, client: string): { rule: DestinationRule; host: string } | undefined {
    const rules = byNamespace.get(ns);
    if (!rules) return undefined;
    const visible = (host: string) => {
      const list = rules.byHost.get(host);
      if (!list) return undefined;
      const seen = list.filter((e) => isExportedTo(e.exportTo, client));
      return seen.length > 0 ? { rule: mergeRules(seen, merged), host } : undefined;
    };
    const exact = visible(hostname);
    if (exact || !rules.wildcards) return exact;
    // The wildcards that cover the host, most specific first: *.b.c, *.c, then *.
    for (let dot = hostname.indexOf('.'); dot >= 0; dot = hostname.indexOf('.', dot + 1)) {
      const found = visible(`*${hostname.slice(dot)}`);
      if (found) return found;
    }
    return hostname === '*' ? undefined : visible('*');
  }

  /** The rule without workloadSelector for a proxy of `proxyNs`; the service namespace follows from the host. */
  function withoutSelector(proxyNs: string, hostname: string, serviceNs: string | undefined) {
    let byHost = cache.get(proxyNs);
    if (!byHost) cache.set(proxyNs, (byHost = new Map()));
    const cached = byHost.get(hostname);
    if (cached !== undefined) return cached ?? undefined;
    let found = fromNamespace(proxyNs, hostname, proxyNs)?.rule;
    if (!found && serviceNs && serviceNs !== proxyNs) found = fromNamespace(serviceNs, hostname, proxyNs)?.rule;
    if (!found && rootNamespace !== proxyNs && rootNamespace !== serviceNs) found = fromNamespace(rootNamespace, hostname, proxyNs)?.rule;
    byHost.set(hostname, found ?? null);
    return found;
  }

  return {
    lookup(proxy, hostname, serviceNs) {
      const selecting = byNamespace.get(proxy.namespace)?.selecting ?? [];
      const bySelector = bestSelecting(selecting, proxy, hostname);
      if (bySelector) {
        const local = fromNamespace(proxy.namespace, hostname, proxy.namespace);
        if (!local || specificity(bySelector.host, hostname) >= specificity(local.host, hostname)) return bySelector.rule;
        return local.rule;
      }
      return withoutSelector(proxy.namespace, hostname, serviceNs);
    },
  };
}

/** How specific `pattern` is for `hostname`: an exact match beats every wildcard, a longer wildcard a shorter one. */
function specificity(pattern: string, hostname: string): number {
  return pattern === hostname ? Number.MAX_SAFE_INTEGER : pattern.length;
}

function bestSelecting(entries: readonly RuleEntry[], proxy: Proxy, hostname: string): RuleEntry | undefined {
  let best: RuleEntry | undefined;
  for (const e of entries) {
    if (!hostCovers(e.host, hostname)) continue;
    if (!selectorMatches(e.rule.spec.workloadSelector?.matchLabels, proxy.labels)) continue;
    if (!best || specificity(e.host, hostname) > specificity(best.host, hostname)) best = e;
  }
  return best;
}

/** One rule, or Istio's merge of several for the same host (cached by their keys). */
function mergeRules(entries: readonly RuleEntry[], cache: Map<string, DestinationRule>): DestinationRule {
  if (entries.length === 1) return (entries[0] as RuleEntry).rule;
  const key = entries.map((e) => `${e.rule.metadata.namespace}/${e.rule.metadata.name}`).join('\n');
  const hit = cache.get(key);
  if (hit) return hit;
  const [first, ...rest] = entries as [RuleEntry, ...RuleEntry[]];
  const subsets = [...(first.rule.spec.subsets ?? [])];
  const names = new Set(subsets.map((s) => s.name));
  let trafficPolicy = first.rule.spec.trafficPolicy;
  for (const { rule } of rest) {
    for (const subset of rule.spec.subsets ?? []) {
      if (names.has(subset.name)) continue;
      names.add(subset.name);
      subsets.push(subset);
    }
    trafficPolicy ??= rule.spec.trafficPolicy;
  }
  const spec = { ...first.rule.spec, ...(subsets.length > 0 ? { subsets } : {}), ...(trafficPolicy ? { trafficPolicy } : {}) };
  const rule = Object.freeze({ ...first.rule, spec: Object.freeze(spec) });
  cache.set(key, rule);
  return rule;
}
