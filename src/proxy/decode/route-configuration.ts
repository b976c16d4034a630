// Envoy's RouteConfiguration (from RDS, or inline in a connection manager) as the runtime RouteConfig.
import type { RouteConfiguration__Output } from '../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { AnyMessage } from '../../xds/any.js';
import { ROUTE_TYPE } from '../../xds/type-urls.js';
import type { RouteConfig } from '../config/route.js';
import { DecodeErrors, type DecodeResult } from './decode-result.js';
import { decodeHeaderOperations } from './header-value-option.js';
import { unpackResource } from './unpack-resource.js';
import { decodeVirtualHost } from './virtual-host.js';

/** Decodes an unpacked RouteConfiguration, recording problems under `path`; VHDS is an error. */
export function decodeRouteConfigurationMessage(m: RouteConfiguration__Output, errors: DecodeErrors, path: string): RouteConfig {
  const prefix = path ? `${path}.` : '';
  if (m.vhds) errors.add(`${prefix}vhds`, 'not supported');
  if (Object.keys(m.typed_per_filter_config).length > 0) errors.add(`${prefix}typed_per_filter_config`, 'not supported on a route configuration');
  return {
    name: m.name,
    virtualHosts: m.virtual_hosts.map((v, i) => decodeVirtualHost(v, errors, `${prefix}virtual_hosts[${i}]`)),
    headers: decodeHeaderOperations(m, errors, path),
    ignorePortInHostMatching: m.ignore_port_in_host_matching,
  };
}

/** Decodes a RouteConfiguration Any, collecting every error with its field path. */
export function decodeRouteConfiguration(any: AnyMessage): DecodeResult<RouteConfig> {
  const errors = new DecodeErrors();
  const m = unpackResource<RouteConfiguration__Output>(any, ROUTE_TYPE, errors);
  if (!m) return errors.fail();
  if (!m.name) errors.add('name', 'route configuration name missing');
  return errors.finish(decodeRouteConfigurationMessage(m, errors, ''));
}
