// The PKCS#10 CSR an agent sends its CA: the workload's public key and its SPIFFE ID as URI SAN.
import { KeyObject, sign } from 'node:crypto';
import { spiffeId, type WorkloadIdentity } from '../security/identity.js';
import { DER_TAG, derObjectIdentifier, encodeDer, type DerNode } from './der-encoding.js';
import type { WorkloadKey } from './workload-key.js';

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const SUBJECT_ALT_NAME = '2.5.29.17';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

const sequence = (...content: DerNode[]): DerNode => ({ tag: DER_TAG.sequence, content });

/**
 * Builds and signs a CSR, PEM, for `identity` with `key` (ECDSA P-256, signed with SHA-256). The
 * subject is empty, as in Istio's CSRs; the identity is the one URI SAN
 * `spiffe://<td>/ns/<ns>/sa/<sa>`, in a critical subjectAltName extension request.
 */
export async function createWorkloadCsr(identity: WorkloadIdentity, key: WorkloadKey): Promise<string> {
  const generalNames = sequence({ tag: DER_TAG.context6, content: Buffer.from(spiffeId(identity), 'ascii') });
  const subjectAltName = sequence(
    derObjectIdentifier(SUBJECT_ALT_NAME),
    { tag: DER_TAG.boolean, content: Uint8Array.of(0xff) },
    { tag: DER_TAG.octetString, content: encodeDer(generalNames) },
  );
  const info = encodeDer(sequence(
    { tag: DER_TAG.integer, content: Uint8Array.of(0) },
    sequence(),
    { encoded: key.publicKeySpki },
    { tag: DER_TAG.context0, content: [sequence(derObjectIdentifier(EXTENSION_REQUEST), { tag: DER_TAG.set, content: [sequence(subjectAltName)] })] },
  ));
  const signature = sign('sha256', info, { key: KeyObject.from(key.keys.privateKey), dsaEncoding: 'der' });
  const csr = encodeDer(sequence(
    { encoded: info },
    sequence(derObjectIdentifier(ECDSA_WITH_SHA256)),
    { tag: DER_TAG.bitString, content: Buffer.concat([Uint8Array.of(0), signature]) },
  ));
  const lines = csr.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----`;
}
