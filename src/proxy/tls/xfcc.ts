// x-forwarded-client-cert as Envoy's connection manager writes it for a downstream mTLS peer:
// `By=<our SPIFFE ID>;Hash=<sha256>;Subject="<subject>";URI=<peer SPIFFE ID>[;DNS=<name>]`.
import type { ConnectionInfo } from '../http/exchange.js';
import type { HeaderMap } from '../http/headers.js';

const XFCC = 'x-forwarded-client-cert';

// A connection's certificate and our principal do not change, so each peer certificate's element
// is formatted once, not per request.
const formatted = new WeakMap<object, { readonly by: string | undefined; readonly value: string }>();

/** The element this proxy adds for the connection's verified client certificate; undefined without one. */
export function formatClientCertDetails(connection: ConnectionInfo): string | undefined {
  const peer = connection.peerCertificate;
  if (!connection.tls || !peer) return undefined;
  const known = formatted.get(peer);
  if (known !== undefined && known.by === connection.localPrincipal) return known.value;
  let value = '';
  if (connection.localPrincipal) value += `By=${connection.localPrincipal};`;
  value += `Hash=${peer.sha256};Subject="${peer.subject.replace(/"/g, '\\"')}"`;
  if (peer.principal) value += `;URI=${peer.principal}`;
  for (const dns of peer.dnsSans) value += `;DNS=${dns}`;
  formatted.set(peer, { by: connection.localPrincipal, value });
  return value;
}

/**
 * Applies `forward_client_cert_details` (`mode`, Envoy's default SANITIZE when unset) to a request:
 * ALWAYS_FORWARD_ONLY leaves the header alone; without a verified client certificate, or with
 * SANITIZE, it is removed; FORWARD_ONLY keeps it; APPEND_FORWARD appends our element;
 * SANITIZE_SET replaces whatever the client sent with our element.
 */
export function mutateForwardedClientCert(headers: HeaderMap, connection: ConnectionInfo, mode: string | undefined): void {
  if (mode === 'ALWAYS_FORWARD_ONLY') return;
  const details = mode === 'SANITIZE' || mode === undefined ? undefined : formatClientCertDetails(connection);
  if (details === undefined) {
    headers.remove(XFCC);
    return;
  }
  if (mode === 'FORWARD_ONLY') return;
  const previous = mode === 'APPEND_FORWARD' ? headers.getAll(XFCC).join(',') : '';
  headers.set(XFCC, previous ? `${previous},${details}` : details);
}
