// Request path normalisation before routing and policy (Envoy's `normalize_path` and
// `merge_slashes`): the path a route or an RBAC rule sees is the one the app will resolve.

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Decodes %XX escapes of unreserved characters (`%61` → `a`); others stay, with upper-case hex. */
function decodeUnreserved(path: string): string | undefined {
  if (!path.includes('%')) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const decoded = String.fromCharCode(parseInt(hex, 16));
    out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/** RFC 3986 §5.2.4: removes `.` and `..` segments; `..` never climbs above the root. */
function removeDotSegments(path: string): string {
  const input = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < input.length; i++) {
    const segment = input[i]!;
    const last = i === input.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..' && out.length > 0) out.pop();
      // A trailing dot segment leaves the path ending in a slash, as the RFC's algorithm does.
      if (last) out.push('');
      continue;
    }
    out.push(segment);
  }
  return `/${out.join('/')}`;
}

/**
 * The normalised request target: the path part (before `?`) has its unreserved escapes decoded
 * and its dot segments removed, and with `mergeSlashes` runs of `/` merged; the query is kept as
 * it came. Undefined for a path that cannot be normalised (a malformed escape, or not starting
 * with `/`), which the connection manager answers with 400.
 */
export function normalizeRequestPath(target: string, mergeSlashes: boolean): string | undefined {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  if (!rawPath.startsWith('/')) return undefined;
  // Most paths need nothing: no escapes, no dot segment (one always follows a '/'), no '//'.
  if (!rawPath.includes('%') && !rawPath.includes('/.') && (!mergeSlashes || !rawPath.includes('//'))) return target;
  const decoded = decodeUnreserved(rawPath);
  if (decoded === undefined) return undefined;
  let path = removeDotSegments(decoded);
  if (mergeSlashes) path = path.replace(/\/{2,}/g, '/');
  return path + query;
}

/** Only `merge_slashes`: runs of `/` in the path part become one; the query is kept. */
export function mergeSlashesOnly(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target.replace(/\/{2,}/g, '/') : target.slice(0, q).replace(/\/{2,}/g, '/') + target.slice(q);
}
