// Envoy's RouteAction (clusters and weights, timeouts, retries, rewrites, hashing, mirrors) as the runtime RouteAction.
import type { RouteAction__Output } from '../../xds/generated/envoy/config/route/v3/RouteAction.js';
import type { HashPolicy, MirrorPolicy, RouteAction, WeightedCluster } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs, wrapped, wrappedBool } from './duration.js';
import { decodeHeaderOperations, NO_HEADER_OPERATIONS } from './header-value-option.js';
import { percentPpm } from './percent.js';
import { decodeRetryPolicy } from './retry-policy.js';
import { decodeRegexMatcher } from './string-matcher.js';

/** Envoy's route timeout when `timeout` is absent: 15 s. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

type HashPolicy__Output = RouteAction__Output['hash_policy'][number];

function decodeClusters(m: RouteAction__Output, errors: DecodeErrors, path: string): WeightedCluster[] {
  switch (m.cluster_specifier) {
    case 'cluster':
      if (!m.cluster) errors.add(`${path}.cluster`, 'cluster name missing');
      return [{ name: m.cluster ?? '', weight: 1, headers: NO_HEADER_OPERATIONS }];
    case 'weighted_clusters': {
      const list = m.weighted_clusters?.clusters ?? [];
      const at = `${path}.weighted_clusters.clusters`;
      if (list.length === 0) errors.add(at, 'no clusters');
      return list.map((c, i) => {
        if (!c.name) errors.add(`${at}[${i}].name`, 'cluster name missing (cluster_header is not supported)');
        if (Object.keys(c.typed_per_filter_config).length > 0) errors.add(`${at}[${i}].typed_per_filter_config`, 'not supported');
        if (c.host_rewrite_specifier && c.host_rewrite_specifier !== 'host_rewrite_literal') errors.add(`${at}[${i}].host_rewrite_specifier`, 'not supported');
        return {
          name: c.name,
          weight: wrapped(c.weight, 0),
          headers: decodeHeaderOperations(c, errors, `${at}[${i}]`),
          ...(c.host_rewrite_literal ? { hostRewrite: c.host_rewrite_literal } : {}),
        };
      });
    }
    case undefined:
      errors.add(path, 'no cluster_specifier set');
      return [];
    default:
      errors.add(`${path}.${m.cluster_specifier}`, 'not supported');
      return [];
  }
}

function decodeHashPolicy(h: HashPolicy__Output, errors: DecodeErrors, path: string): HashPolicy | undefined {
  const terminal = h.terminal;
  switch (h.policy_specifier) {
    case 'header':
      return { kind: 'header', name: (h.header?.header_name ?? '').toLowerCase(), terminal };
    case 'cookie': {
      const ttl = durationMs(h.cookie?.ttl);
      return {
        kind: 'cookie',
        name: h.cookie?.name ?? '',
        ...(ttl !== undefined ? { cookieTtlMs: ttl } : {}),
        ...(h.cookie?.path ? { cookiePath: h.cookie.path } : {}),
        terminal,
      };
    }
    case 'connection_properties':
      return { kind: 'source_ip', name: '', terminal };
    case 'query_parameter':
      return { kind: 'query_parameter', name: h.query_parameter?.name ?? '', terminal };
    default:
      errors.add(path, `unsupported hash policy ${String(h.policy_specifier)}`);
      return undefined;
  }
}

/**
 * A RouteAction. `cluster` becomes one cluster of weight 1; `weighted_clusters` keep their
 * weights (whose total must be positive); a missing `timeout` is Envoy's 15 s and 0 disables it.
 * cluster_header, cluster specifier plugins and host_rewrite_header are errors.
 */
export function decodeRouteAction(m: RouteAction__Output, errors: DecodeErrors, path: string): RouteAction {
  const clusters = decodeClusters(m, errors, path);
  const totalWeight = clusters.reduce((sum, c) => sum + c.weight, 0);
  if (clusters.length > 0 && totalWeight <= 0) errors.add(`${path}.weighted_clusters`, 'total weight must be greater than 0');
  let hostRewrite: string | undefined;
  let autoHostRewrite = false;
  switch (m.host_rewrite_specifier) {
    case undefined:
      break;
    case 'host_rewrite_literal':
      hostRewrite = m.host_rewrite_literal;
      break;
    case 'auto_host_rewrite':
      autoHostRewrite = wrappedBool(m.auto_host_rewrite, false);
      break;
    default:
      errors.add(`${path}.${m.host_rewrite_specifier}`, 'not supported');
  }
  let regexRewrite: RouteAction['regexRewrite'];
  if (m.regex_rewrite) {
    const pattern = decodeRegexMatcher(m.regex_rewrite.pattern, errors, `${path}.regex_rewrite.pattern`);
    if (pattern !== undefined) regexRewrite = { pattern, substitution: m.regex_rewrite.substitution };
  }
  const hashPolicies = m.hash_policy.map((h, i) => decodeHashPolicy(h, errors, `${path}.hash_policy[${i}]`)).filter((h): h is HashPolicy => h !== undefined);
  const mirrors: MirrorPolicy[] = m.request_mirror_policies.map((p, i) => {
    if (!p.cluster) errors.add(`${path}.request_mirror_policies[${i}].cluster`, 'cluster name missing (cluster_header is not supported)');
    return { cluster: p.cluster, fractionPpm: percentPpm(p.runtime_fraction?.default_value, 1_000_000, errors, `${path}.request_mirror_policies[${i}].runtime_fraction.default_value`) };
  });
  const idleTimeoutMs = durationMs(m.idle_timeout);
  const grpcTimeoutHeaderMaxMs = durationMs(m.max_stream_duration?.grpc_timeout_header_max);
  return {
    kind: 'route',
    clusters,
    totalWeight,
    ...(m.prefix_rewrite ? { prefixRewrite: m.prefix_rewrite } : {}),
    ...(regexRewrite ? { regexRewrite } : {}),
    ...(hostRewrite ? { hostRewrite } : {}),
    autoHostRewrite,
    timeoutMs: durationMs(m.timeout, DEFAULT_ROUTE_TIMEOUT_MS),
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
    ...(m.retry_policy ? { retryPolicy: decodeRetryPolicy(m.retry_policy, errors, `${path}.retry_policy`) } : {}),
    hashPolicies,
    mirrors,
    ...(grpcTimeoutHeaderMaxMs !== undefined ? { grpcTimeoutHeaderMaxMs } : {}),
    upgrades: m.upgrade_configs.filter((u) => wrappedBool(u.enabled, true)).map((u) => u.upgrade_type.toLowerCase()),
  };
}
