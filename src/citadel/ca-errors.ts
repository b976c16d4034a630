// Citadel's one error taxonomy: why a CSR was refused. The CSR service maps each to a gRPC status.

/**
 * - `not-ready`: the CA cannot sign yet (UNAVAILABLE).
 * - `bad-csr`: the CSR does not parse, its signature is wrong, or its SAN is not one SPIFFE ID (INVALID_ARGUMENT).
 * - `ttl`: the requested lifetime is not usable (INVALID_ARGUMENT).
 * - `identity-mismatch`: the CSR asks for an identity the caller did not prove (PERMISSION_DENIED).
 * - `unauthenticated`: no token, or a token that does not verify (UNAUTHENTICATED).
 */
export type CaErrorCode = 'not-ready' | 'bad-csr' | 'ttl' | 'identity-mismatch' | 'unauthenticated';

/** A refusal, with a message meant for the caller. */
export interface CaError {
  readonly code: CaErrorCode;
  readonly message: string;
}

/** An expected outcome of the CA: a value, or a refusal. */
export type CaResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CaError };

/** A refusal with `code` and `message`. */
export function caFailure(code: CaErrorCode, message: string): { readonly ok: false; readonly error: CaError } {
  return { ok: false, error: { code, message } };
}
