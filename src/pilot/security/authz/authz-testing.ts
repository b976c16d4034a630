// Test fixtures for the authorization filters: policies, and the policy filters of a workload's
// inbound chains as the real LDS generators pack them, decoded back with defaults removed.
import type { AnyResource, AuthorizationPolicySpec, RequestAuthenticationSpec, Resource } from '../../../api/index.js';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { Filter } from '../../../xds/generated/envoy/config/listener/v3/Filter.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import { createGatewayLdsGenerator, createSidecarLdsGenerator } from '../../generators/lds/lds-generator.js';
import type { ListenerSecurity } from '../../generators/lds/listener-security.js';
import { fakeProxy, testPush, type TestMesh } from '../../generators/rds/testing.js';
import type { Proxy } from '../../model/proxy.js';
import { createAuthorizationFilters } from './authz-filters.js';
import { createJwksResolver, type JwksResolver } from './jwks-resolver.js';

const meta = (name: string, namespace: string) => ({ name, namespace, labels: {}, annotations: {} });

export function authorizationPolicy(name: string, spec: AuthorizationPolicySpec, namespace = 'default'): Resource<'AuthorizationPolicy'> {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta(name, namespace), spec };
}

export function requestAuthentication(name: string, spec: RequestAuthenticationSpec, namespace = 'default'): Resource<'RequestAuthentication'> {
  return { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: meta(name, namespace), spec };
}

/** A decoded filter: its name and its config with proto defaults and oneof markers removed. */
export interface DecodedFilter {
  readonly name: string;
  readonly config: Record<string, unknown>;
}

/** `value` without empty strings, false, zero, empty lists and objects, nulls, and oneof case markers. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string' && v !== k && v in obj && k !== 'name') continue;
    const p = prune(v);
    if (p === '' || p === false || p === 0 || p === null || p === undefined) continue;
    if (Array.isArray(p) && p.length === 0) continue;
    if (typeof p === 'object' && !Array.isArray(p) && !Buffer.isBuffer(p) && Object.keys(p as object).length === 0 && k !== 'allow_missing' && k !== 'google_re2') continue;
    out[k] = p;
  }
  return out;
}

const decode = (f: { name?: string; typed_config?: unknown }): DecodedFilter => ({
  name: f.name ?? '',
  config: prune(unpackAny(f.typed_config as AnyMessage)) as Record<string, unknown>,
});

/** The policy filters a workload gets on one inbound port. */
export interface InboundPolicy {
  /** The HTTP filters of the port's connection manager, before fault, CORS and router. */
  readonly http: DecodedFilter[];
  /** The network filters of a TCP port, before the TCP proxy. */
  readonly tcp: DecodedFilter[];
}

export interface AuthzSetup extends TestMesh {
  readonly proxy?: Partial<Proxy>;
  readonly jwks?: JwksResolver;
}

const WORKLOAD: Partial<Proxy> = {
  namespace: 'default',
  labels: { app: 'reviews', version: 'v1' },
  workloadPorts: [
    { name: 'http-web', port: 9080, protocol: 'HTTP' },
    { name: 'tcp-db', port: 5432, protocol: 'TCP' },
  ],
};

/** Security with real authorization filters and plaintext inbound chains. */
export function testSecurity(jwks: JwksResolver = createJwksResolver({ fetch: () => Promise.reject(new Error('no network in tests')), schedule: () => () => {}, log: { warn: () => {}, info: () => {} } })): ListenerSecurity {
  const filters = createAuthorizationFilters({ jwks });
  return { httpFilters: filters.httpFilters, networkFilters: filters.networkFilters, inboundFilterChains: (_ctx, plaintext) => [plaintext] };
}

const HTTP_TAIL = new Set(['envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);

/** The policy filters of `port` (9080 HTTP or 5432 TCP) of the reviews-v1 workload in `default`, by default. */
export function inboundPolicy(resources: readonly AnyResource[], setup: AuthzSetup = {}, port = 9080): InboundPolicy {
  const push = testPush({ services: setup.services ?? [], resources, ...(setup.mesh ? { mesh: setup.mesh } : {}) });
  const proxy = fakeProxy({ ...WORKLOAD, ...setup.proxy });
  const out = createSidecarLdsGenerator({ security: testSecurity(setup.jwks) }).generate(proxy, push, undefined);
  const inbound = out.find((r) => r.name === 'virtualInbound')?.message as Listener | undefined;
  const chain = inbound?.filter_chains?.find((c) => c.name === `0.0.0.0_${port}`);
  if (!chain) throw new Error(`no inbound chain for ${port}`);
  return chainPolicy(chain.filters ?? []);
}

/** The policy filters of a chain's filters: the HTTP ones ahead of fault, or the network ones ahead of the TCP proxy. */
export function chainPolicy(filters: readonly Filter[]): InboundPolicy {
  const last = filters.at(-1);
  if (last?.name === 'envoy.filters.network.http_connection_manager') {
    const hcm = unpackAny<{ http_filters: { name: string; typed_config: AnyMessage }[] }>(last.typed_config as AnyMessage);
    return { http: hcm.http_filters.filter((f) => !HTTP_TAIL.has(f.name)).map(decode), tcp: filters.slice(0, -1).map(decode) };
  }
  return { http: [], tcp: filters.slice(0, -1).map(decode) };
}

/** The listeners a gateway proxy gets. */
export function gatewayListeners(resources: readonly AnyResource[], proxy: Partial<Proxy>): Listener[] {
  const push = testPush({ resources });
  return createGatewayLdsGenerator({ security: testSecurity() }).generate(fakeProxy({ type: 'router', ...proxy }), push, undefined).map((r) => r.message as Listener);
}
