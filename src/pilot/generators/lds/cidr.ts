// Addresses and CIDRs as Envoy CidrRanges, for filter chains matched on the destination address.
import { isIP } from 'node:net';
import type { CidrRange } from '../../../xds/generated/envoy/config/core/v3/CidrRange.js';

/** `10.0.0.5` (a /32 or /128) or `10.0.0.0/8` as a CidrRange; undefined when it is neither. */
export function toCidrRange(address: string): CidrRange | undefined {
  const [ip = '', len] = address.split('/');
  const family = isIP(ip);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return undefined;
  return { address_prefix: ip, prefix_len: { value: prefix } };
}

/** The CidrRanges of every valid address or CIDR in `addresses`. */
export function toCidrRanges(addresses: readonly string[]): CidrRange[] {
  return addresses.map(toCidrRange).filter((r): r is CidrRange => r !== undefined);
}
