// VirtualService tcp and tls rules as TCP proxy destinations: which rules apply to a proxy on a
// port, and where their (weighted) destinations go.
import type { Proxy } from '../../model/proxy.js';
import type { PushContext, VirtualService } from '../../model/push-context.js';
import { resolveDestination } from '../rds/destination.js';
import { resolveGatewayName } from '../../push-context-vs-resolve.js';
import type { L4Match, RouteDestination } from '../rds/virtual-service-view.js';
import type { TcpDestination } from './network-filters.js';

/** Where L4 rules are being applied: a sidecar (gateway `mesh`) or a gateway server, on one port. */
export interface L4Context {
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly port: number;
  readonly gatewayNames: ReadonlySet<string>;
}

/**
 * True when an L4 match block applies here: its port (if any) is this port, and its gateways
 * (if any) include one of ours, or else its sourceLabels and sourceNamespace fit the proxy.
 */
export function l4MatchApplies(match: L4Match | undefined, namespace: string, ctx: L4Context): boolean {
  if (!match) return true;
  if (match.port && match.port !== ctx.port) return false;
  if (match.gateways?.length) return match.gateways.some((g) => ctx.gatewayNames.has(resolveGatewayName(g, namespace)));
  if (!Object.entries(match.sourceLabels ?? {}).every(([k, v]) => ctx.proxy.labels[k] === v)) return false;
  return !match.sourceNamespace || match.sourceNamespace === ctx.proxy.namespace;
}

/**
 * The TCP destination of a rule's `route` written in `vs`: one cluster, or weighted clusters
 * (weights are relative; zero weights are dropped unless all are zero). Undefined when empty.
 */
export function l4Destination(routes: readonly RouteDestination[] | undefined, vs: VirtualService, ctx: L4Context): TcpDestination | undefined {
  if (!routes?.length) return undefined;
  const clusters = routes.map((r) => ({
    name: resolveDestination(r.destination, vs.metadata.namespace, ctx.push, ctx.port).cluster,
    weight: r.weight ?? 0,
  }));
  if (clusters.length === 1) return { cluster: clusters[0]!.name };
  const positive = clusters.filter((c) => c.weight > 0);
  return { weighted: positive.length > 0 ? positive : clusters.map((c) => ({ ...c, weight: 1 })) };
}

/** A short name for a TCP destination, for stat prefixes and chain names: its (first) cluster. */
export function destinationLabel(destination: TcpDestination): string {
  return 'cluster' in destination ? destination.cluster : (destination.weighted[0]?.name ?? '');
}
