// Reads what policy, headers and telemetry need out of a verified X.509 certificate: the SPIFFE
// principal, URI and DNS SANs, the subject in RFC 2253 form and the SHA-256 of its DER bytes.
import { createHash, type X509Certificate } from 'node:crypto';
import type { PeerCertificate } from '../http/exchange.js';

const SPIFFE = 'spiffe://';
// Node lists SANs as `URI:a, DNS:b`; a value with special characters comes JSON-quoted.
const SAN_SPLIT = /, (?=(?:DNS|URI|IP Address|email|othername|DirName|Registered ID):)/;

/** The SAN entries of Node's `subjectAltName` text, as `[type, value]` pairs. */
export function parseSubjectAltNames(text: string | undefined): [string, string][] {
  if (!text) return [];
  return text.split(SAN_SPLIT).map((entry) => {
    const at = entry.indexOf(':');
    let value = entry.slice(at + 1);
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        // Not JSON after all: keep the raw text.
      }
    }
    return [entry.slice(0, at), value];
  });
}

/** The first `spiffe://` URI among `uris`. */
export function spiffePrincipal(uris: readonly string[]): string | undefined {
  return uris.find((u) => u.startsWith(SPIFFE));
}

/** The subject as RFC 2253 prints it: most specific RDN first, comma-separated. */
function rfc2253(subject: string | undefined): string {
  // Workload certificates have an empty subject, which Node reports as undefined.
  return subject ? subject.split('\n').reverse().join(',') : '';
}

/** The PeerCertificate of a certificate (the caller has verified it). */
export function parsePeerCertificate(cert: X509Certificate): PeerCertificate {
  const uriSans: string[] = [];
  const dnsSans: string[] = [];
  for (const [type, value] of parseSubjectAltNames(cert.subjectAltName)) {
    if (type === 'URI') uriSans.push(value);
    else if (type === 'DNS') dnsSans.push(value);
  }
  const principal = spiffePrincipal(uriSans);
  return {
    ...(principal ? { principal } : {}),
    uriSans,
    dnsSans,
    subject: rfc2253(cert.subject),
    sha256: createHash('sha256').update(cert.raw).digest('hex'),
  };
}
