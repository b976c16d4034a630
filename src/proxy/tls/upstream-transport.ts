// The transport to one upstream endpoint: the cluster's first transport socket match for the
// endpoint's metadata, and for TLS the client options (context, SNI, ALPN, SAN verification).
import net from 'node:net';
import tls from 'node:tls';
import type { TransportSocketMatch, UpstreamTlsConfig } from '../config/cluster.js';
import { upstreamAlpn, type UpstreamUse } from './alpn.js';
import { parseSubjectAltNames } from './peer-certificate.js';
import type { ContextLookup, SecureContextCache } from './secure-context-cache.js';

/** How to reach an endpoint: plaintext, or TLS with these options. */
export interface UpstreamTransport {
  /** Equal for connections that may share a pool: `plaintext`, or the TLS context and settings. */
  readonly key: string;
  readonly tls?: tls.ConnectionOptions;
}

export type TransportResult = { readonly ok: true; readonly transport: UpstreamTransport } | { readonly ok: false; readonly reason: string };

export const PLAINTEXT: UpstreamTransport = Object.freeze({ key: 'plaintext' });
const PLAINTEXT_RESULT: TransportResult = Object.freeze({ ok: true, transport: PLAINTEXT });
const MAX_MODES_PER_CLUSTER = 16;

/**
 * Envoy's rule: the first match whose `match` entries all equal the endpoint's transport socket
 * metadata (Istio's `tlsMode`); undefined when none does.
 */
export function selectTransportSocketMatch(matches: readonly TransportSocketMatch[], metadata: Readonly<Record<string, string>>): TransportSocketMatch | undefined {
  return matches.find((m) => Object.entries(m.match).every(([k, v]) => metadata[k] === v));
}

/**
 * A cluster's `auto_sni` and `auto_san_validation` with the request's host (`:authority`
 * without the port); `host` is undefined when there is none (TCP, no authority).
 */
export interface AutoHostOptions {
  readonly autoSni: boolean;
  readonly autoSanValidation: boolean;
  readonly host?: string;
}

/** Resolves endpoints to transports; TLS options are built once per context version and use. */
export interface UpstreamTransports {
  /**
   * The transport for an endpoint with `tlsMode` metadata (undefined: none) of a cluster with
   * `matches`, used for `use`. Not ok, with `tls: secret default not ready` and the like, while
   * the TLS context it needs is unavailable: the caller fails the attempt as a connect failure.
   * With `auto` the request's host becomes the SNI (autoSni) and the one name the server
   * certificate must be valid for, replacing the SAN list (autoSanValidation); autoSanValidation
   * without a host, or any name check without a validation secret, is not ok.
   */
  resolve(matches: readonly TransportSocketMatch[], tlsMode: string | undefined, use: UpstreamUse, auto?: AutoHostOptions): TransportResult;
}

/** A cluster's match for each `tlsMode` seen; `undefined` for endpoints without one. */
type MatchesByMode = Map<string | undefined, TransportSocketMatch | null>;

export function createUpstreamTransports(contexts: SecureContextCache): UpstreamTransports {
  const built = new WeakMap<UpstreamTlsConfig, Map<UpstreamUse, { readonly contextKey: string; readonly result: TransportResult }>>();
  // Matches are config, so the choice per tlsMode is made once per cluster config, not per request.
  const selected = new WeakMap<readonly TransportSocketMatch[], MatchesByMode>();
  const matchFor = (matches: readonly TransportSocketMatch[], tlsMode: string | undefined): TransportSocketMatch | undefined => {
    let byMode = selected.get(matches);
    if (byMode === undefined) selected.set(matches, (byMode = new Map()));
    let match = byMode.get(tlsMode);
    if (match === undefined) {
      match = selectTransportSocketMatch(matches, tlsMode === undefined ? {} : { tlsMode }) ?? null;
      // tlsMode values come from EDS, a handful per cluster; this bound only guards against a flood.
      if (byMode.size < MAX_MODES_PER_CLUSTER) byMode.set(tlsMode, match);
    }
    return match ?? undefined;
  };
  return {
    resolve(matches, tlsMode, use, auto) {
      if (matches.length === 0) return PLAINTEXT_RESULT;
      const match = matchFor(matches, tlsMode);
      const config = match?.tls;
      if (!config) return PLAINTEXT_RESULT;
      const verifyHost = auto?.autoSanValidation ? auto.host : undefined;
      if (auto?.autoSanValidation && verifyHost === undefined) return { ok: false, reason: 'tls: auto_san_validation without a request host' };
      if ((verifyHost !== undefined || config.matchSubjectAltNames.length > 0) && config.validationSecret === undefined) {
        return { ok: false, reason: 'tls: server name check without a validation context' };
      }
      const lookup = contexts.lookup(config);
      if (!lookup.ok) return { ok: false, reason: `tls: ${lookup.reason}` };
      // SNI carries host names only (RFC 6066); an IP address host is still verified below.
      const sni = auto?.autoSni && auto.host !== undefined && net.isIP(auto.host) === 0 ? auto.host : config.sni;
      // Options that depend on the request's host are not cached: hosts come from requests.
      if (sni !== config.sni || verifyHost !== undefined) return { ok: true, transport: buildTransport(config, lookup, use, sni, verifyHost) };
      let byUse = built.get(config);
      if (!byUse) built.set(config, (byUse = new Map()));
      const cached = byUse.get(use);
      if (cached && cached.contextKey === lookup.key) return cached.result;
      const result: TransportResult = { ok: true, transport: buildTransport(config, lookup, use, sni, undefined) };
      byUse.set(use, { contextKey: lookup.key, result });
      return result;
    },
  };
}

function buildTransport(config: UpstreamTlsConfig, lookup: Extract<ContextLookup, { ok: true }>, use: UpstreamUse, sni: string | undefined, verifyHost: string | undefined): UpstreamTransport {
  const alpn = upstreamAlpn(config, use);
  const options: tls.ConnectionOptions = {
    secureContext: lookup.context,
    ...(sni ? { servername: sni } : {}),
    ...(alpn.length > 0 ? { ALPNProtocols: alpn } : {}),
    // Without a validation context Envoy does not verify the server (and names are never checked
    // then, see resolve). SPIFFE IDs are checked against the SAN list instead of the host name;
    // auto_san_validation checks the request's host the way HTTPS clients do.
    rejectUnauthorized: config.validationSecret !== undefined,
    checkServerIdentity: verifyHost !== undefined
      ? (_host, cert) => tls.checkServerIdentity(verifyHost, cert)
      : (_host, cert) => checkSubjectAltNames(config.matchSubjectAltNames, cert),
  };
  const names = verifyHost !== undefined ? `host:${verifyHost}` : config.matchSubjectAltNames.join(',');
  return { key: `tls|${lookup.key}|${sni ?? ''}|${alpn.join(',')}|${names}`, tls: options };
}

/** The host of an `:authority` (`host`, `host:port`, `[v6]:port`), lowercased; undefined when empty. */
export function authorityHost(authority: string | undefined): string | undefined {
  if (!authority) return undefined;
  let host = authority;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end > 0 ? host.slice(1, end) : host;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(':') === colon) host = host.slice(0, colon);
  }
  return host === '' ? undefined : host.toLowerCase();
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
