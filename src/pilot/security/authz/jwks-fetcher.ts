// Fetching a JWKS document over HTTP(S) for the control plane, and the stand-in key set used
// when a fetch fails.

/** Fetches the body at `uri`; rejects on a network error, a timeout or a non-2xx status. */
export type JwksFetcher = (uri: string) => Promise<string>;

/**
 * A key set no token can match: an RSA public key whose private half was discarded when it was
 * made. Inlined when a JWKS cannot be fetched, so that every token of that issuer is rejected
 * rather than accepted unchecked (Istio does the same).
 */
export const UNUSABLE_JWKS = JSON.stringify({
  keys: [
    {
      kty: 'RSA',
      kid: 'heddle-unusable',
      alg: 'RS256',
      use: 'sig',
      e: 'AQAB',
      n:
        '6GRXQPtCzt2oyjRVQE9ilQYKX53JoZg-vmOxB5--TBIlRnYpkbTRZaRE17Zsu43Hfr7MJaVNuakBoss5tFSdFyTDvbKSPIhjZeMM5pS0oX25kCAZ1cr1' +
        '7y7DFGYTd8cXmu4tAY5yhUVV2Z1fdRY63Xm0dDK-fVJhOb83tOipVUBGp7dYqOy05mkpcBEfSVKu4GvSSXS8PDisaNPCp1op5UkKEbVLuzI-hfw-PrK5m' +
        'oP3yPV5UA0IZpinUDhpyvro2CsMHTMvu4JI_avxaMcH3P6mtCIagku_kaHsgOdxgbxHBG-TiCnf2wy5me_b0GMz4LmzDav_LBomSKxFeXsuAQ',
    },
  ],
});

/** Creates the real fetcher: Node's fetch, giving up after `timeoutMs` (default 5 s). */
export function createHttpJwksFetcher(timeoutMs = 5_000): JwksFetcher {
  return async (uri) => {
    const res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const body = await res.text();
    if (!res.ok) throw new Error(`GET ${uri}: HTTP ${res.status}`);
    return body;
  };
}

/** `body` when it is a JSON Web Key Set (an object with a `keys` list), else a reason it is not. */
export function parseJwks(body: string): { readonly ok: true; readonly jwks: string } | { readonly ok: false; readonly error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { ok: false, error: 'the body is not JSON' };
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { keys?: unknown }).keys)) {
    return { ok: false, error: 'the body has no "keys" list' };
  }
  return { ok: true, jwks: body };
}
