// What to capture, as istio-iptables is told it: ports, uids, CIDRs and IP families, parsed from
// the flags' text with Istio's defaults applied.
import { isIP } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

/** The capture configuration; every list is already validated. */
export interface CaptureOptions {
  /** `-p, --envoy-port`: where outbound traffic is redirected (virtualOutbound). */
  readonly envoyPort: number;
  /** `-z, --inbound-capture-port`: where inbound traffic is redirected (virtualInbound). */
  readonly inboundCapturePort: number;
  /** `-u, --proxy-uid`: the proxy's uids, whose traffic is never captured. */
  readonly proxyUids: readonly number[];
  /** `-g, --proxy-gid`: the proxy's gids. */
  readonly proxyGids: readonly number[];
  /** `-b, --istio-inbound-ports`: `*` captures every inbound port; a list captures only those. */
  readonly inboundPorts: '*' | readonly number[];
  /** `-d, --istio-local-exclude-ports`: inbound ports left alone (with `*`). */
  readonly inboundPortsExclude: readonly number[];
  /** `-q, --istio-outbound-ports`: outbound ports redirected whatever their destination. */
  readonly outboundPorts: readonly number[];
  /** `-o, --istio-local-outbound-ports-exclude`: outbound ports never redirected. */
  readonly outboundPortsExclude: readonly number[];
  /** `-i, --istio-service-cidr`: `*` redirects every destination; a list only those ranges. */
  readonly outboundIpRanges: '*' | readonly string[];
  /** `-x, --istio-service-exclude-cidr`: destinations never redirected. */
  readonly outboundIpRangesExclude: readonly string[];
  /** Which tables to write: iptables for IPv4, ip6tables for IPv6. */
  readonly families: readonly IpFamily[];
}

/** The flags as text, as the CLI receives them; absent fields take Istio's defaults. */
export interface CaptureFlags {
  readonly envoyPort?: string;
  readonly inboundCapturePort?: string;
  readonly proxyUid?: string;
  readonly proxyGid?: string;
  readonly inboundPorts?: string;
  readonly inboundPortsExclude?: string;
  readonly outboundPorts?: string;
  readonly outboundPortsExclude?: string;
  readonly outboundIpRanges?: string;
  readonly outboundIpRangesExclude?: string;
  /** `ipv4`, `ipv6` or `dual` (default). */
  readonly family?: string;
}

export const CAPTURE_DEFAULTS = {
  envoyPort: 15001,
  inboundCapturePort: 15006,
  proxyUid: 1337,
  proxyGid: 1337,
  /** The agent's and proxy's own ports, which the injector always excludes (15090, 15021, 15020). */
  inboundPortsExclude: [15090, 15021, 15020],
} as const;

export type CaptureOptionsResult =
  | { readonly ok: true; readonly options: CaptureOptions }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Parses capture flags. Every problem is reported, each naming its flag. Port lists are
 * comma-separated numbers; `-b` and `-i` also take `*`; CIDRs are `address/bits` or a bare
 * address. An empty string means an empty list, as in istio-iptables.
 */
export function parseCaptureOptions(flags: CaptureFlags): CaptureOptionsResult {
  const errors: string[] = [];
  const port = (flag: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 65535 || text.trim() === '') {
      errors.push(`${flag}: "${text}" is not a port number (1-65535)`);
      return fallback;
    }
    return n;
  };
  const ids = (flag: string, text: string | undefined, fallback: number): number[] => {
    if (text === undefined) return [fallback];
    const list = splitList(text).map(Number);
    if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0 || n > 0xffffffff)) {
      errors.push(`${flag}: "${text}" must be a comma-separated list of ids`);
      return [fallback];
    }
    return list;
  };
  const ports = (flag: string, text: string | undefined, fallback: readonly number[]): number[] => {
    if (text === undefined) return [...fallback];
    const out: number[] = [];
    for (const item of splitList(text)) {
      const n = Number(item);
      if (!Number.isInteger(n) || n < 1 || n > 65535) errors.push(`${flag}: "${item}" is not a port number (1-65535)`);
      else if (!out.includes(n)) out.push(n);
    }
    return out;
  };
  const cidrs = (flag: string, text: string | undefined): string[] => {
    const out: string[] = [];
    for (const item of splitList(text ?? '')) {
      const cidr = normaliseCidr(item);
      if (cidr === undefined) errors.push(`${flag}: "${item}" is not an IP address or CIDR`);
      else if (!out.includes(cidr)) out.push(cidr);
    }
    return out;
  };
  const wildcard = (text: string | undefined, fallback: '*' | ''): boolean => (text ?? fallback).trim() === '*';

  const options: CaptureOptions = {
    envoyPort: port('--envoy-port', flags.envoyPort, CAPTURE_DEFAULTS.envoyPort),
    inboundCapturePort: port('--inbound-capture-port', flags.inboundCapturePort, CAPTURE_DEFAULTS.inboundCapturePort),
    proxyUids: ids('--proxy-uid', flags.proxyUid, CAPTURE_DEFAULTS.proxyUid),
    proxyGids: ids('--proxy-gid', flags.proxyGid, CAPTURE_DEFAULTS.proxyGid),
    inboundPorts: wildcard(flags.inboundPorts, '*') ? '*' : ports('--istio-inbound-ports', flags.inboundPorts, []),
    inboundPortsExclude: ports('--istio-local-exclude-ports', flags.inboundPortsExclude, CAPTURE_DEFAULTS.inboundPortsExclude),
    outboundPorts: ports('--istio-outbound-ports', flags.outboundPorts, []),
    outboundPortsExclude: ports('--istio-local-outbound-ports-exclude', flags.outboundPortsExclude, []),
    outboundIpRanges: wildcard(flags.outboundIpRanges, '*') ? '*' : cidrs('--istio-service-cidr', flags.outboundIpRanges),
    outboundIpRangesExclude: cidrs('--istio-service-exclude-cidr', flags.outboundIpRangesExclude),
    families: parseFamilies(flags.family, errors),
  };
  return errors.length === 0 ? { ok: true, options } : { ok: false, errors };
}

function parseFamilies(text: string | undefined, errors: string[]): IpFamily[] {
  switch (text ?? 'dual') {
    case 'dual': return ['ipv4', 'ipv6'];
    case 'ipv4': return ['ipv4'];
    case 'ipv6': return ['ipv6'];
    default:
      errors.push(`--ip-family: "${text}" must be ipv4, ipv6 or dual`);
      return ['ipv4'];
  }
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** `10.0.0.0/8` as is, a bare address as `/32` or `/128`; undefined when malformed. */
export function normaliseCidr(text: string): string | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  if (slash < 0) return `${address}/${max}`;
  const bitsText = text.slice(slash + 1);
  const bits = Number(bitsText);
  if (bitsText === '' || !Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  return `${address}/${bits}`;
}

/** The family of a CIDR that {@link normaliseCidr} accepted. */
export function cidrFamily(cidr: string): IpFamily {
  return isIP(cidr.slice(0, cidr.indexOf('/'))) === 6 ? 'ipv6' : 'ipv4';
}
