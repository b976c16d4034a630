// The router filter's upstream half: picks the cluster and host, applies circuit breakers, sends
// the request, and retries or times out as the route's policy says. One instance per request.
import type { Duplex } from 'node:stream';
import type { RetryPolicy, Route, RouteAction, VirtualHost } from '../config/index.js';
import type { BodySource } from '../http/body.js';
import { UpstreamError, type UpstreamRequest, type UpstreamResponseHandler } from '../http/exchange.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { RESPONSE_FLAGS, type ResponseFlag } from '../telemetry/response-flags.js';
import { upstreamProtocolOf, type Clock, type RouterCluster, type RouterClusters, type UpstreamHost } from './ports.js';
import type { RequestBodyRelay } from './request-body-relay.js';
import { createAttemptRetryPolicy, type AttemptRetryPolicy } from './retry-decision.js';
import { transportFailureReason } from '../tls/unavailable-client.js';

/** What the router needs to know about the request it forwards. */
export interface RoutedRequest {
  /** The head to send upstream: rewrites and header operations already applied. */
  readonly head: RequestHead;
  readonly relay: RequestBodyRelay;
  readonly route: Route;
  readonly action: RouteAction;
  readonly virtualHost: VirtualHost;
  readonly clusterName: string;
  readonly downstreamProtocol: 'http1' | 'http2';
  readonly sourceAddress: string;
  /** The original destination, for ORIGINAL_DST (passthrough) clusters. */
  readonly destinationAddress: string;
  readonly destinationPort: number;
  /** Route timeout in ms, 0 for none; per-try timeout in ms, 0 for none. */
  readonly timeoutMs: number;
  readonly perTryTimeoutMs: number;
  /** Set when the fault filter touched the request: Istio then turns retries off. */
  readonly retriesDisabled: boolean;
}

/** How the router hands its outcome back to the stream. */
export interface RouterCallbacks {
  /** An upstream response to forward downstream. */
  forward(head: ResponseHead, body: BodySource, cluster: RouterCluster, host: UpstreamHost, upstreamStart: number): void;
  /** The upstream accepted an upgrade (WebSocket): the two sockets are joined from here on. */
  upgrade(head: ResponseHead, socket: Duplex, cluster: RouterCluster, host: UpstreamHost): void;
  /** A reply made here: overflow, no host, failure, timeout. */
  localReply(status: number, details: string, flags: readonly ResponseFlag[], headers?: Readonly<Record<string, string>>): void;
}

/** Runs the upstream attempts of one request. */
export class UpstreamRouter implements UpstreamResponseHandler {
  private cluster: RouterCluster | undefined;
  private host: UpstreamHost | undefined;
  private request: UpstreamRequest | undefined;
  private attemptStart = 0;
  private attempts = 0;
  /** Hosts tried so far, kept only when the retry policy avoids previous hosts. */
  private tried: Set<UpstreamHost> | undefined;
  private retry: AttemptRetryPolicy | undefined;
  private globalTimer: unknown;
  private tryTimer: unknown;
  /** The breaker slot of the current attempt, until it is given back. */
  private slot: { release(): void } | undefined;
  private done = false;
  /** The response head went downstream; the route timeout still runs until its body ends. */
  private forwarded = false;
  /** Flags collected along the way (URX, UT, UO ...). */
  readonly flags: ResponseFlag[] = [];
  upstreamCluster: string | undefined;
  upstreamHost: string | undefined;

  constructor(
    private readonly req: RoutedRequest,
    private readonly clusters: RouterClusters,
    private readonly clock: Clock,
    private readonly callbacks: RouterCallbacks,
  ) {}

  /** Starts the first attempt. */
  start(): void {
    const cluster = this.clusters.get(this.req.clusterName);
    if (!cluster) {
      this.finishLocal(503, 'cluster_not_found', [RESPONSE_FLAGS.NO_ROUTE_FOUND]);
      return;
    }
    this.cluster = cluster;
    this.upstreamCluster = cluster.config.name;
    const policy: RetryPolicy | undefined = this.req.retriesDisabled ? undefined : (this.req.action.retryPolicy ?? this.req.virtualHost.retryPolicy);
    this.retry = createAttemptRetryPolicy(policy, this.req.head, this.clock.random);
    if (this.req.timeoutMs > 0) {
      this.globalTimer = this.clock.setTimeout(() => this.onGlobalTimeout(), this.req.timeoutMs);
    }
    this.attempt(false);
  }

  /** The response went downstream in full: the route timeout no longer applies. */
  responseComplete(): void {
    this.clock.clearTimeout(this.globalTimer);
    this.globalTimer = undefined;
  }

  /** The downstream went away: stop everything upstream. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.clearTimers();
    this.request?.cancel();
    this.releaseSlot();
  }

  private attempt(isRetry: boolean): void {
    const cluster = this.cluster!;
    cluster.admit(isRetry, (admission) => {
      if (this.done) {
        if (admission.admitted) admission.release();
        return;
      }
      if (!admission.admitted) {
        this.finishLocal(503, 'upstream_reset_before_response_started{overflow}', [RESPONSE_FLAGS.UPSTREAM_OVERFLOW], { 'x-envoy-overloaded': 'true' });
        return;
      }
      this.slot = admission;
      this.send(cluster);
    });
  }

  private send(cluster: RouterCluster): void {
    const req = this.req;
    const host = cluster.config.type === 'ORIGINAL_DST'
      ? cluster.originalDestinationHost(req.destinationAddress, req.destinationPort)
      : cluster.pickHost(req.head, req.action.hashPolicies, req.sourceAddress, this.tried !== undefined && this.tried.size > 0 ? this.tried : undefined);
    if (!host) {
      this.finishLocal(503, 'no_healthy_upstream', [RESPONSE_FLAGS.NO_HEALTHY_UPSTREAM]);
      return;
    }
    this.host = host;
    if (this.retry?.avoidPreviousHosts) (this.tried ??= new Set()).add(host);
    this.attempts++;
    this.upstreamHost = host.key ?? `${host.address}:${host.port}`;
    const protocol = upstreamProtocolOf(cluster.config, req.downstreamProtocol);
    if (req.virtualHost.includeRequestAttemptCount) req.head.headers.set('x-envoy-attempt-count', String(this.attempts));
    cluster.hostRequestStarted(host);
    this.attemptStart = this.clock.now();
    if (req.perTryTimeoutMs > 0) this.tryTimer = this.clock.setTimeout(() => this.onTryTimeout(), req.perTryTimeoutMs);
    // attach() ends an already complete body at once, so the client can skip waiting for it.
    this.request = cluster.client(host, protocol, req.head.authority).request(req.head, this, req.relay.ended);
    req.relay.attach(this.request.body);
  }

  onResponse(head: ResponseHead, body: BodySource): void {
    if (this.done) {
      body.discard();
      return;
    }
    const cluster = this.cluster!;
    const host = this.host!;
    this.clock.clearTimeout(this.tryTimer);
    cluster.reportOutcome(host, { status: head.status });
    const decision = this.retry?.afterResponse(head, this.req.relay.replayable);
    if (decision?.retry) {
      body.discard();
      this.endAttempt(false);
      this.scheduleRetry(decision.backoffMs);
      return;
    }
    if (decision?.exhausted) this.flags.push(RESPONSE_FLAGS.UPSTREAM_RETRY_LIMIT_EXCEEDED);
    this.done = true;
    this.forwarded = true;
    this.req.relay.detach();
    const slot = this.takeSlot();
    const start = this.attemptStart;
    cluster.hostRequestFinished(host, head.status < 500);
    this.callbacks.forward(head, body, cluster, host, start);
    // The breaker slot is held until the response head; streaming bodies don't hold it.
    slot?.release();
  }

  onUpgrade(head: ResponseHead, socket: Duplex): void {
    if (this.done) {
      socket.destroy();
      return;
    }
    this.done = true;
    this.clearTimers();
    this.req.relay.detach();
    const slot = this.takeSlot();
    this.cluster!.hostRequestFinished(this.host!, true);
    this.callbacks.upgrade(head, socket, this.cluster!, this.host!);
    slot?.release();
  }

  onError(err: UpstreamError): void {
    if (this.done) return;
    const cluster = this.cluster!;
    const host = this.host!;
    this.clock.clearTimeout(this.tryTimer);
    const local = err.failure === 'connect_failure' || err.failure === 'connect_timeout' ? 'connect_failure' : err.failure === 'reset_after_response' ? undefined : 'reset';
    if (local) cluster.reportOutcome(host, { localFailure: local });
    this.endAttempt(false);
    const decision = this.retry?.afterFailure(err.failure, this.req.relay.replayable);
    if (decision?.retry) {
      this.scheduleRetry(decision.backoffMs);
      return;
    }
    const flags: ResponseFlag[] = [];
    if (err.failure === 'connect_failure' || err.failure === 'connect_timeout') flags.push(RESPONSE_FLAGS.UPSTREAM_CONNECTION_FAILURE);
    else if (err.failure === 'protocol_error') flags.push(RESPONSE_FLAGS.UPSTREAM_PROTOCOL_ERROR);
    else flags.push(RESPONSE_FLAGS.UPSTREAM_CONNECTION_TERMINATION);
    if (decision?.exhausted) flags.push(RESPONSE_FLAGS.UPSTREAM_RETRY_LIMIT_EXCEEDED);
    const reason = err.failure === 'connect_failure' || err.failure === 'connect_timeout' ? 'connection failure' : err.failure === 'refused_stream' ? 'remote refused stream reset' : 'connection termination';
    const transport = transportFailureReason(err);
    this.finishLocal(503, `upstream connect error or disconnect/reset before headers. reset reason: ${reason}${transport ? `, transport failure reason: ${transport}` : ''}`, flags);
  }

  private scheduleRetry(backoffMs: number): void {
    this.clock.setTimeout(() => {
      if (!this.done) this.attempt(true);
    }, backoffMs);
  }

  private onTryTimeout(): void {
    if (this.done) return;
    this.request?.cancel();
    this.cluster!.reportOutcome(this.host!, { localFailure: 'timeout' });
    this.endAttempt(false);
    const decision = this.retry?.afterPerTryTimeout(this.req.relay.replayable);
    if (decision?.retry) {
      this.scheduleRetry(decision.backoffMs);
      return;
    }
    const flags: ResponseFlag[] = [RESPONSE_FLAGS.UPSTREAM_REQUEST_TIMEOUT];
    if (decision?.exhausted) flags.push(RESPONSE_FLAGS.UPSTREAM_RETRY_LIMIT_EXCEEDED);
    this.finishLocal(504, 'upstream request timeout', flags);
  }

  private onGlobalTimeout(): void {
    if (this.forwarded) {
      // As in Envoy, the route timeout spans the whole response: a body still arriving is cut off.
      this.globalTimer = undefined;
      this.flags.push(RESPONSE_FLAGS.UPSTREAM_REQUEST_TIMEOUT);
      this.request?.cancel();
      return;
    }
    if (this.done) return;
    this.request?.cancel();
    if (this.host) this.cluster!.hostRequestFinished(this.host, false);
    this.finishLocal(504, 'upstream request timeout', [RESPONSE_FLAGS.UPSTREAM_REQUEST_TIMEOUT]);
  }

  private endAttempt(ok: boolean): void {
    this.req.relay.detach();
    this.request = undefined;
    if (this.host) this.cluster!.hostRequestFinished(this.host, ok);
    this.releaseSlot();
  }

  private finishLocal(status: number, details: string, flags: readonly ResponseFlag[], headers?: Readonly<Record<string, string>>): void {
    this.done = true;
    this.clearTimers();
    this.releaseSlot();
    this.req.relay.detach();
    this.flags.push(...flags);
    this.callbacks.localReply(status, details, this.flags, headers);
  }

  private clearTimers(): void {
    this.clock.clearTimeout(this.globalTimer);
    this.clock.clearTimeout(this.tryTimer);
  }

  private takeSlot(): { release(): void } | undefined {
    const slot = this.slot;
    this.slot = undefined;
    return slot;
  }

  private releaseSlot(): void {
    this.takeSlot()?.release();
  }
}

export { UpstreamError };
