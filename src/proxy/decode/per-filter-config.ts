// typed_per_filter_config on routes and virtual hosts: the fault, CORS and RBAC policies, keyed by filter name.
import type { Any__Output } from '../../xds/generated/google/protobuf/Any.js';
import type { RbacPerRoute } from '../config/policy.js';
import type { CorsPolicy, FaultPolicy } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { decodeCorsPolicy } from './cors.js';
import { decodeHttpFault } from './fault.js';
import { decodeRbacPerRoute } from './rbac.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

/** The per-route policies the runtime reads. */
export interface PerFilterPolicies {
  fault?: FaultPolicy;
  cors?: CorsPolicy;
  /** RBACPerRoute by the name of the RBAC filter it applies to. */
  rbacPerRoute?: Record<string, RbacPerRoute>;
}

type PerFilterDecoded = { fault: FaultPolicy | undefined } | { cors: CorsPolicy | undefined } | { rbac: RbacPerRoute | undefined };

/** Per-filter config type URLs → the policy they set. */
export const PER_FILTER_CONFIGS = new TypedConfigRegistry<PerFilterDecoded>('per-filter config')
  .register('envoy.extensions.filters.http.fault.v3.HTTPFault', (m: Parameters<typeof decodeHttpFault>[0], errors, path) => ({ fault: decodeHttpFault(m, errors, path) }))
  .register('envoy.extensions.filters.http.cors.v3.CorsPolicy', (m: Parameters<typeof decodeCorsPolicy>[0], errors, path) => ({ cors: decodeCorsPolicy(m, errors, path) }))
  .register('envoy.extensions.filters.http.rbac.v3.RBACPerRoute', (m: Parameters<typeof decodeRbacPerRoute>[0], errors, path) => ({ rbac: decodeRbacPerRoute(m, errors, path) }));

/** Decodes every entry of a typed_per_filter_config map; unknown type URLs are errors. */
export function decodePerFilterConfig(map: Readonly<Record<string, Any__Output>>, errors: DecodeErrors, path: string): PerFilterPolicies {
  const out: PerFilterPolicies = {};
  for (const [name, any] of Object.entries(map)) {
    const decoded = PER_FILTER_CONFIGS.decode(any, errors, `${path}[${name}]`);
    if (!decoded) continue;
    if ('fault' in decoded && decoded.fault) out.fault = decoded.fault;
    if ('cors' in decoded && decoded.cors) out.cors = decoded.cors;
    if ('rbac' in decoded && decoded.rbac) (out.rbacPerRoute ??= {})[name] = decoded.rbac;
  }
  return out;
}
