// RequestAuthentication as Envoy's jwt_authn filter, the way Istio generates it: one provider per
// JWT rule with its key set inlined (or, by the JWKS fetch mode, fetched by the proxy), and a rule
// that lets a request without a token through.
import { packAny } from '../../../xds/index.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { JwtAuthentication } from '../../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtAuthentication.js';
import type { JwtProvider } from '../../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtProvider.js';
import type { JwtRequirement } from '../../../xds/generated/envoy/extensions/filters/http/jwt_authn/v3/JwtRequirement.js';
import type { Named } from './authz-policy-index.js';
import type { JwtRuleView, RequestAuthenticationView } from './authz-views.js';
import type { JwksResolver } from './jwks-resolver.js';
import { remoteJwksFor, type RemoteJwksContext } from './jwks-remote-source.js';

export const JWT_AUTHN_FILTER_NAME = 'envoy.filters.http.jwt_authn';
export const JWT_AUTHN_TYPE = 'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';

/** The key set of a rule: `jwks` as written, else the one fetched from `jwksUri`, else found through the issuer. */
function jwksOf(rule: JwtRuleView, resolver: JwksResolver): string {
  if (rule.jwks) return rule.jwks;
  const uri = rule.jwksUri ?? rule.jwks_uri;
  if (uri) return resolver.resolve(uri);
  return resolver.resolveIssuer(rule.issuer ?? '');
}

/**
 * One jwt_authn provider for a JWT rule; Envoy's defaults (the Authorization Bearer header, the
 * access_token parameter) apply when no location is given. A rule's jwksUri becomes remote_jwks
 * when `remote` says the proxy fetches it (see remoteJwksFor), else the resolver's inlined keys.
 */
export function buildJwtProvider(rule: JwtRuleView, resolver: JwksResolver, remote?: RemoteJwksContext): JwtProvider {
  const issuer = rule.issuer ?? '';
  const uri = rule.jwks ? undefined : rule.jwksUri ?? rule.jwks_uri;
  const remoteJwks = uri && remote ? remoteJwksFor(uri, remote) : undefined;
  const provider: JwtProvider = {
    issuer,
    ...(remoteJwks ? { remote_jwks: remoteJwks } : { local_jwks: { inline_string: jwksOf(rule, resolver) } }),
    payload_in_metadata: issuer,
  };
  if (rule.audiences?.length) provider.audiences = [...rule.audiences];
  if (rule.forwardOriginalToken) provider.forward = true;
  if (rule.fromHeaders?.length) provider.from_headers = rule.fromHeaders.map((h) => ({ name: h.name, ...(h.prefix ? { value_prefix: h.prefix } : {}) }));
  if (rule.fromParams?.length) provider.from_params = [...rule.fromParams];
  if (rule.fromCookies?.length) provider.from_cookies = [...rule.fromCookies];
  if (rule.outputPayloadToHeader) provider.forward_payload_header = rule.outputPayloadToHeader;
  if (rule.outputClaimToHeaders?.length) provider.claim_to_headers = rule.outputClaimToHeaders.map((c) => ({ header_name: c.header, claim_name: c.claim }));
  if (rule.spaceDelimitedClaims?.length) provider.normalize_payload_in_metadata = { space_delimited_claims: [...rule.spaceDelimitedClaims] };
  return provider;
}

/**
 * The jwt_authn filter for the RequestAuthentications of a workload, or undefined when they have
 * no JWT rules. Providers are `origins-<i>` in rule order; every path requires any one of them
 * or no token at all, so a missing token passes (with no identity) and an invalid one is
 * refused with 401. CORS preflight requests are not checked. `remote` (the fetch mode, push and
 * proxy) decides which jwksUri key sets the proxy fetches itself; without it all are inlined.
 */
export function buildJwtAuthnFilter(policies: readonly Named<RequestAuthenticationView>[], resolver: JwksResolver, remote?: RemoteJwksContext): HttpFilter | undefined {
  const rules = policies.flatMap((p) => p.spec.jwtRules ?? []);
  if (rules.length === 0) return undefined;
  const providers: Record<string, JwtProvider> = {};
  const requirements: JwtRequirement[] = [];
  rules.forEach((rule, i) => {
    const name = `origins-${i}`;
    providers[name] = buildJwtProvider(rule, resolver, remote);
    requirements.push({ provider_name: name });
  });
  requirements.push({ allow_missing: {} });
  const config: JwtAuthentication = {
    providers,
    rules: [{ match: { prefix: '/' }, requires: { requires_any: { requirements } } }],
    bypass_cors_preflight: true,
  };
  return { name: JWT_AUTHN_FILTER_NAME, typed_config: packAny(JWT_AUTHN_TYPE, config) };
}
