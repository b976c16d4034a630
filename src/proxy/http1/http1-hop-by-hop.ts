// Hop-by-hop header handling, in one place. The HTTP/1.1 codec owns it, not the connection
// manager: decoded heads arrive without connection-level fields (except what an upgrade needs),
// and the encoders never copy such fields from a head, writing their own framing instead.
import type { HeaderMap } from '../http/headers.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'trailer']);

/** Whether `name` (lowercase) is a hop-by-hop field that the codec writes itself or drops. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name);
}

/**
 * Removes hop-by-hop fields from a decoded head, plus any field the Connection header names.
 * `keepUpgrade` keeps `upgrade` (the upgrade protocol must reach the router); `te: trailers` is
 * kept because it is end-to-end meaningful to gRPC.
 */
export function stripHopByHop(headers: HeaderMap, connection: string | undefined, keepUpgrade: boolean): void {
  if (connection !== undefined) {
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade' && !HOP_BY_HOP.has(name)) {
        headers.remove(name);
      }
    }
  }
  const raw = headers.raw();
  let found = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (HOP_BY_HOP.has(raw[i]!)) {
      found = true;
      break;
    }
  }
  if (!found) return;
  const te = headers.get('te');
  headers.removeNames(HOP_BY_HOP, keepUpgrade ? 'upgrade' : undefined);
  if (te !== undefined && te.trim().toLowerCase() === 'trailers') headers.add('te', 'trailers');
}
