// Parses a workload's PKCS#10 CSR into what the CA signs: its public key and the SPIFFE ID it asks for.
import { parseSpiffeId, type WorkloadIdentity } from '../security/identity.js';
import { x509 } from '../security/x509.js';
import { caFailure, type CaResult } from './ca-errors.js';

/** A CSR whose signature verified. */
export interface ParsedCsr {
  readonly publicKey: x509.PublicKey;
  /** The one URI SAN, verbatim. */
  readonly uri: string;
  /** The identity that URI names. */
  readonly identity: WorkloadIdentity;
}

const SAN_OID = '2.5.29.17';
const SUPPORTED_KEYS = new Set(['ECDSA', 'RSASSA-PKCS1-v1_5', 'RSA-PSS']);

/**
 * Parses `pem` as a CSR. Refuses (`bad-csr`) one that does not parse, whose signature does not
 * verify, whose key is neither EC nor RSA, or whose SAN is not exactly one URI naming a SPIFFE ID
 * of Istio's form (`spiffe://<td>/ns/<ns>/sa/<sa>`). Other SAN types are ignored: the CA never
 * copies them into the certificate.
 */
export async function parseCsr(pem: string): Promise<CaResult<ParsedCsr>> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    return caFailure('bad-csr', `the CSR is not a PEM PKCS#10 request: ${(err as Error).message}`);
  }
  // verify() throws, rather than returning false, on keys WebCrypto cannot import.
  const verified = await csr.verify().catch(() => false);
  if (!verified) return caFailure('bad-csr', 'the CSR signature does not verify, or its key type is not supported (use EC or RSA)');
  if (!SUPPORTED_KEYS.has(csr.publicKey.algorithm.name)) return caFailure('bad-csr', `the CSR key is ${csr.publicKey.algorithm.name}; use EC or RSA`);
  const san = csr.getExtension(SAN_OID);
  const names = san instanceof x509.SubjectAlternativeNameExtension ? san.names.items : [];
  const uris = names.filter((n) => n.type === 'url').map((n) => n.value);
  if (uris.length !== 1) return caFailure('bad-csr', `the CSR must carry exactly one URI SAN (a SPIFFE ID); it has ${uris.length}`);
  const uri = uris[0] as string;
  const identity = parseSpiffeId(uri);
  if (!identity) return caFailure('bad-csr', `the CSR's URI SAN "${uri}" is not a SPIFFE ID of the form spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>`);
  return { ok: true, value: { publicKey: csr.publicKey, uri, identity } };
}
