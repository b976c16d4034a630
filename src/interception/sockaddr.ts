// Decodes the sockaddr_in / sockaddr_in6 that getsockopt(SO_ORIGINAL_DST) fills in.
import { isIPv4 } from 'node:net';

/** An IP address and port; structurally the proxy's `SocketAddress`. */
export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

const AF_INET = 2;
const AF_INET6 = 10;

/**
 * The address in a Linux sockaddr: family in host byte order at bytes 0–1, port big-endian at
 * 2–3, then the IPv4 address at 4–7 or (after the 4-byte flow info) the IPv6 address at 8–23.
 * A v4-mapped IPv6 address comes back in IPv4 form. Undefined for another family, a short
 * buffer or port 0 (nothing was written).
 */
export function parseSockaddr(bytes: Uint8Array): SocketAddress | undefined {
  if (bytes.length < 8) return undefined;
  const family = bytes[0]! | (bytes[1]! << 8);
  const port = (bytes[2]! << 8) | bytes[3]!;
  if (port === 0) return undefined;
  if (family === AF_INET) return { address: `${bytes[4]}.${bytes[5]}.${bytes[6]}.${bytes[7]}`, port };
  if (family !== AF_INET6 || bytes.length < 24) return undefined;
  const groups: string[] = [];
  for (let i = 8; i < 24; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return { address: unmapIpv4(compressIpv6(groups, bytes.subarray(8, 24))), port };
}

/** `::ffff:10.0.0.1` as `10.0.0.1`. */
export function unmapIpv4(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIPv4(lower.slice(7)) ? lower.slice(7) : address;
}

/** The canonical text form (RFC 5952): longest run of two or more zero groups as `::`. */
function compressIpv6(groups: readonly string[], raw: Uint8Array): string {
  if (raw.subarray(0, 10).every((b) => b === 0) && raw[10] === 0xff && raw[11] === 0xff) {
    return `::ffff:${raw[12]}.${raw[13]}.${raw[14]}.${raw[15]}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
