// Test helper: one client connection to a loopback listener, plain or TLS, that sends a payload
// and collects what comes back until the echo is complete or the server closes.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

export interface ClientOptions {
  readonly port: number;
  /** TLS with these options; plaintext when absent. */
  readonly tls?: tls.ConnectionOptions;
}

export interface ClientOutcome {
  /** Everything the server sent. */
  readonly received: string;
  /** Whether the server closed the connection (or it failed) before `until` arrived. */
  readonly closed: boolean;
  /** Negotiated ALPN, if any. */
  readonly alpn: string | false | undefined;
  /** SHA-256 fingerprint of the server's certificate, for rotation checks. */
  readonly serverFingerprint: string | undefined;
}

/** A connection kept open across several exchanges (keep-alive). */
export interface OpenClient {
  /** Writes `payload` and resolves once `until` has arrived in total, or the connection closed. */
  send(payload: string, until: string): Promise<ClientOutcome>;
  close(): void;
}

/** Opens a connection; for TLS, resolves after the client's side of the handshake. */
export function openClient(options: ClientOptions): Promise<OpenClient> {
  return new Promise((resolve) => {
    const socket: net.Socket = options.tls
      ? tls.connect({ host: '127.0.0.1', port: options.port, ...options.tls })
      : net.connect({ host: '127.0.0.1', port: options.port });
    let received = '';
    let closed = false;
    let waiter: (() => void) | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      received += d;
      waiter?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      waiter?.();
    });
    const outcome = (): ClientOutcome => {
      const secure = socket instanceof tls.TLSSocket ? socket : undefined;
      const raw = secure?.getPeerCertificate()?.raw;
      return {
        received,
        closed,
        alpn: secure?.alpnProtocol ?? undefined,
        serverFingerprint: raw ? new X509Certificate(raw).fingerprint256 : undefined,
      };
    };
    const client: OpenClient = {
      send(payload, until) {
        return new Promise((done) => {
          waiter = () => {
            if (closed || received.includes(until)) {
              waiter = undefined;
              done(outcome());
            }
          };
          if (!closed) socket.write(payload);
          waiter();
        });
      },
      close: () => socket.destroy(),
    };
    if (options.tls) {
      socket.once('secureConnect', () => resolve(client));
      socket.once('close', () => resolve(client));
    } else socket.once('connect', () => resolve(client));
  });
}

/** One exchange on a fresh connection, then closes it. */
export async function exchangeOnce(options: ClientOptions, payload: string, until: string): Promise<ClientOutcome> {
  const client = await openClient(options);
  try {
    return await client.send(payload, until);
  } finally {
    client.close();
  }
}
