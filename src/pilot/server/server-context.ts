// What the stream handlers share with the server: the clock, nonces, the current push context,
// generation, metrics, and opening and closing connections.
import type { Logger } from '../../log/index.js';
import type { Node__Output } from '../../xds/index.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { GenerateResources } from './generate-resources.js';
import type { Timers } from './timers.js';
import type { TypeResponder, XdsConnection, XdsProtocol } from './xds-connection.js';
import type { XdsMetrics } from './xds-metrics.js';

/** How a stream handler opens its connection once the first request arrives. */
export interface OpenConnection {
  readonly protocol: XdsProtocol;
  readonly peer: string;
  readonly responderFor: (proxy: Proxy) => TypeResponder;
  readonly end: (err?: unknown) => void;
}

/** The server as its stream handlers see it. */
export interface ServerContext {
  readonly log: Logger;
  readonly metrics: XdsMetrics;
  readonly timers: Timers;
  /** Wall-clock time, for the debug views. */
  now(): Date;
  /** A nonce no earlier response of this server carried. */
  nonce(): string;
  /** The push context requests are answered from (built on first use). */
  currentPush(): PushContext;
  readonly generate: GenerateResources;
  /** Parses the node and registers the connection; throws XdsServerError for a bad node. */
  open(node: Node__Output | null, init: OpenConnection): XdsConnection;
  /** Unregisters a connection; safe to call more than once. */
  close(connection: XdsConnection): void;
}
