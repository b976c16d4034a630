// Builds the answer of a redirect route: the status and the Location, made from the request's
// scheme, host, port and path with the RedirectAction's replacements, as Envoy does.
import type { PathMatch, RedirectAction } from '../config/route.js';
import type { RequestHead } from '../http/message.js';
import { rewritePath } from './path-rewrite.js';
import { pathEnd } from './request-attributes.js';
import { findPortStart } from './virtual-host-selector.js';

/** The redirect to send. */
export interface Redirect {
  /** 301, 302, 303, 307 or 308. */
  readonly status: number;
  readonly location: string;
}

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/**
 * The redirect for `head` under `action`, where `match` is the path condition the route matched.
 * - scheme: `action.scheme`, else the request's (x-forwarded-proto first, then the head's);
 * - host: `action.host`, else the request's authority, whose port is dropped when a port is given
 *   or when the scheme changes and the port is the old scheme's default (80 or 443);
 * - port: `action.port` appended when given;
 * - path: `action.path` (whose own query, if any, wins and is never stripped), else the prefix or
 *   regex rewrite, else the request's path; `stripQuery` drops the request's query.
 * A response code outside 301/302/303/307/308 becomes 301.
 */
export function buildRedirect(action: RedirectAction, head: RequestHead, match: PathMatch): Redirect {
  const requestScheme = head.headers.get('x-forwarded-proto') ?? head.scheme;
  const scheme = action.scheme ?? requestScheme;
  let host = action.host;
  if (host === undefined) {
    host = head.authority;
    const portStart = findPortStart(host);
    if (portStart >= 0) {
      const port = host.slice(portStart + 1);
      const dropPort =
        action.port !== undefined || (scheme !== requestScheme && ((requestScheme === 'http' && port === '80') || (requestScheme === 'https' && port === '443')));
      if (dropPort) host = host.slice(0, portStart);
    }
  } else if (action.port !== undefined) {
    const portStart = findPortStart(host);
    if (portStart >= 0) host = host.slice(0, portStart);
  }
  const port = action.port !== undefined ? `:${action.port}` : '';
  const path = redirectPath(action, head.path, match);
  const status = REDIRECT_CODES.has(action.responseCode) ? action.responseCode : 301;
  return { status, location: `${scheme}://${host}${port}${path}` };
}

function redirectPath(action: RedirectAction, requestPath: string, match: PathMatch): string {
  const end = pathEnd(requestPath);
  const query = action.stripQuery ? '' : requestPath.slice(end);
  if (action.path !== undefined) return action.path.includes('?') ? action.path : action.path + query;
  const rewritten = rewritePath(requestPath, match, action);
  if (rewritten === undefined) return requestPath.slice(0, end) + query;
  return action.stripQuery ? rewritten.slice(0, pathEnd(rewritten)) : rewritten;
}
