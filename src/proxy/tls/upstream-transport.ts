// The transport to one upstream endpoint: the cluster's first transport socket match for the
// endpoint's metadata, and for TLS the client options (context, SNI, ALPN, SAN verification).
import type tls from 'node:tls';
import type { TransportSocketMatch, UpstreamTlsConfig } from '../config/cluster.js';
import { upstreamAlpn, type UpstreamUse } from './alpn.js';
import { parseSubjectAltNames } from './peer-certificate.js';
import type { SecureContextCache } from './secure-context-cache.js';

/** How to reach an endpoint: plaintext, or TLS with these options. */
export interface UpstreamTransport {
  /** Equal for connections that may share a pool: `plaintext`, or the TLS context and settings. */
  readonly key: string;
  readonly tls?: tls.ConnectionOptions;
}

export type TransportResult = { readonly ok: true; readonly transport: UpstreamTransport } | { readonly ok: false; readonly reason: string };

export const PLAINTEXT: UpstreamTransport = Object.freeze({ key: 'plaintext' });
const PLAINTEXT_RESULT: TransportResult = Object.freeze({ ok: true, transport: PLAINTEXT });

/**
 * Envoy's rule: the first match whose `match` entries all equal the endpoint's transport socket
 * metadata (Istio's `tlsMode`); undefined when none does.
 */
export function selectTransportSocketMatch(matches: readonly TransportSocketMatch[], metadata: Readonly<Record<string, string>>): TransportSocketMatch | undefined {
  return matches.find((m) => Object.entries(m.match).every(([k, v]) => metadata[k] === v));
}

/** Resolves endpoints to transports; TLS options are built once per context version and use. */
export interface UpstreamTransports {
  /**
   * The transport for an endpoint with `tlsMode` metadata (undefined: none) of a cluster with
   * `matches`, used for `use`. Not ok, with `tls: secret default not ready` and the like, while
   * the TLS context it needs is unavailable: the caller fails the attempt as a connect failure.
   */
  resolve(matches: readonly TransportSocketMatch[], tlsMode: string | undefined, use: UpstreamUse): TransportResult;
}

export function createUpstreamTransports(contexts: SecureContextCache): UpstreamTransports {
  const built = new WeakMap<UpstreamTlsConfig, Map<UpstreamUse, { readonly contextKey: string; readonly result: TransportResult }>>();
  return {
    resolve(matches, tlsMode, use) {
      if (matches.length === 0) return PLAINTEXT_RESULT;
      const match = selectTransportSocketMatch(matches, tlsMode === undefined ? {} : { tlsMode });
      const config = match?.tls;
      if (!config) return PLAINTEXT_RESULT;
      const lookup = contexts.lookup(config);
      if (!lookup.ok) return { ok: false, reason: `tls: ${lookup.reason}` };
      let byUse = built.get(config);
      if (!byUse) built.set(config, (byUse = new Map()));
      const cached = byUse.get(use);
      if (cached && cached.contextKey === lookup.key) return cached.result;
      const alpn = upstreamAlpn(config, use);
      const options: tls.ConnectionOptions = {
        secureContext: lookup.context,
        ...(config.sni ? { servername: config.sni } : {}),
        ...(alpn.length > 0 ? { ALPNProtocols: alpn } : {}),
        // Without a validation context Envoy does not verify the server; SPIFFE IDs are checked
        // against the SAN list instead of the host name.
        rejectUnauthorized: config.validationSecret !== undefined,
        checkServerIdentity: (_host, cert) => checkSubjectAltNames(config.matchSubjectAltNames, cert),
      };
      const key = `tls|${lookup.key}|${config.sni ?? ''}|${alpn.join(',')}|${config.matchSubjectAltNames.join(',')}`;
      const result: TransportResult = { ok: true, transport: { key, tls: options } };
      byUse.set(use, { contextKey: lookup.key, result });
      return result;
    },
  };
}

/** Undefined when `expected` is empty or the certificate has one of them as a URI or DNS SAN. */
export function checkSubjectAltNames(expected: readonly string[], cert: tls.PeerCertificate): Error | undefined {
  if (expected.length === 0) return undefined;
  const sans = parseSubjectAltNames(cert.subjectaltname).filter(([type]) => type === 'URI' || type === 'DNS').map(([, v]) => v);
  if (sans.some((s) => expected.includes(s))) return undefined;
  const err = new Error(`tls: peer certificate SANs [${sans.join(', ')}] match none of [${expected.join(', ')}]`) as NodeJS.ErrnoException;
  err.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
  return err;
}
