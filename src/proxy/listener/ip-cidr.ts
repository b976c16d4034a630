// IPv4 and IPv6 addresses and CIDR ranges as integers, for longest-prefix filter-chain matching.
import { isIPv4, isIPv6 } from 'node:net';
import type { CidrRange } from '../config/listener.js';

/** An address as an integer; IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) count as IPv4. */
export interface IpValue {
  readonly v6: boolean;
  readonly value: bigint;
}

/** A range whose address bits beyond `prefixLen` are cleared. */
export interface IpCidr extends IpValue {
  readonly prefixLen: number;
}

const MAPPED_V4_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address (a zone suffix `%eth0` is ignored); undefined when it is not one. */
export function parseIp(text: string): IpValue | undefined {
  const percent = text.indexOf('%');
  const address = percent >= 0 ? text.slice(0, percent) : text;
  if (isIPv4(address)) return { v6: false, value: parseV4(address) };
  if (!isIPv6(address)) return undefined;
  const value = parseV6(address);
  if (value >> 32n === 0xffffn) return { v6: false, value: value - MAPPED_V4_PREFIX };
  return { v6: true, value };
}

/** Parses a CIDR range; undefined when the address is not an IP or the length is out of range. */
export function parseCidr(range: CidrRange): IpCidr | undefined {
  const ip = parseIp(range.address);
  if (!ip) return undefined;
  // A range written as `::ffff:10.0.0.0/104` stays IPv6-sized in its length; shift it to IPv4.
  const mapped = !ip.v6 && isIPv6(range.address);
  const prefixLen = mapped ? range.prefixLen - 96 : range.prefixLen;
  const bits = ip.v6 ? 128 : 32;
  if (!Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > bits) return undefined;
  const shift = BigInt(bits - prefixLen);
  return { v6: ip.v6, value: (ip.value >> shift) << shift, prefixLen };
}

/** Whether `ip` falls inside `cidr`; families never match each other. */
export function cidrContains(cidr: IpCidr, ip: IpValue): boolean {
  if (cidr.v6 !== ip.v6) return false;
  const shift = BigInt((cidr.v6 ? 128 : 32) - cidr.prefixLen);
  return (ip.value >> shift) << shift === cidr.value;
}

/** Whether the address is loopback: 127.0.0.0/8 or ::1. */
export function isLoopback(ip: IpValue): boolean {
  return ip.v6 ? ip.value === 1n : ip.value >> 24n === 127n;
}

function parseV4(address: string): bigint {
  let value = 0;
  for (const part of address.split('.')) value = value * 256 + Number(part);
  return BigInt(value);
}

function parseV6(address: string): bigint {
  const double = address.indexOf('::');
  const head = double >= 0 ? address.slice(0, double) : address;
  const tail = double >= 0 ? address.slice(double + 2) : '';
  const headGroups = groups(head);
  const tailGroups = groups(tail);
  const missing = 8 - headGroups.length - tailGroups.length;
  const all = [...headGroups, ...new Array<number>(double >= 0 ? missing : 0).fill(0), ...tailGroups];
  let value = 0n;
  for (const g of all) value = (value << 16n) | BigInt(g);
  return value;
}

/** The 16-bit groups of one side of `::`; a trailing dotted IPv4 part makes two groups. */
function groups(part: string): number[] {
  if (part === '') return [];
  const out: number[] = [];
  for (const g of part.split(':')) {
    if (g.includes('.')) {
      const v4 = Number(parseV4(g));
      out.push(v4 >>> 16, v4 & 0xffff);
    } else {
      out.push(parseInt(g, 16));
    }
  }
  return out;
}
