// Terminates downstream TLS on a filter chain that has it: builds the server side from the chain's
// secrets, completes the handshake (verifying client certificates when asked), and hands on the
// clear-text socket with what was learnt (ALPN, peer certificate, our own principal).
import tls from 'node:tls';
import type { Logger } from '../../log/index.js';
import type { DownstreamTlsConfig } from '../config/listener.js';
import type { ConnectionContext, SecuredConnection, TerminateTls } from '../listener/connection-handler.js';
import { SYSTEM_TIMERS, type Timers } from '../listener/timers.js';
import { selectServerAlpn } from './alpn.js';
import { parsePeerCertificate } from './peer-certificate.js';
import type { SecureContextCache } from './secure-context-cache.js';

export interface TlsTerminatorOptions {
  readonly contexts: SecureContextCache;
  readonly logger: Logger;
  /** How long a handshake may take; default 10 s. */
  readonly handshakeTimeoutMs?: number;
  readonly timers?: Timers;
}

/**
 * Creates the listener's TerminateTls. A connection is refused (destroyed, `done(undefined)`) when
 * the chain's secrets are not usable (logged once per reason until a context builds), when the
 * handshake fails or times out, when a required client certificate is missing, or when a presented
 * one does not verify against the validation secret. Otherwise the handler gets the TLS socket,
 * paused, with `tls`, `alpn`, `peerCertificate` (only for a verified certificate) and
 * `localPrincipal` set, and `applicationProtocols` narrowed to the negotiated protocol.
 */
export function createTlsTerminator(options: TlsTerminatorOptions): TerminateTls {
  const timers = options.timers ?? SYSTEM_TIMERS;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const reported = new Set<string>();
  return (socket, chain, context, done) => {
    const config = chain.tls!;
    const lookup = options.contexts.lookup(config);
    if (!lookup.ok) {
      if (!reported.has(lookup.reason)) {
        reported.add(lookup.reason);
        options.logger.warn({ listener: context.listenerName, chain: chain.name, reason: lookup.reason }, 'TLS context unavailable; closing connections on this chain');
      }
      socket.destroy();
      done(undefined);
      return;
    }
    reported.clear();
    const verify = config.validationSecret !== undefined;
    const secure = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: lookup.context,
      requestCert: verify || config.requireClientCertificate,
      rejectUnauthorized: config.requireClientCertificate,
      ...alpnOptions(config, context),
    });
    // The listener tracks the raw socket; it must close with the TLS one.
    secure.once('close', () => socket.destroy());
    let settled = false;
    const settle = (result: SecuredConnection | undefined): void => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      secure.off('error', onError);
      if (!result) secure.destroy();
      done(result);
    };
    const onError = (err: Error): void => {
      options.logger.debug({ err, listener: context.listenerName, chain: chain.name }, 'downstream TLS handshake failed');
      settle(undefined);
    };
    const timer = timers.setTimeout(() => settle(undefined), handshakeTimeoutMs);
    secure.on('error', onError);
    secure.once('secure', () => {
      const presented = secure.getPeerX509Certificate();
      // A presented certificate must verify whenever there is a validation context, required or not.
      const verifyError = presented && verify ? chainVerifyError(secure) : undefined;
      if ((config.requireClientCertificate && !presented) || verifyError) {
        options.logger.debug({ listener: context.listenerName, chain: chain.name, reason: verifyError?.message ?? 'no client certificate' }, 'client certificate refused');
        settle(undefined);
        return;
      }
      const peerCertificate = presented && verify ? parsePeerCertificate(presented) : undefined;
      const wanted = config.matchSubjectAltNames ?? [];
      if (peerCertificate && wanted.length > 0 && !wanted.some((san) => peerCertificate.uriSans.includes(san) || peerCertificate.dnsSans.includes(san))) {
        options.logger.debug({ listener: context.listenerName, chain: chain.name, uriSans: peerCertificate.uriSans, dnsSans: peerCertificate.dnsSans }, 'client certificate refused: no accepted subject alt name');
        settle(undefined);
        return;
      }
      const alpn = secure.alpnProtocol || undefined;
      // tls.Server clears this when the handshake ends; a TLSSocket made around an accepted socket
      // keeps it set, and node:http2 would then wait forever for a 'secureConnect' that never comes.
      (secure as unknown as { secureConnecting: boolean }).secureConnecting = false;
      secure.pause();
      settle({
        socket: secure,
        context: {
          ...context,
          applicationProtocols: alpn ? [alpn] : [],
          connection: {
            ...context.connection,
            tls: true,
            alpn,
            ...(peerCertificate ? { peerCertificate } : {}),
            ...(lookup.localPrincipal ? { localPrincipal: lookup.localPrincipal } : {}),
          },
        },
      });
    });
  };
}

/**
 * Why the peer's chain failed verification against the context's CAs, or undefined when it passed.
 * Node sets `authorized` only for sockets a tls.Server created; a TLSSocket made around an
 * accepted socket must ask its handle, as tls.Server itself does. Missing that, refuse.
 */
function chainVerifyError(socket: tls.TLSSocket): Error | undefined {
  const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  if (typeof handle?.verifyError !== 'function') return new Error('cannot verify the client certificate');
  return handle.verifyError() ?? undefined;
}

/**
 * Server ALPN. When the TLS inspector saw the ClientHello, the overlap is known up front, and
 * with none the server sets no ALPN at all, so the handshake completes without it (a client
 * offering only Istio's in-mesh names to an h2/http1.1 context). Node would otherwise end the
 * handshake with `no_application_protocol`; without the inspector the callback keeps it alive by
 * echoing the client's first protocol.
 */
function alpnOptions(config: DownstreamTlsConfig, context: ConnectionContext): Partial<tls.TLSSocketOptions> {
  if (config.alpn.length === 0) return {};
  if (context.transportProtocol === 'tls') {
    const selected = selectServerAlpn(config.alpn, context.applicationProtocols);
    return selected ? { ALPNProtocols: [selected] } : {};
  }
  return { ALPNCallback: ({ protocols }) => selectServerAlpn(config.alpn, protocols) ?? protocols[0] };
}
