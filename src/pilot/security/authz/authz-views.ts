// Narrow views of AuthorizationPolicy and RequestAuthentication specs: only the fields Pilot reads.
import type { AuthorizationPolicySpec, RequestAuthenticationSpec } from '../../../api/index.js';

/** A workload selector, or a reference to a Gateway (Istio's targetRef). */
export interface PolicyTargetRef {
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Where a policy applies: a label selector, target references, or (neither) the whole namespace. */
export interface PolicyTargeting {
  readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
  readonly targetRef?: PolicyTargetRef;
  readonly targetRefs?: readonly PolicyTargetRef[];
}

/** `from.source` of a rule. */
export interface AuthzSource {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly requestPrincipals?: readonly string[];
  readonly notRequestPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly notNamespaces?: readonly string[];
  readonly serviceAccounts?: readonly string[];
  readonly notServiceAccounts?: readonly string[];
  readonly ipBlocks?: readonly string[];
  readonly notIpBlocks?: readonly string[];
  readonly remoteIpBlocks?: readonly string[];
  readonly notRemoteIpBlocks?: readonly string[];
}

/** `to.operation` of a rule. */
export interface AuthzOperation {
  readonly hosts?: readonly string[];
  readonly notHosts?: readonly string[];
  readonly ports?: readonly string[];
  readonly notPorts?: readonly string[];
  readonly methods?: readonly string[];
  readonly notMethods?: readonly string[];
  readonly paths?: readonly string[];
  readonly notPaths?: readonly string[];
}

/** One `when` condition. */
export interface AuthzCondition {
  readonly key: string;
  readonly values?: readonly string[];
  readonly notValues?: readonly string[];
}

/** One rule: it matches when some `from`, some `to` and every `when` match. */
export interface AuthzRule {
  readonly from?: readonly { readonly source?: AuthzSource }[];
  readonly to?: readonly { readonly operation?: AuthzOperation }[];
  readonly when?: readonly AuthzCondition[];
}

export type AuthzAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/** The AuthorizationPolicy spec as Pilot reads it. */
export interface AuthorizationPolicyView extends PolicyTargeting {
  readonly action?: AuthzAction;
  readonly provider?: { readonly name?: string };
  readonly rules?: readonly AuthzRule[];
}

/** One `jwtRules` entry of a RequestAuthentication. */
export interface JwtRuleView {
  readonly issuer?: string;
  readonly audiences?: readonly string[];
  readonly jwks?: string;
  readonly jwksUri?: string;
  readonly jwks_uri?: string;
  readonly fromHeaders?: readonly { readonly name: string; readonly prefix?: string }[];
  readonly fromParams?: readonly string[];
  readonly fromCookies?: readonly string[];
  readonly forwardOriginalToken?: boolean;
  readonly outputPayloadToHeader?: string;
  readonly outputClaimToHeaders?: readonly { readonly claim: string; readonly header: string }[];
  readonly spaceDelimitedClaims?: readonly string[];
}

/** The RequestAuthentication spec as Pilot reads it. */
export interface RequestAuthenticationView extends PolicyTargeting {
  readonly jwtRules?: readonly JwtRuleView[];
}

/** The policy's spec through the narrow view (checked assignable at compile time). */
export function authorizationPolicyView(spec: AuthorizationPolicySpec): AuthorizationPolicyView {
  return spec;
}

/** The RequestAuthentication's spec through the narrow view (checked assignable at compile time). */
export function requestAuthenticationView(spec: RequestAuthenticationSpec): RequestAuthenticationView {
  return spec;
}
