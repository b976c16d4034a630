// One Envoy Route (match, action, header mutations, fault and CORS policies) as a runtime Route.
import type { Route__Output } from '../../xds/generated/envoy/config/route/v3/Route.js';
import type { Route } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { decodeHeaderOperations } from './header-value-option.js';
import { decodePerFilterConfig } from './per-filter-config.js';
import { decodeDirectResponse, decodeRedirectAction } from './redirect-action.js';
import { decodeRouteAction } from './route-action.js';
import { decodeRouteMatch } from './route-match.js';

/** A route with exactly one of route, redirect or direct_response; anything else is an error. */
export function decodeRoute(r: Route__Output, errors: DecodeErrors, path: string): Route | undefined {
  const match = decodeRouteMatch(r.match, errors, `${path}.match`);
  let action: Route['action'] | undefined;
  switch (r.action) {
    case 'route':
      if (r.route) action = decodeRouteAction(r.route, errors, `${path}.route`);
      break;
    case 'redirect':
      if (r.redirect) action = decodeRedirectAction(r.redirect, errors, `${path}.redirect`);
      break;
    case 'direct_response':
      if (r.direct_response) action = decodeDirectResponse(r.direct_response, errors, `${path}.direct_response`);
      break;
    case undefined:
      errors.add(path, 'no action set (route, redirect or direct_response)');
      break;
    default:
      errors.add(`${path}.${r.action}`, 'not supported');
  }
  const policies = decodePerFilterConfig(r.typed_per_filter_config, errors, `${path}.typed_per_filter_config`);
  const headers = decodeHeaderOperations(r, errors, path);
  if (!match || !action) return undefined;
  return {
    name: r.name,
    match,
    action,
    headers,
    ...(policies.fault ? { fault: policies.fault } : {}),
    ...(policies.cors ? { cors: policies.cors } : {}),
    ...(policies.rbacPerRoute ? { rbacPerRoute: policies.rbacPerRoute } : {}),
    ...(r.decorator?.operation ? { decorator: r.decorator.operation } : {}),
  };
}
