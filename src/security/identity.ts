// Workload identity as SPIFFE IDs: `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>`.

/** Who a workload is: the parts of its SPIFFE ID. */
export interface WorkloadIdentity {
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

const SPIFFE_PREFIX = 'spiffe://';

/** The SPIFFE ID URI of `identity`. */
export function spiffeId(identity: WorkloadIdentity): string {
  return `${SPIFFE_PREFIX}${identity.trustDomain}/ns/${identity.namespace}/sa/${identity.serviceAccount}`;
}

/** The identity a SPIFFE ID names, or undefined when `uri` is not of Istio's form. */
export function parseSpiffeId(uri: string): WorkloadIdentity | undefined {
  if (!uri.startsWith(SPIFFE_PREFIX)) return undefined;
  const parts = uri.slice(SPIFFE_PREFIX.length).split('/');
  if (parts.length !== 5 || parts[1] !== 'ns' || parts[3] !== 'sa') return undefined;
  const [trustDomain, , namespace, , serviceAccount] = parts as [string, string, string, string, string];
  if (!trustDomain || !namespace || !serviceAccount) return undefined;
  return { trustDomain, namespace, serviceAccount };
}
