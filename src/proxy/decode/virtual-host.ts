// One Envoy VirtualHost (domains, routes, retry and CORS policies) as a runtime VirtualHost.
import type { VirtualHost__Output } from '../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import type { Route, VirtualHost } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { decodeCorsPolicy } from './cors.js';
import { decodeHeaderOperations } from './header-value-option.js';
import { decodePerFilterConfig } from './per-filter-config.js';
import { decodeRetryPolicy } from './retry-policy.js';
import { decodeRoute } from './route.js';

/** A virtual host; domains are lowercased; CORS from typed_per_filter_config wins over the legacy field. */
export function decodeVirtualHost(v: VirtualHost__Output, errors: DecodeErrors, path: string): VirtualHost {
  if (v.domains.length === 0) errors.add(`${path}.domains`, 'no domains');
  if (v.require_tls === 'EXTERNAL_ONLY') errors.add(`${path}.require_tls`, 'EXTERNAL_ONLY is not supported; use ALL');
  if (v.matcher) errors.add(`${path}.matcher`, 'not supported; use routes');
  const routes = v.routes.map((r, i) => decodeRoute(r, errors, `${path}.routes[${i}]`)).filter((r): r is Route => r !== undefined);
  const policies = decodePerFilterConfig(v.typed_per_filter_config, errors, `${path}.typed_per_filter_config`);
  const cors = policies.cors ?? (v.cors ? decodeCorsPolicy(v.cors, errors, `${path}.cors`) : undefined);
  if (policies.fault) errors.add(`${path}.typed_per_filter_config`, 'a fault policy on a virtual host is not supported');
  return {
    name: v.name,
    domains: v.domains.map((d) => d.toLowerCase()),
    routes,
    headers: decodeHeaderOperations(v, errors, path),
    includeRequestAttemptCount: v.include_request_attempt_count,
    ...(v.retry_policy ? { retryPolicy: decodeRetryPolicy(v.retry_policy, errors, `${path}.retry_policy`) } : {}),
    ...(cors ? { cors } : {}),
    ...(policies.rbacPerRoute ? { rbacPerRoute: policies.rbacPerRoute } : {}),
    ...(v.require_tls === 'ALL' ? { requireTls: 'ALL' as const } : {}),
  };
}
