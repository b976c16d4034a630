// Istio's authorization attributes (source.principal, request.headers[x], destination.port…) as
// Envoy RBAC principals and permissions, one value at a time.
import type { Permission } from '../../../xds/generated/envoy/config/rbac/v3/Permission.js';
import type { Principal } from '../../../xds/generated/envoy/config/rbac/v3/Principal.js';
import type { MetadataMatcher } from '../../../xds/generated/envoy/type/matcher/v3/MetadataMatcher.js';
import type { StringMatcher } from '../../../xds/generated/envoy/type/matcher/v3/StringMatcher.js';
import { toCidrRange } from '../../generators/lds/cidr.js';
import { authzHeaderMatcher, authzHostMatchers, authzPathMatcher, authzStringMatcher, quoteRegex, regexMatcher } from './authz-string-match.js';

/** The dynamic-metadata namespace where the sidecar records the authenticated request (Istio's authn filter). */
export const ISTIO_AUTHN_METADATA = 'istio_authn';

/** Internal keys for the operation fields, which have no `when` attribute of their own. */
export const HOST_KEY = 'request.host';
export const METHOD_KEY = 'request.method';
export const PATH_KEY = 'request.path';

/** One value of an attribute as RBAC, or why it cannot be (an HTTP-only attribute on TCP, a bad value). */
export type AttributeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** How one attribute is enforced: on the principal (who) or the permission (what) side. */
export type AttributeGenerator =
  | { readonly side: 'principal'; principal(value: string, forTcp: boolean): AttributeResult<Principal> }
  | { readonly side: 'permission'; permission(value: string, forTcp: boolean): AttributeResult<Permission> };

const ok = <T>(value: T): AttributeResult<T> => ({ ok: true, value });
const fail = <T>(error: string): AttributeResult<T> => ({ ok: false, error });

function httpOnly<T>(key: string, forTcp: boolean, make: () => AttributeResult<T>): AttributeResult<T> {
  return forTcp ? fail(`${key} is HTTP only`) : make();
}

const authenticated = (m: StringMatcher): Principal => ({ authenticated: { principal_name: m } });

function authnMetadata(path: readonly string[], value: StringMatcher, list: boolean): MetadataMatcher {
  return {
    filter: ISTIO_AUTHN_METADATA,
    path: path.map((key) => ({ key })),
    value: list ? { list_match: { one_of: { string_match: value } } } : { string_match: value },
  };
}

function cidr(value: string): AttributeResult<NonNullable<Principal['direct_remote_ip']>> {
  const range = toCidrRange(value);
  return range ? ok(range) : fail(`invalid IP address or CIDR ${JSON.stringify(value)}`);
}

function portOf(value: string): AttributeResult<number> {
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  return port >= 0 && port <= 65535 ? ok(port) : fail(`invalid port ${JSON.stringify(value)}`);
}

const principal = (p: (value: string, forTcp: boolean) => AttributeResult<Principal>): AttributeGenerator => ({ side: 'principal', principal: p });
const permission = (p: (value: string, forTcp: boolean) => AttributeResult<Permission>): AttributeGenerator => ({ side: 'permission', permission: p });

const sourcePrincipal = principal((v) => ok(authenticated(authzStringMatcher(v, 'spiffe://'))));
/** A `request.auth.*` key; `list` when the JWT filter records a list (the audiences), so the matcher matches any element. */
const requestPrincipal = (key: string, list = false) =>
  principal((v, tcp) => httpOnly(key, tcp, () => ok({ metadata: authnMetadata([key], authzStringMatcher(v), list) })));

const FIXED: ReadonlyMap<string, AttributeGenerator> = new Map([
  ['source.principal', sourcePrincipal],
  ['source.namespace', principal((v) => ok(authenticated(regexMatcher(`.*/ns/${v.split('*').map(quoteRegex).join('.*')}/.*`))))],
  [
    'source.serviceAccount',
    principal((v) => {
      const [ns, sa, extra] = v.split('/');
      if (!ns || !sa || extra !== undefined) return fail(`service account ${JSON.stringify(v)} is not <namespace>/<name>`);
      return ok(authenticated(regexMatcher(`.*/ns/${quoteRegex(ns)}/sa/${quoteRegex(sa)}`)));
    }),
  ],
  ['source.ip', principal((v) => mapOk(cidr(v), (r) => ({ direct_remote_ip: r })))],
  ['remote.ip', principal((v) => mapOk(cidr(v), (r) => ({ remote_ip: r })))],
  ['request.auth.principal', requestPrincipal('request.auth.principal')],
  ['request.auth.audiences', requestPrincipal('request.auth.audiences', true)],
  ['request.auth.presenter', requestPrincipal('request.auth.presenter')],
  ['destination.ip', permission((v) => mapOk(cidr(v), (r) => ({ destination_ip: r })))],
  ['destination.port', permission((v) => mapOk(portOf(v), (p) => ({ destination_port: p })))],
  ['connection.sni', permission((v) => ok({ requested_server_name: authzStringMatcher(v) }))],
  [HOST_KEY, permission((v, tcp) => httpOnly('hosts', tcp, () => ok({ or_rules: { rules: authzHostMatchers(v).map((header) => ({ header })) } })))],
  [METHOD_KEY, permission((v, tcp) => httpOnly('methods', tcp, () => ok({ header: authzHeaderMatcher(':method', v) })))],
  [PATH_KEY, permission((v, tcp) => httpOnly('paths', tcp, () => ok({ url_path: { path: authzPathMatcher(v) } })))],
]);

function mapOk<A, B>(r: AttributeResult<A>, f: (a: A) => B): AttributeResult<B> {
  return r.ok ? ok(f(r.value)) : fail(r.error);
}

/** The bracketed names of `request.auth.claims[a][b]` (`['a', 'b']`), or undefined when malformed. */
function bracketed(rest: string): string[] | undefined {
  const names = [...rest.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1] ?? '');
  return names.length > 0 && names.map((n) => `[${n}]`).join('') === rest ? names : undefined;
}

/** The generator for an attribute key (a `when` key, or one of the internal operation keys); undefined when unknown. */
export function attributeGenerator(key: string): AttributeGenerator | undefined {
  const fixed = FIXED.get(key);
  if (fixed) return fixed;
  if (key.startsWith('request.auth.claims[')) {
    const claims = bracketed(key.slice('request.auth.claims'.length));
    if (!claims) return undefined;
    return principal((v, tcp) =>
      httpOnly(key, tcp, () => ok({ metadata: authnMetadata(['request.auth.claims', ...claims], authzStringMatcher(v), true) })),
    );
  }
  if (key.startsWith('request.headers[')) {
    const names = bracketed(key.slice('request.headers'.length));
    if (!names || names.length !== 1) return undefined;
    const header = (names[0] ?? '').toLowerCase();
    return principal((v, tcp) => httpOnly(key, tcp, () => ok({ header: authzHeaderMatcher(header, v) })));
  }
  return undefined;
}
