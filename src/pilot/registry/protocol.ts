// Port protocols as Istio selects them: explicit protocol names, and the `name-suffix` port name rule.
import type { ServiceProtocol } from '../model/service.js';

const PROTOCOLS: ReadonlyMap<string, ServiceProtocol> = new Map([
  ['http', 'HTTP'],
  ['http2', 'HTTP2'],
  ['grpc', 'GRPC'],
  ['grpc-web', 'GRPC-WEB'],
  ['https', 'HTTPS'],
  ['tls', 'TLS'],
  ['tcp', 'TCP'],
  ['mongo', 'MONGO'],
  ['redis', 'REDIS'],
  ['mysql', 'MYSQL'],
  ['udp', 'UDP'],
]);

/** Ports that Istio treats as TCP when nothing else names their protocol (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_TCP_PORTS: ReadonlySet<number> = new Set([25, 53, 3306, 27017]);

/** The protocol a name such as `HTTP` or `grpc` stands for (any case), or undefined. */
export function parseProtocol(name: string | undefined): ServiceProtocol | undefined {
  return name ? PROTOCOLS.get(name.toLowerCase()) : undefined;
}

/**
 * The protocol a port name declares by Istio's convention: `<protocol>[-<suffix>]` (`http`,
 * `http-web`, `grpc-api`, `tcp-db`), with `grpc-web` checked before the general prefix rule.
 * Undefined when the name declares none.
 */
export function protocolFromPortName(name: string | undefined): ServiceProtocol | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  if (lower.startsWith('grpc-web')) return 'GRPC-WEB';
  const dash = lower.indexOf('-');
  return parseProtocol(dash >= 0 ? lower.slice(0, dash) : lower);
}

/**
 * The protocol of a ServiceEntry port: its `protocol` field, else what its name declares, else
 * TCP for the well-known TCP ports, else UNKNOWN (Istio would sniff it).
 */
export function serviceEntryPortProtocol(port: { name?: string; number: number; protocol?: string }): ServiceProtocol {
  if (port.protocol) return parseProtocol(port.protocol) ?? 'UNKNOWN';
  return protocolFromPortName(port.name) ?? (WELL_KNOWN_TCP_PORTS.has(port.number) ? 'TCP' : 'UNKNOWN');
}

/**
 * The protocol of a workload's port (`POD_PORTS`), as Istio selects it for a Kubernetes port: a
 * UDP port is UDP; otherwise the port name's prefix decides; otherwise the protocol field, if it
 * names an application protocol; otherwise TCP.
 */
export function workloadPortProtocol(port: { name?: string; port: number; protocol?: string }): ServiceProtocol {
  const declared = parseProtocol(port.protocol);
  if (declared === 'UDP') return 'UDP';
  return protocolFromPortName(port.name) ?? declared ?? 'TCP';
}
