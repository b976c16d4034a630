// A live upstream cluster as the router uses it: host selection through the cluster's load
// balancer, request admission under its circuit breakers, and a connection pool per host.
import type { ClusterConfig, HashPolicy } from '../config/index.js';
import type { UpstreamClient } from '../http/exchange.js';
import type { RequestHead } from '../http/message.js';
import { createHttp1Client } from '../http1/http1-client.js';
import { createHttp2Client } from '../http2/client.js';
import type { Admission, HostOutcome, RouterCluster, UpstreamHost } from '../hcm/ports.js';
import { computeRequestHash } from '../upstream/hash-key.js';
import type { Host } from '../upstream/host.js';
import type { UpstreamCluster } from '../upstream/cluster.js';
import { createUnavailableClient } from '../tls/unavailable-client.js';
import { authorityHost, type UpstreamTransports } from '../tls/upstream-transport.js';
import { RequestAdmission } from './request-admission.js';

/** Most ORIGINAL_DST destinations kept with an open pool; the oldest is closed past this. */
const MAX_PASSTHROUGH_POOLS = 256;

/** Pool keys by host object (address and port never change on one), so a request to a known host builds no string. */
const poolKeys = new WeakMap<UpstreamHost, { http1?: string; http2?: string }>();

/** `protocol|address|port`; cached for EDS hosts, built afresh for ORIGINAL_DST's per-request hosts. */
function poolKey(host: UpstreamHost, protocol: 'http1' | 'http2', cacheable: boolean): string {
  if (!cacheable) return `${protocol}|${host.address}|${host.port}`;
  let keys = poolKeys.get(host);
  if (keys === undefined) poolKeys.set(host, (keys = {}));
  return (keys[protocol] ??= `${protocol}|${host.address}|${host.port}`);
}

/** A host's pool for one protocol, with the transport its connections use. */
interface Pool {
  readonly transportKey: string;
  readonly client: UpstreamClient;
}

export class RouterClusterImpl implements RouterCluster {
  /** By `protocol|address|port`; a pool only serves requests whose transport key it has. */
  private readonly pools = new Map<string, Pool>();
  private readonly admission: RequestAdmission;
  private readonly hashed: boolean;

  constructor(readonly upstream: UpstreamCluster, private readonly transports: UpstreamTransports) {
    const config = upstream.config;
    this.hashed = config.lbPolicy === 'RING_HASH' || config.lbPolicy === 'MAGLEV';
    this.admission = new RequestAdmission(upstream.circuitBreaker, config.circuitBreakers, () => config.upstreamProtocol !== 'http2');
  }

  get config(): ClusterConfig {
    return this.upstream.config;
  }

  pickHost(head: RequestHead, hashPolicies: readonly HashPolicy[], sourceAddress: string, avoid: ReadonlySet<UpstreamHost> | undefined): UpstreamHost | undefined {
    const hash = this.hashed && hashPolicies.length > 0 ? computeRequestHash(hashPolicies, head, sourceAddress) : undefined;
    return this.upstream.pickHost({ hash, avoid: avoid as ReadonlySet<Host> | undefined });
  }

  originalDestinationHost(address: string, port: number): UpstreamHost {
    return { address, port };
  }

  /**
   * The pool for `host` and `protocol` over the transport the cluster's transport socket matches
   * pick for the host's `tlsMode`. A changed transport (a rotated certificate, new TLS settings,
   * TLS turned on or off) retires the previous pool: its open connections finish their requests,
   * new requests get new connections. While the TLS context is unavailable, a client that fails
   * every request as a connect failure (UF) with the reason. `authority` is the request's, for
   * the cluster's auto_sni and auto_san_validation.
   */
  client(host: UpstreamHost, protocol: 'http1' | 'http2', authority?: string): UpstreamClient {
    const config = this.config;
    const auto = config.autoSni || config.autoSanValidation
      ? { autoSni: config.autoSni === true, autoSanValidation: config.autoSanValidation === true, host: authorityHost(authority) }
      : undefined;
    const resolved = this.transports.resolve(config.transportSocketMatches, (host as { readonly tlsMode?: string }).tlsMode, protocol, auto);
    if (!resolved.ok) return createUnavailableClient(resolved.reason);
    const transport = resolved.transport;
    const key = poolKey(host, protocol, config.type !== 'ORIGINAL_DST');
    const existing = this.pools.get(key);
    if (existing && existing.transportKey === transport.key) return existing.client;
    if (existing) {
      existing.client.close();
      this.pools.delete(key);
    }
    const common = {
      host: host.address,
      port: host.port,
      connectTimeoutMs: config.connectTimeoutMs,
      ...(config.upstreamBindAddress ? { localAddress: config.upstreamBindAddress } : {}),
      ...(config.idleTimeoutMs !== undefined ? { idleTimeoutMs: config.idleTimeoutMs } : {}),
      ...(transport.tls ? { tls: transport.tls } : {}),
    };
    const client = protocol === 'http2'
      ? createHttp2Client(common)
      : createHttp1Client({ ...common, ...(config.maxRequestsPerConnection !== undefined ? { maxRequestsPerConnection: config.maxRequestsPerConnection } : {}) });
    if (config.type === 'ORIGINAL_DST' && this.pools.size >= MAX_PASSTHROUGH_POOLS) {
      const [oldestKey, oldest] = this.pools.entries().next().value as [string, Pool];
      oldest.client.close();
      this.pools.delete(oldestKey);
    }
    this.pools.set(key, { transportKey: transport.key, client });
    return client;
  }

  admit(retry: boolean, done: (admission: Admission) => void): void {
    this.admission.admit(retry, done);
  }

  reportOutcome(host: UpstreamHost, outcome: HostOutcome): void {
    if (this.config.type === 'ORIGINAL_DST') return;
    this.upstream.reportResult(host as Host, outcome);
  }

  hostRequestStarted(host: UpstreamHost): void {
    if (this.config.type === 'ORIGINAL_DST') return;
    (host as Host).onRequestStart();
  }

  hostRequestFinished(host: UpstreamHost, ok: boolean): void {
    if (this.config.type === 'ORIGINAL_DST') return;
    (host as Host).onRequestEnd(!ok);
  }

  /** Closes the pools of hosts no longer in the cluster. */
  prunePools(): void {
    if (this.config.type === 'ORIGINAL_DST') return;
    const live = new Set(this.upstream.hostSet.hosts.map((h) => `${h.address}|${h.port}`));
    for (const [key, pool] of this.pools) {
      const hostPart = key.slice(key.indexOf('|') + 1);
      if (!live.has(hostPart)) {
        pool.client.close();
        this.pools.delete(key);
      }
    }
  }

  /** Hands the pools over to the cluster's next version, so a config change keeps warm connections. */
  adoptPools(previous: RouterClusterImpl): void {
    for (const [key, pool] of previous.pools) this.pools.set(key, pool);
    previous.pools.clear();
  }

  close(): void {
    this.upstream.close();
    for (const pool of this.pools.values()) pool.client.close();
    this.pools.clear();
  }
}
