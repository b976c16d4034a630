// Istio's nat rules for transparent capture, built from capture options for one IP family: a pure
// function, so that the exact rule list is what the tests check and what `--dry-run` prints.
import { cidrFamily, type CaptureOptions, type IpFamily } from './capture-options.js';

/** The chains capture owns; `heddle iptables clean` removes these and the jumps into them. */
export const CAPTURE_CHAINS = ['ISTIO_INBOUND', 'ISTIO_REDIRECT', 'ISTIO_IN_REDIRECT', 'ISTIO_OUTPUT'] as const;

/** Istio's HBONE port, never captured inbound. */
export const HBONE_PORT = 15008;
/** SSH, left alone when every inbound port is captured, as Istio does. */
export const SSH_PORT = 22;

/** One rule appended to a chain of the nat table: `-A <chain> <spec...>`. */
export interface NatRule {
  readonly chain: string;
  readonly spec: readonly string[];
}

/** Everything capture installs in one family's nat table, in the order it is installed. */
export interface NatRuleSet {
  readonly family: IpFamily;
  readonly chains: readonly string[];
  readonly rules: readonly NatRule[];
}

/** The loopback addresses a family's rules name. */
export const LOOPBACK = {
  ipv4: { inboundPassthroughSource: '127.0.0.6/32', localhost: '127.0.0.1/32' },
  ipv6: { inboundPassthroughSource: '::6/128', localhost: '::1/128' },
} as const;

/**
 * Istio's capture rules for `family`:
 * - PREROUTING → ISTIO_INBOUND: inbound TCP to the chosen ports → ISTIO_IN_REDIRECT (REDIRECT to
 *   the inbound capture port), except 15008, SSH (with `*`) and the excluded ports;
 * - OUTPUT → ISTIO_OUTPUT: excluded ports, the proxy's inbound forwards (from 127.0.0.6 / ::6),
 *   the proxy's own uid and gid, and localhost return; the proxy calling its own pod IP over lo
 *   goes to ISTIO_IN_REDIRECT; excluded CIDRs return; included ports and CIDRs (`*` by default)
 *   → ISTIO_REDIRECT (REDIRECT to the envoy port).
 * CIDRs of the other family are skipped. Inbound with an empty port list installs no PREROUTING jump.
 */
export function buildCaptureRules(options: CaptureOptions, family: IpFamily): NatRuleSet {
  const loopback = LOOPBACK[family];
  const rules: NatRule[] = [];
  const add = (chain: string, ...spec: string[]): void => {
    rules.push({ chain, spec });
  };
  const tcpPort = (port: number): string[] => ['-p', 'tcp', '--dport', String(port)];

  add('ISTIO_INBOUND', ...tcpPort(HBONE_PORT), '-j', 'RETURN');
  add('ISTIO_REDIRECT', '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', String(options.envoyPort));
  add('ISTIO_IN_REDIRECT', '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', String(options.inboundCapturePort));

  if (options.inboundPorts === '*') {
    add('PREROUTING', '-p', 'tcp', '-j', 'ISTIO_INBOUND');
    add('ISTIO_INBOUND', ...tcpPort(SSH_PORT), '-j', 'RETURN');
    for (const port of options.inboundPortsExclude) add('ISTIO_INBOUND', ...tcpPort(port), '-j', 'RETURN');
    add('ISTIO_INBOUND', '-p', 'tcp', '-j', 'ISTIO_IN_REDIRECT');
  } else if (options.inboundPorts.length > 0) {
    add('PREROUTING', '-p', 'tcp', '-j', 'ISTIO_INBOUND');
    for (const port of options.inboundPorts) add('ISTIO_INBOUND', ...tcpPort(port), '-j', 'ISTIO_IN_REDIRECT');
  }

  add('OUTPUT', '-p', 'tcp', '-j', 'ISTIO_OUTPUT');
  // Port exclusions come before the rules that send the proxy's calls to itself back inbound.
  for (const port of options.outboundPortsExclude) add('ISTIO_OUTPUT', ...tcpPort(port), '-j', 'RETURN');
  add('ISTIO_OUTPUT', '-o', 'lo', '-s', loopback.inboundPassthroughSource, '-j', 'RETURN');
  for (const [flag, ids] of [['--uid-owner', options.proxyUids], ['--gid-owner', options.proxyGids]] as const) {
    for (const id of ids) {
      // The proxy calling its own pod IP (an app calling itself through its service) is inbound.
      add('ISTIO_OUTPUT', '-o', 'lo', '!', '-d', loopback.localhost, '-m', 'owner', flag, String(id), '-j', 'ISTIO_IN_REDIRECT');
      add('ISTIO_OUTPUT', '-o', 'lo', '-m', 'owner', '!', flag, String(id), '-j', 'RETURN');
      add('ISTIO_OUTPUT', '-m', 'owner', flag, String(id), '-j', 'RETURN');
    }
  }
  add('ISTIO_OUTPUT', '-d', loopback.localhost, '-j', 'RETURN');
  for (const cidr of options.outboundIpRangesExclude) {
    if (cidrFamily(cidr) === family) add('ISTIO_OUTPUT', '-d', cidr, '-j', 'RETURN');
  }
  for (const port of options.outboundPorts) add('ISTIO_OUTPUT', ...tcpPort(port), '-j', 'ISTIO_REDIRECT');
  if (options.outboundIpRanges === '*') {
    add('ISTIO_OUTPUT', '-j', 'ISTIO_REDIRECT');
  } else {
    for (const cidr of options.outboundIpRanges) {
      if (cidrFamily(cidr) === family) add('ISTIO_OUTPUT', '-d', cidr, '-j', 'ISTIO_REDIRECT');
    }
    add('ISTIO_OUTPUT', '-j', 'RETURN');
  }
  return { family, chains: CAPTURE_CHAINS, rules };
}
