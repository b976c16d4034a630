// Which filter chains an inbound port gets under each mTLS mode: Istio's filter chain match
// options, by mode and by whether the port is served as HTTP or TCP.
import type { MtlsMode } from './peer-authentication-policy.js';

/** One chain to derive from a port's plaintext chain: what it matches, and whether it terminates mTLS. */
export interface InboundChainOption {
  /** `tls` (set by the TLS inspector), `raw_buffer`, or absent to match either. */
  readonly transportProtocol?: 'tls' | 'raw_buffer';
  /** ALPN values the client must offer (any one of them); absent to match any. */
  readonly applicationProtocols?: readonly string[];
  /** True when the chain terminates Istio mTLS; false passes the bytes on as they are. */
  readonly mtls: boolean;
}

/**
 * Every ALPN an Istio client sends over mTLS: `istio` and `istio-peer-exchange` for TCP, and
 * `istio-http/1.0`, `istio-http/1.1`, `istio-h2` for HTTP that the client's outbound side
 * detected. Permissive ports match all of them whether served as HTTP or TCP, as Istio does.
 */
export const ISTIO_MTLS_ALPNS: readonly string[] = Object.freeze(['istio', 'istio-peer-exchange', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']);

const MTLS_ANY: InboundChainOption = { transportProtocol: 'tls', mtls: true };
const MTLS_ISTIO: InboundChainOption = { transportProtocol: 'tls', applicationProtocols: ISTIO_MTLS_ALPNS, mtls: true };
const RAW: InboundChainOption = { transportProtocol: 'raw_buffer', mtls: false };
const PLAIN_TLS: InboundChainOption = { transportProtocol: 'tls', mtls: false };
/** DISABLE keeps the plaintext chain as it is, so an app that speaks TLS itself still works. */
const UNCHANGED: InboundChainOption = { mtls: false };

const HTTP: Readonly<Record<MtlsMode, readonly InboundChainOption[]>> = Object.freeze({
  STRICT: [MTLS_ANY],
  PERMISSIVE: [MTLS_ISTIO, RAW],
  DISABLE: [UNCHANGED],
});

const TCP: Readonly<Record<MtlsMode, readonly InboundChainOption[]>> = Object.freeze({
  STRICT: [MTLS_ANY],
  // Plain TLS last: an app's own TLS (HTTPS from a client without a sidecar) passes through untouched.
  PERMISSIVE: [MTLS_ISTIO, RAW, PLAIN_TLS],
  DISABLE: [UNCHANGED],
});

/** The chains, in order, that a port served as HTTP (`http` true) or TCP gets under `mode`. */
export function inboundChainOptions(mode: MtlsMode, http: boolean): readonly InboundChainOption[] {
  return (http ? HTTP : TCP)[mode];
}
