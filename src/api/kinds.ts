// The Istio kinds Heddle accepts, with the apiVersions Istio accepts for each.

/** An Istio config kind that Heddle understands. */
export type IstioKind =
  | 'VirtualService'
  | 'DestinationRule'
  | 'Gateway'
  | 'ServiceEntry'
  | 'WorkloadEntry'
  | 'WorkloadGroup'
  | 'Sidecar'
  | 'PeerAuthentication'
  | 'AuthorizationPolicy'
  | 'RequestAuthentication';

/** What Heddle knows about one kind. */
export interface KindInfo {
  readonly kind: IstioKind;
  readonly group: 'networking.istio.io' | 'security.istio.io';
  /** Accepted versions, newest first. */
  readonly versions: readonly string[];
}

const NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
const SECURITY_VERSIONS = ['v1', 'v1beta1'] as const;

function networking(kind: IstioKind): KindInfo {
  return { kind, group: 'networking.istio.io', versions: NETWORKING_VERSIONS };
}
function security(kind: IstioKind): KindInfo {
  return { kind, group: 'security.istio.io', versions: SECURITY_VERSIONS };
}

/** Every kind Heddle accepts, keyed by kind name. */
export const KINDS: Readonly<Record<IstioKind, KindInfo>> = {
  VirtualService: networking('VirtualService'),
  DestinationRule: networking('DestinationRule'),
  Gateway: networking('Gateway'),
  ServiceEntry: networking('ServiceEntry'),
  WorkloadEntry: networking('WorkloadEntry'),
  WorkloadGroup: networking('WorkloadGroup'),
  Sidecar: networking('Sidecar'),
  PeerAuthentication: security('PeerAuthentication'),
  AuthorizationPolicy: security('AuthorizationPolicy'),
  RequestAuthentication: security('RequestAuthentication'),
};

/** True when `kind` names a kind Heddle accepts. */
export function isIstioKind(kind: string): kind is IstioKind {
  return Object.hasOwn(KINDS, kind);
}

/** The apiVersions (`group/version`) accepted for `kind`. */
export function apiVersionsOf(kind: IstioKind): string[] {
  const info = KINDS[kind];
  return info.versions.map((v) => `${info.group}/${v}`);
}
