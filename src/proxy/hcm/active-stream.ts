// One HTTP request through the connection manager, in the order Envoy's filter chain runs it:
// request headers, route selection, the policy filters (jwt_authn, RBAC, ext_authz), fault, CORS,
// then the router; and the response on its way back.
import type { Route, RouteAction, VirtualHost } from '../config/index.js';
import type { BodySink, BodySource } from '../http/body.js';
import type { Duplex } from 'node:stream';
import type { DownstreamExchange } from '../http/exchange.js';
import { sendMirror } from './mirror.js';
import { HeaderMap } from '../http/headers.js';
import { mergeSlashesOnly, normalizeRequestPath } from '../http/path-normalize.js';
import type { ResponseHead } from '../http/message.js';
import { evaluateCors, applyCorsResponseHeaders, resolveCorsPolicy } from '../filters/cors.js';
import { decideFault } from '../filters/fault.js';
import { buildLocalReply, LOCAL_REPLY_BODY } from '../filters/local-reply.js';
import { pickWeightedCluster } from '../router/cluster-picker.js';
import { applyRequestHeaderOperations, applyResponseHeaderOperations, type HeaderLevels } from '../router/header-operations.js';
import { applyRequestRewrites } from '../router/path-rewrite.js';
import { buildRedirect } from '../router/redirect.js';
import { prepareRequestHeaders, requestHeaderOptions } from '../router/request-headers.js';
import { faultDisablesResilience, resolveRetryPolicy } from '../router/route-resilience.js';
import type { RouteTable } from '../router/route-table.js';
import { computeTimeouts } from '../router/timeouts.js';
import type { PeerWorkload } from '../telemetry/events.js';
import { RESPONSE_FLAGS, type ResponseFlag } from '../telemetry/response-flags.js';
import type { RouterCluster, UpstreamHost } from './ports.js';
import { RequestBodyRelay } from './request-body-relay.js';
import { publishRequest } from './request-telemetry.js';
import { mutateForwardedClientCert } from '../tls/xfcc.js';
import type { StreamConfig } from './stream-config.js';
import { UpstreamRouter, type RouterCallbacks } from './upstream-router.js';
import type { DynamicMetadata, PolicyVerdict } from '../filters/policy-filter.js';
import { effectiveRemoteIp, policyFiltersFor, runPolicyFilters } from './policy-chain.js';

const PEER_ID = 'x-envoy-peer-metadata-id';
const PEER_VALUE = 'x-envoy-peer-metadata';

/** Runs one downstream exchange to completion. */
export class ActiveStream implements RouterCallbacks {
  readonly startTime: number;
  readonly flags: ResponseFlag[] = [];
  readonly relay = new RequestBodyRelay();
  router: UpstreamRouter | undefined;
  route: Route | undefined;
  virtualHost: VirtualHost | undefined;
  cluster: RouterCluster | undefined;
  host: UpstreamHost | undefined;
  responseCode = 0;
  responseBytes = 0;
  upstreamServiceTimeMs: number | undefined;
  grpcStatus: string | undefined;
  peer: PeerWorkload | undefined;
  private dynamicMetadata: DynamicMetadata | undefined;
  /** Envoy's response code details of a local reply from a policy filter (`rbac_access_denied_matched_policy[none]`). */
  responseCodeDetails: string | undefined;
  private policyAbort: AbortController | undefined;
  private finished = false;
  private faultTimer: unknown;

  /** What the routed request's header operations and CORS need on the way back. */
  private levels: HeaderLevels | undefined;
  private corsOrigin: string | undefined;
  private routedClusterName = '';

  constructor(readonly exchange: DownstreamExchange, readonly config: StreamConfig) {
    this.startTime = config.clock.now();
    exchange.onAbort(() => this.onDownstreamAbort());
  }

  /** Per-request dynamic metadata the policy filters write (jwt_authn → RBAC) and the access log may read; made on first use. */
  get metadata(): DynamicMetadata {
    return (this.dynamicMetadata ??= new Map());
  }

  /** Request headers, then route selection and the filters. */
  start(): void {
    const { exchange, config } = this;
    const head = exchange.head;
    prepareRequestHeaders(head, exchange.connection, requestHeaderOptions(config.hcm));
    mutateForwardedClientCert(head.headers, exchange.connection, config.hcm.forwardClientCertDetails);
    if ((config.hcm.normalizePath || config.hcm.mergeSlashes) && !this.normalizePath(head)) return;
    this.exchangePeerMetadata();
    const table = config.routeTable();
    const selection = table?.select(head, config.clock.random);
    const policies = policyFiltersFor(config);
    if (policies.length === 0) {
      this.afterPolicies(table, selection);
      return;
    }
    // Envoy's filters see the route (for per-route config) before the router acts on it.
    this.policyAbort = new AbortController();
    const request = {
      head,
      connection: exchange.connection,
      remoteIp: effectiveRemoteIp(config.hcm.useRemoteAddress, head.headers.get('x-forwarded-for'), exchange.connection.remoteAddress),
      route: selection?.route,
      virtualHost: selection?.virtualHost,
      metadata: this.metadata,
      signal: this.policyAbort.signal,
    };
    runPolicyFilters(policies, request, (verdict) => this.onPolicyVerdict(verdict, table, selection));
  }

  /**
   * Puts the path in the form routes and policies match against (the app resolves `/a/../admin`
   * as `/admin`, so a rule on `/admin` must see that too). False, with 400 sent, when it cannot.
   */
  private normalizePath(head: DownstreamExchange['head']): boolean {
    const { hcm } = this.config;
    if (!head.path.startsWith('/')) return true;
    const normalized = hcm.normalizePath ? normalizeRequestPath(head.path, hcm.mergeSlashes === true) : mergeSlashesOnly(head.path);
    if (normalized !== undefined) {
      head.path = normalized;
      return true;
    }
    this.exchange.body.discard();
    this.sendLocal(400, LOCAL_REPLY_BODY.BAD_PATH);
    return false;
  }

  private onPolicyVerdict(verdict: PolicyVerdict, table: RouteTable | undefined, selection: ReturnType<RouteTable['select']>): void {
    if (this.finished) return;
    if (verdict.kind === 'continue') {
      this.afterPolicies(table, selection);
      return;
    }
    if (verdict.flag) this.flags.push(verdict.flag);
    this.responseCodeDetails = verdict.details;
    this.exchange.body.discard();
    this.sendLocal(verdict.status, verdict.body, undefined, verdict.headers);
  }

  private afterPolicies(table: RouteTable | undefined, selection: ReturnType<RouteTable['select']>): void {
    const { config } = this;
    const head = this.exchange.head;
    if (!selection) {
      this.flags.push(RESPONSE_FLAGS.NO_ROUTE_FOUND);
      this.exchange.body.discard();
      this.sendLocal(404, LOCAL_REPLY_BODY.NO_ROUTE);
      return;
    }
    this.route = selection.route;
    this.virtualHost = selection.virtualHost;
    if (config.faultFilter && selection.route.fault) {
      const fault = decideFault(selection.route.fault, head, config.clock.random);
      if (fault.delayMs !== undefined && fault.delayMs > 0) {
        this.flags.push(RESPONSE_FLAGS.DELAY_INJECTED);
        this.faultTimer = config.clock.setTimeout(() => this.afterDelay(fault.abort, table!), fault.delayMs);
        return;
      }
      if (fault.abort) {
        this.abortByFault(fault.abort);
        return;
      }
    }
    this.afterFault(table!);
  }

  private afterDelay(abort: { httpStatus: number; grpcStatus?: number } | undefined, table: RouteTable): void {
    if (this.finished) return;
    if (abort) this.abortByFault(abort);
    else this.afterFault(table);
  }

  private abortByFault(abort: { httpStatus: number; grpcStatus?: number }): void {
    this.flags.push(RESPONSE_FLAGS.FAULT_INJECTED);
    this.sendLocal(abort.httpStatus, LOCAL_REPLY_BODY.FAULT_ABORT, abort.grpcStatus);
  }

  private afterFault(table: RouteTable): void {
    const route = this.route!;
    const vhost = this.virtualHost!;
    const head = this.exchange.head;
    let corsOrigin: string | undefined;
    const cors = this.config.corsFilter ? resolveCorsPolicy(route, vhost) : undefined;
    if (cors) {
      const decision = evaluateCors(cors, head);
      if (decision.kind === 'preflight') {
        this.exchange.body.discard();
        this.sendHead(decision.response, undefined);
        return;
      }
      if (decision.kind === 'actual') corsOrigin = decision.origin;
    }
    const action = route.action;
    if (action.kind === 'direct_response') {
      this.exchange.body.discard();
      this.sendLocal(action.status, action.body ?? '');
      return;
    }
    if (action.kind === 'redirect') {
      this.exchange.body.discard();
      const redirect = buildRedirect(action, head, route.match.path);
      const headers = new HeaderMap(['location', redirect.location]);
      this.sendLocal(redirect.status, '', undefined, headers);
      return;
    }
    this.routeUpstream(action, table, corsOrigin);
  }

  private routeUpstream(action: RouteAction, table: RouteTable, corsOrigin: string | undefined): void {
    const { exchange, config } = this;
    const head = exchange.head;
    const route = this.route!;
    const vhost = this.virtualHost!;
    const weighted = pickWeightedCluster(action, config.clock.random);
    applyRequestRewrites(head, route.match.path, action, weighted);
    const levels: HeaderLevels = { config: table.config, virtualHost: vhost, route, cluster: weighted };
    this.levels = levels;
    this.corsOrigin = corsOrigin;
    this.routedClusterName = weighted.name;
    applyRequestHeaderOperations(head.headers, levels, { connection: exchange.connection, request: head });
    const retryPolicy = resolveRetryPolicy(route, vhost);
    const timeouts = computeTimeouts(route, head, retryPolicy, config.honourEnvoyHeaders);
    if (timeouts.expectedMs > 0 && config.direction === 'outbound') head.headers.set('x-envoy-expected-rq-timeout-ms', String(timeouts.expectedMs));
    const conn = exchange.connection;
    this.router = new UpstreamRouter(
      {
        head,
        relay: this.relay,
        route,
        action,
        virtualHost: vhost,
        clusterName: weighted.name,
        downstreamProtocol: head.protocol === 'HTTP/2' ? 'http2' : 'http1',
        sourceAddress: conn.remoteAddress,
        destinationAddress: conn.destinationAddress,
        destinationPort: conn.destinationPort,
        timeoutMs: timeouts.globalMs,
        perTryTimeoutMs: timeouts.perTryMs,
        retriesDisabled: faultDisablesResilience(route),
      },
      config.clusters,
      config.clock,
      this,
    );
    exchange.body.pipe(this.relay);
    this.router.start();
    for (const mirror of action.mirrors) {
      if (config.clock.random() * 1_000_000 < mirror.fractionPpm) this.relay.onEnd(() => sendMirror(config.clusters, mirror.cluster, head, this.relay, conn.remoteAddress));
    }
  }

  /** @internal The router's callback: an upstream response to forward downstream. */
  forward(response: ResponseHead, body: BodySource, cluster: RouterCluster, host: UpstreamHost, upstreamStart: number): void {
    const { config, exchange } = this;
    const head = exchange.head;
    this.cluster = cluster;
    this.host = host;
    this.upstreamServiceTimeMs = config.clock.now() - upstreamStart;
    applyResponseHeaderOperations(response.headers, this.levels!, { connection: exchange.connection, request: head, upstreamAddress: this.router!.upstreamHost! });
    if (this.corsOrigin !== undefined) {
      const policy = resolveCorsPolicy(this.route!, this.virtualHost!);
      if (policy) applyCorsResponseHeaders(policy, this.corsOrigin, response.headers);
    }
    response.headers.set('x-envoy-upstream-service-time', String(this.upstreamServiceTimeMs));
    this.sendHead(response, body);
  }

  /** @internal The router's callback: the upstream accepted an upgrade. */
  upgrade(response: ResponseHead, upstreamSocket: Duplex, cluster: RouterCluster, host: UpstreamHost): void {
    this.cluster = cluster;
    this.host = host;
    this.joinUpgraded(response, upstreamSocket);
  }

  /** @internal The router's callback: a reply made by the router (overflow, no host, failure, timeout). */
  localReply(status: number, details: string, flags: readonly ResponseFlag[], headers?: Readonly<Record<string, string>>): void {
    // Telemetry names the routed cluster's service even when no upstream answered (UO, UH, URX), as Istio does.
    this.cluster ??= this.config.clusters.get(this.routedClusterName);
    this.flags.push(...flags);
    this.sendLocal(status, details, undefined, headers ? HeaderMap.fromRecord(headers) : undefined);
  }

  /** A 101 from upstream: answer the client, then splice the two sockets together. */
  private joinUpgraded(response: ResponseHead, upstream: Duplex): void {
    const exchange = this.exchange;
    this.responseCode = response.status;
    exchange.respond(response, true);
    if (!exchange.upgrade) {
      upstream.destroy();
      exchange.reset();
      this.finish();
      return;
    }
    const downstream = exchange.upgrade();
    const close = (): void => {
      downstream.destroy();
      upstream.destroy();
      this.finish();
    };
    downstream.on('error', close);
    upstream.on('error', close);
    downstream.on('close', close);
    upstream.on('close', close);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.resume();
    upstream.resume();
  }

  /** Istio's metadata exchange over plaintext: learn the peer, tell the peer who we are. */
  private exchangePeerMetadata(): void {
    const headers = this.exchange.head.headers;
    const identity = this.config.identity;
    if (this.config.direction === 'inbound') {
      const value = headers.get(PEER_VALUE);
      if (value !== undefined) {
        this.peer = identity.decodePeer?.(value);
        headers.remove(PEER_VALUE);
        headers.remove(PEER_ID);
      }
    } else if (identity.peerMetadata) {
      headers.set(PEER_ID, identity.peerMetadata.id);
      headers.set(PEER_VALUE, identity.peerMetadata.value);
    }
  }

  private sendLocal(status: number, body: string, grpcStatus?: number, extra?: HeaderMap): void {
    if (this.exchange.responded) {
      this.exchange.reset();
      this.finish();
      return;
    }
    const reply = buildLocalReply(this.exchange.head, status, body, grpcStatus, extra);
    this.relay.detach();
    this.sendHead(reply.head, reply.body === undefined ? undefined : reply.body);
  }

  /** Sends a response head and its body (a source, a buffer, or nothing), then finishes. */
  private sendHead(head: ResponseHead, body: BodySource | Buffer | undefined): void {
    const { exchange, config } = this;
    if (config.direction === 'inbound' && config.identity.peerMetadata) {
      head.headers.set(PEER_ID, config.identity.peerMetadata.id);
      head.headers.set(PEER_VALUE, config.identity.peerMetadata.value);
    } else if (config.direction === 'outbound') {
      const value = head.headers.get(PEER_VALUE);
      if (value !== undefined) {
        this.peer = config.identity.decodePeer?.(value);
        head.headers.remove(PEER_VALUE);
        head.headers.remove(PEER_ID);
      }
    }
    this.responseCode = head.status;
    this.grpcStatus = head.headers.get('grpc-status');
    const empty = body === undefined || (Buffer.isBuffer(body) ? body.length === 0 : body.empty);
    const sink = exchange.respond(head, empty);
    if (empty) {
      if (body !== undefined && !Buffer.isBuffer(body)) body.discard();
      this.finish();
      return;
    }
    if (Buffer.isBuffer(body)) {
      this.responseBytes += body.length;
      sink.write(body);
      sink.end();
      this.finish();
      return;
    }
    body.pipe(new CountingSink(sink, this));
  }

  private onDownstreamAbort(): void {
    if (this.finished) return;
    this.flags.push(RESPONSE_FLAGS.DOWNSTREAM_CONNECTION_TERMINATION);
    this.config.clock.clearTimeout(this.faultTimer);
    this.policyAbort?.abort();
    this.router?.cancel();
    this.finish();
  }

  /** Called once the response is complete or abandoned: telemetry. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.config.clock.clearTimeout(this.faultTimer);
    this.router?.responseComplete();
    if (this.router) this.flags.push(...this.router.flags.filter((f) => !this.flags.includes(f)));
    publishRequest(this);
  }
}

/** Counts response bytes on their way downstream and finishes the stream at the end. */
class CountingSink implements BodySink {
  constructor(private readonly inner: BodySink, private readonly stream: ActiveStream) {}
  write(chunk: Buffer): boolean {
    this.stream.responseBytes += chunk.length;
    return this.inner.write(chunk);
  }
  onceDrain(fn: () => void): void {
    this.inner.onceDrain(fn);
  }
  end(trailers?: HeaderMap): void {
    if (trailers) {
      const status = trailers.get('grpc-status');
      if (status !== undefined) this.stream.grpcStatus = status;
    }
    this.inner.end(trailers);
    this.stream.finish();
  }
  abort(err: Error): void {
    // A body cut off by the route timeout is UT alone, as Envoy logs it; otherwise the upstream went away.
    if (!this.stream.router?.flags.includes(RESPONSE_FLAGS.UPSTREAM_REQUEST_TIMEOUT)) this.stream.flags.push(RESPONSE_FLAGS.UPSTREAM_CONNECTION_TERMINATION);
    this.inner.abort(err);
    this.stream.finish();
  }
}
