// The servers of the Gateways a gateway proxy runs, with Istio's RDS names for them and the
// hosts each one offers to a VirtualService.
import { hostCovers } from '../../../api/index.js';
import type { GatewaySpec } from '../../../api/index.js';
import type { Gateway, PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';

/** What the generators read of a Gateway server. */
export interface ServerView {
  readonly name?: string;
  readonly bind?: string;
  readonly hosts: readonly string[];
  readonly port: { readonly name: string; readonly number: number; readonly protocol: string };
  readonly tls?: ServerTlsView;
}

export interface ServerTlsView {
  readonly mode?: 'PASSTHROUGH' | 'SIMPLE' | 'MUTUAL' | 'AUTO_PASSTHROUGH' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL';
  readonly httpsRedirect?: boolean;
  readonly credentialName?: string;
  readonly serverCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly subjectAltNames?: readonly string[];
  readonly minProtocolVersion?: 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';
  readonly maxProtocolVersion?: 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';
  readonly cipherSuites?: readonly string[];
}

/** Compile-time check: every parsed Gateway server is readable through the view. */
export const asServerView: (server: NonNullable<GatewaySpec['servers']>[number]) => ServerView = (server) => server;

/** One server of one Gateway. */
export interface GatewayServer {
  readonly gateway: Gateway;
  /** `namespace/name`, as VirtualServices bind to it. */
  readonly gatewayName: string;
  readonly server: ServerView;
}

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

/** The upper-cased protocol of a server port. */
export function serverProtocol(server: ServerView): string {
  return server.port.protocol.toUpperCase();
}

/** True for servers whose TLS is passed through to the backend (SNI routing). */
export function isPassthroughServer(server: ServerView): boolean {
  return server.tls?.mode === 'PASSTHROUGH' || server.tls?.mode === 'AUTO_PASSTHROUGH';
}

/** True for HTTPS servers that terminate TLS and route HTTP. */
export function isHttpsTerminated(server: ServerView): boolean {
  return serverProtocol(server) === 'HTTPS' && server.tls !== undefined && !isPassthroughServer(server);
}

/**
 * Istio's RDS name for a server: `http.<port>` for plain HTTP servers (they share one),
 * `https.<port>.<portName>.<gateway>.<namespace>` for each HTTPS server that terminates TLS.
 * Undefined for servers that route no HTTP.
 */
export function gatewayRouteName(gs: GatewayServer): string | undefined {
  const { server } = gs;
  const bind = server.bind ? `.${server.bind}` : '';
  if (HTTP_PROTOCOLS.has(serverProtocol(server))) return `http.${server.port.number}${bind}`;
  if (isHttpsTerminated(server)) {
    const { name, namespace } = gs.gateway.metadata;
    return `https.${server.port.number}.${server.port.name}.${name}.${namespace}${bind}`;
  }
  return undefined;
}

/** Every server of the Gateways that select `proxy`, in Gateway order. */
export function gatewayServers(proxy: Proxy, push: PushContext): GatewayServer[] {
  return push.gatewaysFor(proxy).flatMap((gateway) =>
    (gateway.spec.servers ?? []).map((server) => ({ gateway, gatewayName: `${gateway.metadata.namespace}/${gateway.metadata.name}`, server: asServerView(server) })),
  );
}

/**
 * The server's hosts that a VirtualService in `namespace` may bind to: `ns/host` entries for that
 * namespace (`.` is the Gateway's own), `*` or bare entries for any. Lowercased.
 */
export function serverHostsFor(gs: GatewayServer, namespace: string): string[] {
  const out: string[] = [];
  for (const entry of gs.server.hosts) {
    const slash = entry.indexOf('/');
    let ns = slash >= 0 ? entry.slice(0, slash) : '*';
    const host = (slash >= 0 ? entry.slice(slash + 1) : entry).toLowerCase();
    if (ns === '.') ns = gs.gateway.metadata.namespace;
    if (ns === '*' || ns === namespace) out.push(host);
  }
  return out;
}

/** Hosts in both lists, the more specific of each overlapping pair (Istio's Names.Intersection). */
export function intersectHosts(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  const add = (h: string): void => {
    if (!out.includes(h)) out.push(h);
  };
  for (const x of a) {
    for (const y of b) {
      if (hostCovers(y, x)) add(x);
      else if (hostCovers(x, y)) add(y);
    }
  }
  return out;
}
