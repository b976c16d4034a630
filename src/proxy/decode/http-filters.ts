// The HTTP filters the sidecar's connection manager can run, registered by type URL.
import type { HttpFilter__Output } from '../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { HttpFilterConfig } from '../config/listener.js';
import type { DecodeErrors } from './decode-result.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

type FilterKind = 'router' | 'fault' | 'cors';

/**
 * HTTP filter type URLs → the filter kind. Their filter-level configs carry nothing the runtime
 * reads (fault and CORS policies come per route), so only the kind is kept.
 */
export const HTTP_FILTERS = new TypedConfigRegistry<FilterKind>('HTTP filter')
  .register('envoy.extensions.filters.http.router.v3.Router', () => 'router')
  .register('envoy.extensions.filters.http.fault.v3.HTTPFault', () => 'fault')
  .register('envoy.extensions.filters.http.cors.v3.Cors', () => 'cors')
  .registerUnsupported('envoy.extensions.filters.http.rbac.v3.RBAC', 'not supported yet')
  .registerUnsupported('envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication', 'not supported yet');

/**
 * The HCM's http_filters as the runtime chain. An unknown filter marked `is_optional` is skipped,
 * as Envoy does; a disabled one too. The router must be there and must come last.
 */
export function decodeHttpFilters(filters: readonly HttpFilter__Output[], errors: DecodeErrors, path: string): HttpFilterConfig[] {
  const out: HttpFilterConfig[] = [];
  filters.forEach((f, i) => {
    const at = `${path}[${i}]`;
    if (f.disabled) return;
    if (f.config_type !== 'typed_config') {
      errors.add(at, 'only typed_config is supported (no config_discovery)');
      return;
    }
    if (f.is_optional && f.typed_config && !HTTP_FILTERS.has(f.typed_config.type_url)) return;
    const kind = HTTP_FILTERS.decode(f.typed_config, errors, `${at}.typed_config`);
    if (kind) out.push({ name: f.name, kind });
  });
  const routerAt = out.findIndex((f) => f.kind === 'router');
  if (errors.ok && routerAt < 0) errors.add(path, 'no router filter (envoy.filters.http.router)');
  else if (routerAt >= 0 && routerAt !== out.length - 1) errors.add(path, 'the router filter must be the last HTTP filter');
  return out;
}
