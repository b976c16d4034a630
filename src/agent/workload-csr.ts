// The PKCS#10 CSR an agent sends its CA: the workload's public key and its SPIFFE ID as URI SAN.
import { spiffeId, type WorkloadIdentity } from '../security/identity.js';
import { x509 } from '../security/x509.js';
import { WORKLOAD_SIGNING_ALGORITHM, type WorkloadKey } from './workload-key.js';

type CsrParams = Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0];

/**
 * Builds and signs a CSR, PEM, for `identity` with `key`. The subject is empty, as in Istio's
 * CSRs; the identity is the one URI SAN `spiffe://<td>/ns/<ns>/sa/<sa>`.
 */
export async function createWorkloadCsr(identity: WorkloadIdentity, key: WorkloadKey): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys: key.keys as unknown as CsrParams['keys'],
    signingAlgorithm: WORKLOAD_SIGNING_ALGORITHM,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeId(identity) }], true)],
  });
  return csr.toString('pem');
}
