// Ports, IP addresses and CIDR blocks.
import { isIP } from 'node:net';

/** A reason `port` is not a valid port number (1–65535), or undefined. */
export function checkPort(port: unknown): string | undefined {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return `port must be between 1 and 65535, got ${JSON.stringify(port)}`;
  }
  return undefined;
}

/** A reason `value` is not an IP address or CIDR block (`10.0.0.0/8`, `2001:db8::/32`), or undefined. */
export function checkIpOrCidr(value: string): string | undefined {
  const slash = value.indexOf('/');
  const ip = slash >= 0 ? value.slice(0, slash) : value;
  const family = isIP(ip);
  if (family === 0) return `"${value}" is not a valid IP address or CIDR block`;
  if (slash >= 0) {
    const bits = value.slice(slash + 1);
    const max = family === 4 ? 32 : 128;
    if (!/^\d+$/.test(bits) || Number(bits) > max) return `"${value}" has an invalid prefix length (0 to ${max})`;
  }
  return undefined;
}

/** True when `value` is an IPv4 or IPv6 address. */
export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}
