// The target a proxyless gRPC client dials (`xds:///reviews.default.svc.cluster.local:9080`, or a
// short name resolved in the client's namespace), resolved to a visible service and port.
import { hostAliases } from '../../../api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';

export interface GrpcTarget {
  /** The name exactly as the client asked for it: the listener and route configuration name. */
  readonly name: string;
  readonly service: Service;
  readonly port: number;
}

/** Splits `host:port`; the port is undefined when the name has none. */
export function splitHostPort(name: string): { host: string; port?: number } {
  const m = /^(.*):(\d{1,5})$/.exec(name);
  if (!m || m[1] === '') return { host: name };
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * The service and port `name` stands for, among the services `proxy` sees. Short names resolve
 * in the proxy's namespace (`reviews`, `reviews.default`, `reviews.default.svc`). Without a port
 * the service must have exactly one. Undefined for an unknown host or port.
 */
export function resolveGrpcTarget(name: string, proxy: Proxy, push: PushContext): GrpcTarget | undefined {
  const { host, port } = splitHostPort(name);
  const aliases = hostAliases(host, proxy.namespace);
  const visible = push.servicesFor(proxy);
  const service = aliases.map((a) => visible.find((s) => s.hostname === a)).find((s) => s !== undefined);
  if (!service) return undefined;
  if (port === undefined) return service.ports.length === 1 ? { name, service, port: service.ports[0]!.port } : undefined;
  return service.ports.some((p) => p.port === port) ? { name, service, port } : undefined;
}

/** Every `host:port` a gRPC client could ask for by fully qualified name, one per visible service port. */
export function grpcTargetNames(proxy: Proxy, push: PushContext): string[] {
  return push.servicesFor(proxy).flatMap((s) => s.ports.map((p) => `${s.hostname}:${p.port}`));
}
