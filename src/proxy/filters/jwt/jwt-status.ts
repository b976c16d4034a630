// The outcomes of verifying a JWT, with Envoy's messages and the status each failure answers with.

/** Envoy's jwt_authn statuses that the sidecar reports. */
export type JwtStatus =
  | 'ok'
  | 'missing'
  | 'bad_format'
  | 'unknown_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'audience_not_allowed'
  | 'verification_fails'
  | 'unknown_key'
  | 'jwks_fetch_failed';

/** Envoy's message per failure, word for word; it is the 401/403 body. */
export const JWT_STATUS_MESSAGE: Readonly<Record<Exclude<JwtStatus, 'ok'>, string>> = {
  missing: 'Jwt is missing',
  bad_format: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections',
  unknown_issuer: 'Jwt issuer is not configured',
  expired: 'Jwt is expired',
  not_yet_valid: 'Jwt not yet valid',
  audience_not_allowed: 'Audiences in Jwt are not allowed',
  verification_fails: 'Jwt verification fails',
  unknown_key: 'Jwks doesn\'t have key to match kid or alg from Jwt',
  jwks_fetch_failed: 'Jwks remote fetch is failed',
};

/** Envoy answers a disallowed audience with 403 and every other failure with 401. */
export function httpStatusForJwt(status: Exclude<JwtStatus, 'ok'>): number {
  return status === 'audience_not_allowed' ? 403 : 401;
}

/**
 * How informative a failure is when several requirements failed at once (requires_any): a real
 * verification error beats "issuer not configured", which beats "missing".
 */
export function jwtFailureRank(status: JwtStatus): number {
  if (status === 'ok') return 3;
  if (status === 'missing') return 0;
  if (status === 'unknown_issuer') return 1;
  return 2;
}
