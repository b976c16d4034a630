// Port protocols as Istio names them (`HTTP`, `GRPC-WEB`, `TLS`...), matched without regard to case.

/** A protocol Istio accepts on a port. */
export type PortProtocol =
  | 'HTTP' | 'HTTP2' | 'HTTPS' | 'HTTP_PROXY' | 'GRPC' | 'GRPC-WEB'
  | 'TCP' | 'TLS' | 'UDP' | 'MONGO' | 'REDIS' | 'MYSQL';

const PROTOCOLS: ReadonlySet<string> = new Set<PortProtocol>([
  'HTTP', 'HTTP2', 'HTTPS', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'UDP', 'MONGO', 'REDIS', 'MYSQL',
]);

const HTTP_FAMILY: ReadonlySet<PortProtocol> = new Set<PortProtocol>(['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB']);
const TLS_FAMILY: ReadonlySet<PortProtocol> = new Set<PortProtocol>(['HTTPS', 'TLS']);

const ADVERTISED = 'HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, UDP, MONGO, REDIS or MYSQL';

/** The protocol `name` stands for (case-insensitive), or undefined when Istio does not know it. */
export function parseProtocol(name: string): PortProtocol | undefined {
  const upper = name.toUpperCase();
  return PROTOCOLS.has(upper) ? (upper as PortProtocol) : undefined;
}

/**
 * A reason `name` is not a protocol Istio accepts, or undefined. An empty or missing protocol
 * passes unless `required` is set, since most ports may leave it to protocol sniffing.
 */
export function checkProtocol(name: unknown, opts: { required?: boolean } = {}): string | undefined {
  if (name === undefined || name === '') return opts.required ? `protocol is required: use ${ADVERTISED}` : undefined;
  if (typeof name !== 'string' || parseProtocol(name) === undefined) {
    return `unsupported protocol ${JSON.stringify(name)}: use ${ADVERTISED}`;
  }
  return undefined;
}

/** True for protocols carried over HTTP: HTTP, HTTP2, HTTP_PROXY, GRPC and GRPC-WEB. */
export function isHttpProtocol(protocol: PortProtocol | undefined): boolean {
  return protocol !== undefined && HTTP_FAMILY.has(protocol);
}

/** True for protocols carried over TLS that the proxy can terminate or route by SNI: HTTPS and TLS. */
export function isTlsProtocol(protocol: PortProtocol | undefined): boolean {
  return protocol !== undefined && TLS_FAMILY.has(protocol);
}
