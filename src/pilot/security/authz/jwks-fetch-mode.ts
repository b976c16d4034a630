// Who fetches a RequestAuthentication's jwksUri: the control plane (inlined keys) or the proxy
// (remote_jwks through a cluster), Istio's PILOT_JWT_ENABLE_REMOTE_JWKS switch.

/**
 * `istiod`: Pilot fetches and inlines the keys (the default). `envoy`: the proxy fetches them
 * through the outbound cluster of the jwksUri's host and port, when the proxy has one. `hybrid`:
 * the proxy fetches from hosts that are services inside the mesh; Pilot inlines the rest.
 */
export type JwksFetchMode = 'istiod' | 'envoy' | 'hybrid';

/** The environment variable Istio reads the mode from, and Heddle's control plane too. */
export const JWKS_FETCH_MODE_ENV = 'PILOT_JWT_ENABLE_REMOTE_JWKS';

export const DEFAULT_JWKS_FETCH_MODE: JwksFetchMode = 'istiod';

const MODES: Readonly<Record<string, JwksFetchMode>> = { false: 'istiod', istiod: 'istiod', true: 'envoy', envoy: 'envoy', hybrid: 'hybrid' };

/**
 * The mode `value` names, as Istio accepts it (`false`/`istiod`, `true`/`envoy`, `hybrid`, any
 * case, spaces trimmed); an absent or empty value is the default. Anything else is an error
 * naming the accepted values.
 */
export function parseJwksFetchMode(value: string | undefined): { readonly ok: true; readonly mode: JwksFetchMode } | { readonly ok: false; readonly error: string } {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return { ok: true, mode: DEFAULT_JWKS_FETCH_MODE };
  const mode = MODES[v];
  return mode ? { ok: true, mode } : { ok: false, error: `unknown JWKS fetch mode "${value}": expected false, istiod, true, envoy or hybrid` };
}
