// Typed models of the Istio API, taken from the types that @kubernetes-models/istio generates
// from Istio's CRD schemas, so that they cannot drift from the schema that validates them.
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry';
import type { IWorkloadEntry } from '@kubernetes-models/istio/networking.istio.io/v1/WorkloadEntry';
import type { IWorkloadGroup } from '@kubernetes-models/istio/networking.istio.io/v1/WorkloadGroup';
import type { ISidecar } from '@kubernetes-models/istio/networking.istio.io/v1/Sidecar';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { IRequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication';
import type { IstioKind } from './kinds.js';

export type VirtualServiceSpec = NonNullable<IVirtualService['spec']>;
export type DestinationRuleSpec = NonNullable<IDestinationRule['spec']>;
export type GatewaySpec = NonNullable<IGateway['spec']>;
export type ServiceEntrySpec = NonNullable<IServiceEntry['spec']>;
export type WorkloadEntrySpec = NonNullable<IWorkloadEntry['spec']>;
export type WorkloadGroupSpec = NonNullable<IWorkloadGroup['spec']>;
export type SidecarSpec = NonNullable<ISidecar['spec']>;
export type PeerAuthenticationSpec = NonNullable<IPeerAuthentication['spec']>;
export type AuthorizationPolicySpec = NonNullable<IAuthorizationPolicy['spec']>;
export type RequestAuthenticationSpec = NonNullable<IRequestAuthentication['spec']>;

/** The spec type of each kind. */
export interface SpecOf {
  VirtualService: VirtualServiceSpec;
  DestinationRule: DestinationRuleSpec;
  Gateway: GatewaySpec;
  ServiceEntry: ServiceEntrySpec;
  WorkloadEntry: WorkloadEntrySpec;
  WorkloadGroup: WorkloadGroupSpec;
  Sidecar: SidecarSpec;
  PeerAuthentication: PeerAuthenticationSpec;
  AuthorizationPolicy: AuthorizationPolicySpec;
  RequestAuthentication: RequestAuthenticationSpec;
}

/** Object metadata, as far as Heddle reads it. The namespace is always filled in. */
export interface ResourceMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
}

/** A parsed Istio resource of kind `K`. */
export interface Resource<K extends IstioKind = IstioKind> {
  readonly apiVersion: string;
  readonly kind: K;
  readonly metadata: ResourceMeta;
  readonly spec: SpecOf[K];
}

/** Any Istio resource, discriminated by `kind`. */
export type AnyResource = { [K in IstioKind]: Resource<K> }[IstioKind];

/** `namespace/name`, the key of a resource within its kind. */
export function resourceKey(r: { metadata: { namespace: string; name: string } }): string {
  return `${r.metadata.namespace}/${r.metadata.name}`;
}
