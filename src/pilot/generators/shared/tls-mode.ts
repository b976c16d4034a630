// Istio's `tlsMode` endpoint label, carried in endpoint metadata so that a cluster's
// transport_socket_matches can pick mTLS for endpoints that accept it (auto mTLS).

/** The metadata key the match reads (Istio's TLSModeLabelShortname). */
export const TLS_MODE_KEY = 'tlsMode';
/** The value that marks an endpoint able to accept Istio mTLS. */
export const TLS_MODE_ISTIO = 'istio';
/** The filter metadata namespace Envoy matches transport_socket_matches against. */
export const TRANSPORT_SOCKET_MATCH_METADATA = 'envoy.transport_socket_match';
