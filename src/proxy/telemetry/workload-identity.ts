// A workload's identity as the sidecar knows it, and the PeerWorkload that Istio's metrics label it with.
import type { PeerWorkload } from './events.js';

/** Who this sidecar's workload is: given by flags or node metadata, fixed for the process. */
export interface WorkloadIdentity {
  /** The workload name (a Deployment's name, say): `WORKLOAD_NAME` in Istio's metadata. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** The SPIFFE trust domain, `cluster.local` by default in Istio. */
  readonly trustDomain: string;
  /** The cluster ID (`Kubernetes` in a default Istio install). */
  readonly cluster: string;
  /** The workload's IP, for the metadata id; optional. */
  readonly ip?: string;
  /** The proxy's node type, first in the metadata id: `sidecar` (the default) or `router` for gateways. */
  readonly proxyType?: 'sidecar' | 'router';
}

/** The canonical service: `service.istio.io/canonical-name`, `app.kubernetes.io/name`, `app`, or the workload name. */
export function canonicalServiceOf(labels: Readonly<Record<string, string>>, workloadName: string): string {
  return labels['service.istio.io/canonical-name'] || labels['app.kubernetes.io/name'] || labels['app'] || workloadName;
}

/** The canonical revision: `service.istio.io/canonical-revision`, `app.kubernetes.io/version`, `version`, or `latest`. */
export function canonicalRevisionOf(labels: Readonly<Record<string, string>>): string {
  return labels['service.istio.io/canonical-revision'] || labels['app.kubernetes.io/version'] || labels['version'] || 'latest';
}

/** The SPIFFE ID `spiffe://<trustDomain>/ns/<ns>/sa/<sa>` of a workload. */
export function spiffePrincipal(identity: WorkloadIdentity): string {
  return `spiffe://${identity.trustDomain}/ns/${identity.namespace}/sa/${identity.serviceAccount}`;
}

/**
 * The metrics' view of a workload. The principal is filled only when `mtlsProven` (the peer's
 * certificate, or our own on an mTLS connection, carries it); on plaintext Istio reports "unknown",
 * which the empty string becomes in the labels.
 */
export function peerWorkloadFromIdentity(identity: WorkloadIdentity, mtlsProven: boolean): PeerWorkload {
  const labels = identity.labels;
  return Object.freeze({
    workload: identity.name,
    namespace: identity.namespace,
    principal: mtlsProven ? spiffePrincipal(identity) : '',
    app: labels['app'] || labels['app.kubernetes.io/name'] || '',
    version: labels['version'] || labels['app.kubernetes.io/version'] || '',
    canonicalService: canonicalServiceOf(labels, identity.name),
    canonicalRevision: canonicalRevisionOf(labels),
    cluster: identity.cluster,
  });
}
