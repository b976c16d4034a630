// Which AuthorizationPolicies and RequestAuthentications apply to a proxy, indexed once per push.
import type { ConfigSnapshot } from '../../../galley/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { selectorMatches } from '../../registry/label-selector.js';
import {
  authorizationPolicyView,
  requestAuthenticationView,
  type AuthorizationPolicyView,
  type PolicyTargeting,
  type RequestAuthenticationView,
} from './authz-views.js';

/** The label Gateway API deployments carry with their Gateway's name. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** A policy with where it came from. */
export interface Named<S> {
  readonly namespace: string;
  readonly name: string;
  readonly spec: S;
}

/** The AuthorizationPolicies that apply to one proxy, by action, root namespace first, then by name. */
export interface ProxyAuthorizationPolicies {
  readonly custom: readonly Named<AuthorizationPolicyView>[];
  readonly deny: readonly Named<AuthorizationPolicyView>[];
  readonly allow: readonly Named<AuthorizationPolicyView>[];
  readonly audit: readonly Named<AuthorizationPolicyView>[];
}

/** The security policy of one push, by namespace. */
export interface AuthzPolicyIndex {
  /** Policies of the root namespace (mesh-wide) and the proxy's namespace that select the proxy. */
  authorizationPoliciesFor(proxy: Proxy): ProxyAuthorizationPolicies;
  /** RequestAuthentications that select the proxy, root namespace first. */
  requestAuthenticationsFor(proxy: Proxy): readonly Named<RequestAuthenticationView>[];
}

/**
 * True when a policy of `namespace` applies to `proxy`: target references name the proxy's
 * Gateway (by the Gateway API label) in the proxy's namespace; otherwise the selector's labels
 * are all on the proxy (no selector selects every workload). Root namespace policies apply in
 * every namespace; other policies only in their own.
 */
export function policyApplies(policy: PolicyTargeting, namespace: string, proxy: Proxy, rootNamespace: string): boolean {
  if (namespace !== rootNamespace && namespace !== proxy.namespace) return false;
  const refs = [...(policy.targetRef ? [policy.targetRef] : []), ...(policy.targetRefs ?? [])];
  if (refs.length > 0) {
    const gatewayName = proxy.labels[GATEWAY_NAME_LABEL];
    return refs.some(
      (ref) =>
        ref.kind === 'Gateway' &&
        (ref.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' &&
        ref.name === gatewayName &&
        (ref.namespace ?? namespace) === proxy.namespace,
    );
  }
  return selectorMatches(policy.selector?.matchLabels, proxy.labels);
}

function byNamespace<S>(entries: readonly Named<S>[]): Map<string, Named<S>[]> {
  const map = new Map<string, Named<S>[]>();
  for (const e of entries) {
    let list = map.get(e.namespace);
    if (!list) map.set(e.namespace, (list = []));
    list.push(e);
  }
  return map;
}

/** Indexes the snapshot's security policies (already sorted by namespace then name). */
export function createAuthzPolicyIndex(config: ConfigSnapshot, rootNamespace: string): AuthzPolicyIndex {
  const authz = byNamespace(
    config.of('AuthorizationPolicy').map(({ resource: r }) => ({ namespace: r.metadata.namespace, name: r.metadata.name, spec: authorizationPolicyView(r.spec) })),
  );
  const authn = byNamespace(
    config.of('RequestAuthentication').map(({ resource: r }) => ({ namespace: r.metadata.namespace, name: r.metadata.name, spec: requestAuthenticationView(r.spec) })),
  );
  const applying = <S extends PolicyTargeting>(map: Map<string, Named<S>[]>, proxy: Proxy): Named<S>[] => {
    const namespaces = proxy.namespace === rootNamespace ? [rootNamespace] : [rootNamespace, proxy.namespace];
    return namespaces.flatMap((ns) => (map.get(ns) ?? []).filter((p) => policyApplies(p.spec, ns, proxy, rootNamespace)));
  };
  return {
    authorizationPoliciesFor(proxy) {
      const all = applying(authz, proxy);
      const of = (action: string) => all.filter((p) => (p.spec.action ?? 'ALLOW') === action);
      return { custom: of('CUSTOM'), deny: of('DENY'), allow: of('ALLOW'), audit: of('AUDIT') };
    },
    requestAuthenticationsFor: (proxy) => applying(authn, proxy),
  };
}

const indexes = new WeakMap<PushContext, AuthzPolicyIndex>();

/** The policy index of `push`, built on first use and kept as long as the push context lives. */
export function authzPolicyIndexOf(push: PushContext): AuthzPolicyIndex {
  let index = indexes.get(push);
  if (!index) indexes.set(push, (index = createAuthzPolicyIndex(push.config, push.mesh.rootNamespace)));
  return index;
}
