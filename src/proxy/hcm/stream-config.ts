// The per-filter-chain settings every request on an HTTP connection manager shares, built once
// per config version rather than per request.
import type { HttpConnectionManagerConfig } from '../config/index.js';
import type { RouteTable } from '../router/route-table.js';
import type { Clock, ProxyIdentity, RouterClusters } from './ports.js';

export interface StreamConfig {
  /** `inbound` for virtualInbound chains, `outbound` for the rest (gateways report as outbound too). */
  readonly direction: 'inbound' | 'outbound';
  readonly hcm: HttpConnectionManagerConfig;
  /** The route table for this chain right now: RDS by name, or the inline one. */
  routeTable(): RouteTable | undefined;
  readonly clusters: RouterClusters;
  readonly identity: ProxyIdentity;
  readonly clock: Clock;
  /** Whether the chain has the fault and CORS filters (Pilot always adds both). */
  readonly faultFilter: boolean;
  readonly corsFilter: boolean;
  /** Envoy honours x-envoy-* control headers only from trusted (internal) clients: outbound here. */
  readonly honourEnvoyHeaders: boolean;
}
