// A generator decorator that shares what it builds between proxies that see the same config
// during one push: a mesh has many proxies per namespace and app, and they all need the same
// clusters and routes. Istio keeps an xDS cache for the same reason.
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';
import type { Generator, ResourceNames, XdsResource } from './generator.js';

/**
 * What decides a proxy's view of the config for the cached types: its kind, namespace (visibility,
 * DestinationRule precedence), labels (Sidecar and DestinationRule workload selectors, route
 * sourceLabels), workload ports and interception mode (inbound clusters) and IP family (DNS
 * lookup family). Proxies with
 * the same key get the same clusters and routes from one push context.
 */
export function proxyViewKey(proxy: Proxy): string {
  const labels = Object.keys(proxy.labels)
    .sort()
    .map((k) => `${k}=${proxy.labels[k]}`)
    .join(',');
  const ports = proxy.workloadPorts.map((p) => `${p.name ?? ''}:${p.port}`).join(',');
  const family = proxy.ipAddresses.some((a) => a.includes(':')) ? (proxy.ipAddresses.some((a) => !a.includes(':')) ? 'dual' : 'v6') : 'v4';
  return `${proxy.generator}|${proxy.type}|${proxy.namespace}|${labels}|${ports}|${family}|${proxy.interceptionMode}`;
}

/** What one view asked for in a push, and what it got. */
interface CachedAnswer {
  /** The names asked for (a copy), or undefined for a wildcard request. */
  readonly names: readonly string[] | undefined;
  /** The names sorted and joined, worked out only when an answer is looked for in another order. */
  sortedKey?: string;
  readonly resources: readonly XdsResource[];
}

/**
 * Wraps `generator` so that, within one push context, a second proxy with the same view and the
 * same requested names (in any order) gets the resources built for the first. The cache lives as
 * long as the push context (a WeakMap entry), and the ADS server builds a new push context for
 * every push (endpoint-only ones too), so a push never sees stale resources. Only for generators
 * whose output depends on nothing but the push context and the proxy's view: not sidecar LDS,
 * which depends on the workload's own ports. Clusters carry the service accounts of their
 * endpoints (for SAN checks), which an endpoint-only push does not send: they follow at the next
 * full push.
 */
export function cachedByView(generator: Generator): Generator {
  const byPush = new WeakMap<PushContext, Map<string, CachedAnswer[]>>();
  return {
    typeUrl: generator.typeUrl,
    generate(proxy: Proxy, push: PushContext, names: ResourceNames): readonly XdsResource[] {
      let cache = byPush.get(push);
      if (!cache) byPush.set(push, (cache = new Map()));
      const view = proxyViewKey(proxy);
      let answers = cache.get(view);
      if (!answers) cache.set(view, (answers = []));
      const found = findAnswer(answers, names);
      if (found) return found.resources;
      const resources = generator.generate(proxy, push, names);
      answers.push({ names: names && [...names], resources });
      return resources;
    },
  };
}

/**
 * The answer to the same names: first in the same order, compared name by name (replicas ask in
 * the same order, and this costs no sorting); then in any order, by sorted text, which is worked
 * out only when an answer for as many names exists.
 */
function findAnswer(answers: readonly CachedAnswer[], names: ResourceNames): CachedAnswer | undefined {
  let sorted: string | undefined;
  for (const answer of answers) {
    if (names === undefined || answer.names === undefined) {
      if (names === answer.names) return answer;
      continue;
    }
    if (answer.names.length !== names.length) continue;
    if (sameOrder(answer.names, names)) return answer;
    sorted ??= sortedKey(names);
    answer.sortedKey ??= sortedKey(answer.names);
    if (answer.sortedKey === sorted) return answer;
  }
  return undefined;
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortedKey(names: readonly string[]): string {
  return [...names].sort().join('\n');
}
