// The policy filters of a connection manager (jwt_authn, RBAC, ext_authz) in the order its
// http_filters list them, built once per stream config, and the runner that takes a request
// through them before the fault, CORS and router steps.
import { createExtAuthzFilter } from '../filters/ext-authz/ext-authz-filter.js';
import { remoteJwksCacheFor } from '../filters/jwt/jwks-cache-registry.js';
import { createJwtAuthnFilter } from '../filters/jwt/jwt-authn-filter.js';
import { CONTINUE, type HttpPolicyFilter, type PolicyRequest, type PolicyVerdict } from '../filters/policy-filter.js';
import { createHttpRbacFilter } from '../filters/rbac/http-rbac-filter.js';
import type { StreamConfig } from './stream-config.js';

const built = new WeakMap<StreamConfig, readonly HttpPolicyFilter[]>();

/** The runtime policy filters of `config`'s chain, created (key sets parsed, rules compiled) on first use. */
export function policyFiltersFor(config: StreamConfig): readonly HttpPolicyFilter[] {
  let filters = built.get(config);
  if (filters) return filters;
  const hcm = config.hcm;
  const list: HttpPolicyFilter[] = [];
  for (const f of hcm.httpFilters) {
    if (f.kind === 'rbac') list.push(createHttpRbacFilter(f.name, f.rbac, hcm.statPrefix));
    else if (f.kind === 'jwt_authn') list.push(createJwtAuthnFilter(f.name, f.jwt, () => config.clock.now(), (source) => remoteJwksCacheFor(source, { clusters: config.clusters, clock: config.clock })));
    else if (f.kind === 'ext_authz') list.push(createExtAuthzFilter(f.name, f.extAuthz, { clusters: config.clusters, clock: config.clock, hcmStatPrefix: hcm.statPrefix }));
  }
  filters = list;
  built.set(config, filters);
  return filters;
}

/** A filter that threw: a bug, answered as Envoy answers an internal error rather than left hanging. */
const FILTER_FAILED: PolicyVerdict = { kind: 'deny', status: 500, body: '', details: 'policy_filter_error' };

/**
 * Runs `filters` in order on `request` and calls `done` once with the first denial, or with
 * `continue` when every filter let the request through. Synchronous filters run without a
 * promise turn; an async one resumes the chain when it settles.
 */
export function runPolicyFilters(filters: readonly HttpPolicyFilter[], request: PolicyRequest, done: (verdict: PolicyVerdict) => void): void {
  const step = (from: number): void => {
    for (let i = from; i < filters.length; i++) {
      let verdict: PolicyVerdict | Promise<PolicyVerdict>;
      try {
        verdict = filters[i]!.decodeHeaders(request);
      } catch {
        done(FILTER_FAILED);
        return;
      }
      if (verdict instanceof Promise) {
        verdict.then(
          (v) => (v.kind === 'deny' ? done(v) : step(i + 1)),
          () => done(FILTER_FAILED),
        );
        return;
      }
      if (verdict.kind === 'deny') {
        done(verdict);
        return;
      }
    }
    done(CONTINUE);
  };
  step(0);
}

/** remote_ip's address: the last x-forwarded-for entry unless the HCM trusts only the peer address. */
export function effectiveRemoteIp(useRemoteAddress: boolean, forwardedFor: string | undefined, peer: string): string {
  if (useRemoteAddress || forwardedFor === undefined) return peer;
  const comma = forwardedFor.lastIndexOf(',');
  const last = forwardedFor.slice(comma + 1).trim();
  return last === '' ? peer : last;
}
