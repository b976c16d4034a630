// The HTTP filters the sidecar's connection manager can run, registered by type URL.
import type { HttpFilter__Output } from '../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { HttpFilterConfig } from '../config/listener.js';
import type { ExtAuthzConfig, HttpRbacConfig, JwtAuthnConfig } from '../config/policy.js';
import type { DecodeErrors } from './decode-result.js';
import { EXT_AUTHZ_TYPE_NAME, decodeExtAuthz, ensureExtAuthzType } from './ext-authz.js';
import { decodeJwtAuthentication } from './jwt-authn.js';
import { decodeHttpRbac } from './rbac.js';
import { TYPE_URL_PREFIX } from '../../xds/type-urls.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

type DecodedFilter =
  | { kind: 'router' | 'fault' | 'cors' }
  | { kind: 'rbac'; rbac: HttpRbacConfig }
  | { kind: 'jwt_authn'; jwt: JwtAuthnConfig }
  | { kind: 'ext_authz'; extAuthz: ExtAuthzConfig };

/**
 * HTTP filter type URLs → the filter and its config. Router, fault and CORS filter-level configs
 * carry nothing the runtime reads (fault and CORS policies come per route), so only the kind is
 * kept; the policy filters keep their decoded config.
 */
export const HTTP_FILTERS = new TypedConfigRegistry<DecodedFilter>('HTTP filter')
  .register('envoy.extensions.filters.http.router.v3.Router', () => ({ kind: 'router' }))
  .register('envoy.extensions.filters.http.fault.v3.HTTPFault', () => ({ kind: 'fault' }))
  .register('envoy.extensions.filters.http.cors.v3.Cors', () => ({ kind: 'cors' }))
  .register('envoy.extensions.filters.http.rbac.v3.RBAC', (m: Parameters<typeof decodeHttpRbac>[0], errors, path) => {
    const rbac = decodeHttpRbac(m, errors, path);
    return rbac && { kind: 'rbac', rbac };
  })
  .register('envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication', (m: Parameters<typeof decodeJwtAuthentication>[0], errors, path) => {
    const jwt = decodeJwtAuthentication(m, errors, path);
    return jwt && { kind: 'jwt_authn', jwt };
  })
  .register(EXT_AUTHZ_TYPE_NAME, (m: Parameters<typeof decodeExtAuthz>[0], errors, path) => {
    const extAuthz = decodeExtAuthz(m, errors, path);
    return extAuthz && { kind: 'ext_authz', extAuthz };
  });

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
    if (f.typed_config?.type_url === `${TYPE_URL_PREFIX}${EXT_AUTHZ_TYPE_NAME}`) ensureExtAuthzType();
    const decoded = HTTP_FILTERS.decode(f.typed_config, errors, `${at}.typed_config`);
    if (decoded) out.push({ name: f.name, ...decoded } as HttpFilterConfig);
  });
  const routerAt = out.findIndex((f) => f.kind === 'router');
  if (errors.ok && routerAt < 0) errors.add(path, 'no router filter (envoy.filters.http.router)');
  else if (routerAt >= 0 && routerAt !== out.length - 1) errors.add(path, 'the router filter must be the last HTTP filter');
  return out;
}
