// Pilot's ADS server: State-of-the-World and Delta xDS over gRPC, with debounced, merged pushes.
// The protocol lives here; what to send comes from the generators and the push context factory
// the control plane passes in.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import type { Logger } from '../../log/index.js';
import { adsServiceDefinition, type DeltaDiscoveryRequest__Output, type DeltaDiscoveryResponse, type DiscoveryRequest__Output, type DiscoveryResponse } from '../../xds/index.js';
import type { PushContext } from '../model/push-context.js';
import type { ConnectionHooks, Generators, ParseProxy, PushContextFactory, PushTrigger } from './contracts.js';
import { serveDeltaStream } from './delta-stream.js';
import { createResourceGeneration } from './generate-resources.js';
import { createConnectionRegistry } from './connection-registry.js';
import { createPushDebouncer } from './push-debounce.js';
import { pushConnection } from './push-connection.js';
import { createPushQueue } from './push-queue.js';
import { changeOf, type PendingChange } from './push-request.js';
import type { ServerContext } from './server-context.js';
import { serveSotwStream } from './sotw-stream.js';
import { SYSTEM_TIMERS, type Timers } from './timers.js';
import type { XdsConnection } from './xds-connection.js';
import { createXdsMetrics } from './xds-metrics.js';

/** What the ADS server is built from; the policy side comes in through these. */
export interface AdsServerOptions {
  readonly generators: Generators;
  readonly parseProxy: ParseProxy;
  readonly createPushContext: PushContextFactory;
  readonly log: Logger;
  readonly hooks?: ConnectionHooks;
  /** Where metrics go; a private registry when absent. */
  readonly metricsRegistry?: Registry;
  /** Quiet time before a push, in ms (Istio: 100). */
  readonly debounceMs?: number;
  /** Longest a change waits for its push, in ms (Istio: 10 s). */
  readonly maxDebounceMs?: number;
  readonly timers?: Timers;
  /** Wall clock for the debug views. */
  readonly now?: () => Date;
  /** More gRPC services served on the same server and ports (the control plane's CA). */
  readonly extraServices?: ReadonlyArray<{ readonly definition: grpc.ServiceDefinition; readonly implementation: grpc.UntypedServiceImplementation }>;
}

/** A running ADS server. */
export interface AdsServer {
  /** Binds `host:port` (0 picks a free port), plaintext unless `credentials` are given, and resolves with the port. May be called once per port. */
  listen(host: string, port: number, credentials?: grpc.ServerCredentials): Promise<number>;
  /** Queues a change; it is pushed, merged with its neighbours, once debounced. */
  push(trigger: PushTrigger): void;
  /** Pushes pending changes now instead of waiting for the debounce. */
  flush(): void;
  /** Resolves once no push is queued. */
  idle(): Promise<void>;
  /** The open connections, oldest first. */
  connections(): readonly XdsConnection[];
  /** Ends every stream and stops the server. */
  close(): Promise<void>;
}

/** Creates an ADS server; it serves once `listen` resolves. */
export function createAdsServer(opts: AdsServerOptions): AdsServer {
  const log = opts.log;
  const timers = opts.timers ?? SYSTEM_TIMERS;
  const metrics = createXdsMetrics(opts.metricsRegistry);
  const noncePrefix = randomBytes(4).toString('hex');
  let nonceCounter = 0;
  let current: PushContext | undefined;

  const ctx: ServerContext = {
    log,
    metrics,
    timers,
    now: opts.now ?? (() => new Date()),
    nonce: () => `${noncePrefix}-${++nonceCounter}`,
    currentPush: () => (current ??= opts.createPushContext()),
    generate: createResourceGeneration(opts.generators, log),
    open: (node, init) => registry.open(node, init),
    close: (conn) => {
      if (registry.close(conn)) queue.remove(conn);
    },
  };
  const registry = createConnectionRegistry({ ctx, parseProxy: opts.parseProxy, hooks: opts.hooks ?? {} });
  const queue = createPushQueue<XdsConnection>({
    timers,
    process: (conn, request) => pushConnection(ctx, conn, request),
    onError: (conn, err) => log.error({ proxy: conn.proxy.id, err }, 'push failed'),
  });

  /**
   * Starts a debounced push. Every push builds one new push context (a few ms even at thousands
   * of services), which every connection is generated from; so generators may share what they
   * build within a push, endpoints included. An EDS-only push still sends only EDS, and only to
   * proxies that watch the changed hosts (Istio's incremental EDS).
   */
  function startPush(change: PendingChange): void {
    let push: PushContext;
    try {
      push = opts.createPushContext();
    } catch (err) {
      log.error({ err, reasons: [...change.reasons] }, 'building the push context failed; proxies keep their config');
      return;
    }
    current = push;
    for (const reason of change.reasons) metrics.triggered(reason);
    const conns = registry.all();
    log.debug({ version: push.version, full: change.full, reasons: [...change.reasons], connections: conns.length }, 'push started');
    for (const conn of conns) queue.enqueue(conn, { ...change, push });
  }

  const debouncer = createPushDebouncer({
    debounceMs: opts.debounceMs ?? 100,
    maxDelayMs: opts.maxDebounceMs ?? 10_000,
    timers,
    fire: startPush,
  });

  const server = new grpc.Server();
  server.addService(adsServiceDefinition(), {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest__Output, DiscoveryResponse>) => serveSotwStream(ctx, call),
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest__Output, DeltaDiscoveryResponse>) => serveDeltaStream(ctx, call),
  });
  for (const extra of opts.extraServices ?? []) server.addService(extra.definition, extra.implementation);

  return {
    listen: (host, port, credentials) =>
      new Promise((resolve, reject) => {
        const address = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
        server.bindAsync(address, credentials ?? grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
      }),
    push: (trigger) => debouncer.add(changeOf(trigger, timers.now())),
    flush: () => debouncer.flush(),
    idle: () => queue.idle(),
    connections: () => registry.all(),
    async close() {
      debouncer.stop();
      queue.stop();
      registry.endAll();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
