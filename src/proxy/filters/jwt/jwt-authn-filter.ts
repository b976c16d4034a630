// Envoy's jwt_authn HTTP filter: finds the first rule matching the request, checks its requirement,
// and on success records the payload in dynamic metadata; on failure answers 401 (403 for audiences).
import type { JWTPayload } from 'jose';
import type { JwtAuthnConfig, JwtRemoteJwksConfig } from '../../config/policy.js';
import { HeaderMap } from '../../http/headers.js';
import type { RequestHead } from '../../http/message.js';
import { pathEnd } from '../../router/request-attributes.js';
import { createRouteMatcher, type RouteMatcher } from '../../router/route-matcher.js';
import { CONTINUE, type HttpPolicyFilter, type PolicyVerdict } from '../policy-filter.js';
import type { RemoteJwksCache } from './jwks-cache.js';
import { writeJwtMetadata } from './jwt-metadata.js';
import { createJwtProvider, type JwtProvider } from './jwt-provider.js';
import { JwtRequirementChecker, type JwtOutcome } from './jwt-requirement.js';
import { JWT_STATUS_MESSAGE, httpStatusForJwt } from './jwt-status.js';

/** A claim (dotted path for nested ones) as claim_to_headers copies it: strings, numbers and booleans only. */
function claimText(payload: JWTPayload, claim: string): string | undefined {
  let v: unknown = payload;
  for (const key of claim.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function isCorsPreflight(head: RequestHead): boolean {
  return head.method === 'OPTIONS' && head.headers.has('origin') && head.headers.has('access-control-request-method');
}

/** Envoy's WWW-Authenticate challenge: the realm is the request URL without its query. */
function challenge(head: RequestHead, withError: boolean): string {
  const realm = `${head.scheme}://${head.authority}${head.path.slice(0, pathEnd(head.path))}`;
  return withError ? `Bearer realm="${realm}", error="invalid_token"` : `Bearer realm="${realm}"`;
}

function deny(head: RequestHead, outcome: JwtOutcome): PolicyVerdict {
  const status = outcome.status === 'ok' ? 'verification_fails' : outcome.status;
  const message = JWT_STATUS_MESSAGE[status];
  const code = httpStatusForJwt(status);
  return {
    kind: 'deny',
    status: code,
    body: message,
    details: `jwt_authn_access_denied{${message.replace(/ /g, '_')}}`,
    ...(code === 401 ? { headers: new HeaderMap(['www-authenticate', challenge(head, status !== 'missing')]) } : {}),
  };
}

/**
 * The jwt_authn filter named `name`. Inline key sets are parsed here, once per config version;
 * remote ones come from `remoteJwks` (the sidecar's shared caches; without it, every token of a
 * remote provider fails), and those with async_fetch start fetching now. `now` (epoch ms) is the
 * clock that exp and nbf are checked against. A request that no rule matches, or a CORS
 * preflight when bypass_cors_preflight is set, passes untouched. After a successful check the
 * token's header is removed unless the provider forwards it, and the payload is copied to
 * forward_payload_header (base64url JSON) when one is configured, and claim_to_headers are set.
 */
export function createJwtAuthnFilter(name: string, config: JwtAuthnConfig, now: () => number, remoteJwks?: (source: JwtRemoteJwksConfig) => RemoteJwksCache): HttpPolicyFilter {
  const providers = new Map<string, JwtProvider>();
  for (const p of config.providers) {
    const remote = p.remoteJwks && remoteJwks?.(p.remoteJwks);
    if (remote && p.remoteJwks?.asyncFetch) remote.prefetch();
    providers.set(p.name, createJwtProvider(p, now, remote));
  }
  const rules = config.rules.map((r) => ({ matcher: createRouteMatcher(r.match) as RouteMatcher, requires: r.requires }));
  return {
    name,
    async decodeHeaders(request): Promise<PolicyVerdict> {
      const head = request.head;
      if (config.bypassCorsPreflight && isCorsPreflight(head)) return CONTINUE;
      const end = pathEnd(head.path);
      const rule = rules.find((r) => r.matcher(head, end, 0));
      if (!rule?.requires) return CONTINUE;
      const outcome = await new JwtRequirementChecker(providers, head).check(rule.requires);
      if (outcome.status !== 'ok') return deny(head, outcome);
      for (const v of outcome.verified) {
        const p = v.provider.config;
        writeJwtMetadata(request.metadata, v.payload, p.payloadInMetadata, p.spaceDelimitedClaims);
        for (const c of p.claimToHeaders) {
          const value = claimText(v.payload, c.claim);
          if (value !== undefined) head.headers.set(c.header, value);
        }
        if (p.forwardPayloadHeader) head.headers.set(p.forwardPayloadHeader, Buffer.from(JSON.stringify(v.payload)).toString('base64url'));
        if (!p.forward && v.token.header) head.headers.remove(v.token.header);
      }
      return CONTINUE;
    },
  };
}
