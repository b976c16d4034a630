// Raw State-of-the-World ADS clients for the push benchmark: each stream behaves like an Envoy
// sidecar's. It subscribes to CDS and LDS (wildcard), then to EDS and RDS for the names those
// returned, and ACKs every response with its version and nonce. Many streams share a few gRPC
// channels, so that the client side stays light next to the control plane it measures.
import * as grpc from '@grpc/grpc-js';
import {
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  LISTENER_TYPE,
  ROUTE_TYPE,
  loadAds,
  structFromJson,
  unpackAny,
  type AggregatedDiscoveryServiceClient,
  type DiscoveryRequest,
  type DiscoveryResponse__Output,
} from '../src/xds/index.js';

const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

/** A response this stream received, as the benchmark sees it. */
export interface ReceivedResponse {
  readonly typeUrl: string;
  readonly version: string;
  /** When the stream had handed its ACK of this response to gRPC (performance.now()). */
  readonly ackedAt: number;
  readonly response: DiscoveryResponse__Output;
}

/** One ADS stream, with what it has subscribed to and ACKed. */
export interface AdsStream {
  readonly index: number;
  readonly nodeId: string;
  /** The version last ACKed, per type URL. */
  readonly acked: ReadonlyMap<string, string>;
  /** Whether every type it subscribed to has been answered and ACKed. */
  synced(): boolean;
  /** Called after each ACK. */
  onResponse?: (received: ReceivedResponse) => void;
  /** NACKs sent (a response it could not read) and stream errors. */
  readonly problems: string[];
  close(): void;
}

interface TypeState {
  names: string[];
  /** Nonce of the last response; the request that carries it is the ACK. */
  nonce: string;
  version: string;
  /** A request is out that has not been answered yet. */
  awaiting: boolean;
}

/** A pool of channels to one ADS server, and the streams opened over them. */
export interface AdsClientPool {
  open(index: number): AdsStream;
  close(): void;
}

/** Creates `channels` gRPC channels to `target` (host:port); streams are spread over them. */
export function createAdsClientPool(target: string, channels: number): AdsClientPool {
  const Ads = loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService;
  // A local subchannel pool gives each client its own HTTP/2 connection.
  const clients: AggregatedDiscoveryServiceClient[] = Array.from(
    { length: channels },
    () =>
      new Ads(target, grpc.credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
        'grpc.max_receive_message_length': 64 * 1024 * 1024,
      }),
  );
  return {
    open: (index) => openStream(clients[index % clients.length]!, index),
    close() {
      for (const c of clients) c.close();
    },
  };
}

function openStream(client: AggregatedDiscoveryServiceClient, index: number): AdsStream {
  const ip = `10.1.${((index + 1) >> 8) & 255}.${(index + 1) & 255}`;
  const nodeId = `sidecar~${ip}~client-${index}.default~default.svc.cluster.local`;
  const node = { id: nodeId, cluster: 'bench', metadata: structFromJson({ NAMESPACE: 'default' }) };
  const call = client.StreamAggregatedResources();
  const types = new Map<string, TypeState>();
  const acked = new Map<string, string>();
  const problems: string[] = [];
  let closed = false;
  let first = true;

  const send = (req: DiscoveryRequest) => {
    if (closed) return;
    if (first) {
      req = { ...req, node };
      first = false;
    }
    call.write(req);
  };

  /** Subscribes to `names` of `typeUrl` (a new request, answered by the server). */
  const subscribe = (typeUrl: string, names: string[]) => {
    let state = types.get(typeUrl);
    if (!state) {
      state = { names, nonce: '', version: '', awaiting: true };
      types.set(typeUrl, state);
    } else {
      state.names = names;
      state.awaiting = true;
    }
    send({ type_url: typeUrl, version_info: state.version, response_nonce: state.nonce, resource_names: names });
  };

  const stream: AdsStream = {
    index,
    nodeId,
    acked,
    problems,
    synced: () => types.size > 0 && [...types.values()].every((t) => !t.awaiting),
    close() {
      closed = true;
      call.cancel();
    },
  };

  call.on('data', (res: DiscoveryResponse__Output) => {
    const state = types.get(res.type_url);
    if (!state) return;
    let follow: [string, string[]] | undefined;
    let error: string | undefined;
    try {
      if (res.type_url === CLUSTER_TYPE) follow = [ENDPOINT_TYPE, edsNames(res)];
      else if (res.type_url === LISTENER_TYPE) follow = [ROUTE_TYPE, routeNames(res)];
    } catch (err) {
      error = (err as Error).message;
      problems.push(`${res.type_url}: ${error}`);
    }
    // ACK (or NACK) with the same subscription, as Envoy does.
    state.nonce = res.nonce;
    state.awaiting = false;
    if (!error) state.version = res.version_info;
    send({
      type_url: res.type_url,
      version_info: state.version,
      response_nonce: res.nonce,
      resource_names: state.names,
      ...(error ? { error_detail: { code: 3, message: error } } : {}),
    });
    if (!error) acked.set(res.type_url, res.version_info);
    stream.onResponse?.({ typeUrl: res.type_url, version: res.version_info, ackedAt: performance.now(), response: res });
    if (follow) {
      const [typeUrl, names] = follow;
      const current = types.get(typeUrl);
      if (names.length > 0 && (!current || !sameNames(current.names, names))) subscribe(typeUrl, names);
    }
  });
  call.on('error', (err: grpc.ServiceError) => {
    if (!closed) problems.push(`stream error: ${err.code} ${err.details}`);
  });
  call.on('end', () => {
    if (!closed) problems.push('stream ended by the server');
  });

  subscribe(CLUSTER_TYPE, []);
  subscribe(LISTENER_TYPE, []);
  return stream;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

interface ClusterView {
  name?: string;
  type?: string;
  eds_cluster_config?: { service_name?: string } | null;
}

/** The EDS names of a CDS response: its EDS clusters' service names. */
function edsNames(res: DiscoveryResponse__Output): string[] {
  const names = new Set<string>();
  for (const any of res.resources) {
    const c = unpackAny<ClusterView>(any);
    if (c.type === 'EDS') names.add(c.eds_cluster_config?.service_name || c.name || '');
  }
  names.delete('');
  return [...names].sort();
}

interface ListenerView {
  filter_chains?: Array<{ filters?: Array<{ typed_config?: { type_url: string; value: Buffer } | null }> }>;
  default_filter_chain?: { filters?: Array<{ typed_config?: { type_url: string; value: Buffer } | null }> } | null;
}

/** The RDS names of an LDS response: the route configs its HTTP connection managers load. */
function routeNames(res: DiscoveryResponse__Output): string[] {
  const names = new Set<string>();
  for (const any of res.resources) {
    const l = unpackAny<ListenerView>(any);
    const chains = [...(l.filter_chains ?? []), ...(l.default_filter_chain ? [l.default_filter_chain] : [])];
    for (const chain of chains) {
      for (const f of chain.filters ?? []) {
        if (f.typed_config?.type_url !== HCM_TYPE) continue;
        const hcm = unpackAny<{ rds?: { route_config_name?: string } | null }>(f.typed_config);
        if (hcm.rds?.route_config_name) names.add(hcm.rds.route_config_name);
      }
    }
  }
  return [...names].sort();
}
