// An upstream client for an endpoint whose TLS context is not available yet: every request fails
// at once as a connect failure (flag UF) that carries the reason, without touching the network.
import { UpstreamError, type UpstreamClient, type UpstreamRequest } from '../http/exchange.js';

/** A connect failure caused by the transport, with Envoy's "transport failure reason". */
export class TransportFailureError extends UpstreamError {
  constructor(readonly transportFailureReason: string) {
    super('connect_failure', transportFailureReason);
    this.name = 'TransportFailureError';
  }
}

const DISCARD: UpstreamRequest['body'] = {
  write: () => true,
  onceDrain: (fn) => fn(),
  end: () => undefined,
  abort: () => undefined,
};

/** The transport failure reason of an upstream error: ours, or a TLS error the handshake raised. */
export function transportFailureReason(err: UpstreamError): string | undefined {
  if (err instanceof TransportFailureError) return err.transportFailureReason;
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  if (err.failure !== 'connect_failure' || !cause?.code) return undefined;
  return /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(cause.code) ? `TLS_error: ${cause.code}: ${cause.message}` : undefined;
}

/** A client whose requests all fail with `reason` on the next tick. */
export function createUnavailableClient(reason: string): UpstreamClient {
  return {
    request(_head, handler) {
      let cancelled = false;
      process.nextTick(() => {
        if (!cancelled) handler.onError(new TransportFailureError(reason));
      });
      return { body: DISCARD, cancel: () => (cancelled = true) };
    },
    connections: 0,
    pending: 0,
    active: 0,
    close: () => undefined,
  };
}
