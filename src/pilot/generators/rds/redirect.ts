// Routes that answer without an upstream: Istio's redirect and directResponse.
import type { DirectResponseAction } from '../../../xds/generated/envoy/config/route/v3/DirectResponseAction.js';
import type { RedirectAction } from '../../../xds/generated/envoy/config/route/v3/RedirectAction.js';
import type { HttpDirectResponse, HttpRedirect } from './virtual-service-view.js';

type RedirectCode = 'MOVED_PERMANENTLY' | 'FOUND' | 'SEE_OTHER' | 'TEMPORARY_REDIRECT' | 'PERMANENT_REDIRECT';

const REDIRECT_CODES: ReadonlyMap<number, RedirectCode> = new Map([
  [0, 'MOVED_PERMANENTLY'],
  [301, 'MOVED_PERMANENTLY'],
  [302, 'FOUND'],
  [303, 'SEE_OTHER'],
  [307, 'TEMPORARY_REDIRECT'],
  [308, 'PERMANENT_REDIRECT'],
]);

/**
 * The redirect action (Istio's ApplyRedirect): new path, authority, scheme and port, answered
 * with 301 unless `redirectCode` says otherwise. `derivePort: FROM_REQUEST_PORT` uses the port
 * the routes serve; the scheme's default port is never written out. Undefined for a code Envoy
 * cannot send (Istio drops the route's action then too).
 */
export function buildRedirect(redirect: HttpRedirect, listenerPort: number, tls: boolean): RedirectAction | undefined {
  const code = REDIRECT_CODES.get(redirect.redirectCode ?? 0);
  if (!code) return undefined;
  const out: RedirectAction = { response_code: code };
  if (redirect.authority) out.host_redirect = redirect.authority;
  if (redirect.uri) out.path_redirect = redirect.uri;
  if (redirect.scheme) out.scheme_redirect = redirect.scheme;
  let port = 0;
  if (redirect.port !== undefined) port = redirect.port;
  else if (redirect.derivePort === 'FROM_REQUEST_PORT') port = listenerPort;
  const scheme = redirect.scheme || (tls ? 'https' : 'http');
  if ((port === 80 && scheme === 'http') || (port === 443 && scheme === 'https')) port = 0;
  if (port > 0) out.port_redirect = port;
  return out;
}

/** The direct response action: the status, and the body as a string or as bytes (base64 in YAML). */
export function buildDirectResponse(direct: HttpDirectResponse): DirectResponseAction {
  const out: DirectResponseAction = { status: direct.status };
  if (direct.body?.string !== undefined) out.body = { inline_string: direct.body.string };
  else if (direct.body?.bytes !== undefined) out.body = { inline_bytes: Buffer.from(direct.body.bytes, 'base64') };
  return out;
}

/** Envoy's default cap on direct response bodies is 4 KiB; Istio raises it to the 1 MiB it validates. */
export const MAX_DIRECT_RESPONSE_BODY_BYTES = 1024 * 1024;
