// Bootstrap tokens (local mode): JWTs the control plane issues to each workload, naming its
// namespace and service account, that the CSR service accepts as proof of identity.
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { caFailure, type CaResult } from './ca-errors.js';
import { loadOrCreateTokenKey } from './token-key.js';

export const BOOTSTRAP_TOKEN_ISSUER = 'heddle-control-plane';
export const BOOTSTRAP_TOKEN_AUDIENCE = 'heddle-ca';
const DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600;

/** The identity a token names (the trust domain is the control plane's). */
export interface TokenIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function subject(identity: TokenIdentity): string {
  return `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`;
}

/**
 * Issues a bootstrap token for `identity`, signed ES256 with the CA directory's token key (created
 * when absent): iss `heddle-control-plane`, aud `heddle-ca`, sub
 * `system:serviceaccount:<ns>:<sa>`, `namespace` and `serviceAccount` claims, iat, and exp
 * `ttlSeconds` (default 24h) from now. Throws on a name Kubernetes would not accept.
 */
export async function issueBootstrapToken(caDir: string, identity: TokenIdentity, ttlSeconds: number = DEFAULT_TOKEN_TTL_SECONDS): Promise<string> {
  for (const [field, value] of Object.entries(identity)) {
    if (!NAME.test(value)) throw new Error(`bootstrap token: ${field} "${value}" is not a valid Kubernetes name`);
  }
  if (!(ttlSeconds > 0)) throw new Error(`bootstrap token: ttl must be positive, got ${ttlSeconds}`);
  const key = await loadOrCreateTokenKey(caDir);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ namespace: identity.namespace, serviceAccount: identity.serviceAccount })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuer(BOOTSTRAP_TOKEN_ISSUER)
    .setAudience(BOOTSTRAP_TOKEN_AUDIENCE)
    .setSubject(subject(identity))
    .setIssuedAt(now)
    .setExpirationTime(now + Math.ceil(ttlSeconds))
    .sign(key.privateKey);
}

/** Checks bootstrap tokens against the CA directory's token key. */
export interface BootstrapTokenVerifier {
  /** The identity `token` proves, or `unauthenticated` saying why it proves none. */
  verify(token: string): Promise<CaResult<TokenIdentity>>;
}

/** Creates a verifier over `caDir`'s token key (created when absent); `now` is injectable for tests. */
export async function createBootstrapTokenVerifier(caDir: string, opts: { now?: () => Date } = {}): Promise<BootstrapTokenVerifier> {
  const key = await loadOrCreateTokenKey(caDir);
  const now = opts.now ?? (() => new Date());
  return {
    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key.publicKey, {
          issuer: BOOTSTRAP_TOKEN_ISSUER,
          audience: BOOTSTRAP_TOKEN_AUDIENCE,
          algorithms: ['ES256'],
          currentDate: now(),
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) return caFailure('unauthenticated', 'the bootstrap token has expired');
        if (err instanceof joseErrors.JWSSignatureVerificationFailed) return caFailure('unauthenticated', 'the bootstrap token was not signed by this control plane');
        if (err instanceof joseErrors.JWTClaimValidationFailed) return caFailure('unauthenticated', `the bootstrap token's "${err.claim}" claim is wrong: ${err.message}`);
        return caFailure('unauthenticated', `the bootstrap token is not valid: ${(err as Error).message}`);
      }
      const { namespace, serviceAccount, sub } = payload;
      if (typeof namespace !== 'string' || typeof serviceAccount !== 'string' || sub !== subject({ namespace, serviceAccount })) {
        return caFailure('unauthenticated', 'the bootstrap token does not name a namespace and service account consistently');
      }
      return { ok: true, value: { namespace, serviceAccount } };
    },
  };
}
