// Server-side TLS settings (Gateway `servers[].tls`, Sidecar `ingress[].tls`): modes and where certificates come from.
import type { FieldPath } from '../../../api/index.js';
import type { Reporter } from '../reporter.js';

/** The fields of Istio's ServerTLSSettings that the rules below read. */
export interface ServerTlsSettings {
  readonly mode?: string;
  readonly httpsRedirect?: boolean;
  readonly credentialName?: string;
  readonly credentialNames?: readonly string[];
  readonly caCertCredentialName?: string;
  readonly serverCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly caCrl?: string;
  readonly tlsCertificates?: ReadonlyArray<{ serverCertificate?: string; privateKey?: string; caCertificates?: string }>;
  readonly minProtocolVersion?: string;
  readonly maxProtocolVersion?: string;
  readonly cipherSuites?: readonly string[];
}

const VERSION_ORDER = ['TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];

// The cipher names BoringSSL (and so Envoy) accepts for TLS 1.0–1.2.
const CIPHER_SUITES: ReadonlySet<string> = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
]);

function isKnownCipher(name: string): boolean {
  if (name === '' || name === 'ALL') return true;
  // An equal-preference group, such as "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]".
  if (name.startsWith('[') && name.endsWith(']')) return name.slice(1, -1).split('|').every((n) => CIPHER_SUITES.has(n));
  return CIPHER_SUITES.has(name);
}

const set = (v: string | undefined): v is string => v !== undefined && v !== '';

/**
 * Reports the problems of server TLS settings at `path` (the `tls` field): certificates that the
 * mode cannot use or is missing, more than one certificate source, protocol versions out of order,
 * and unknown or repeated cipher suites. The mode defaults to PASSTHROUGH, as in Istio.
 */
export function checkServerTls(tls: ServerTlsSettings, path: FieldPath, report: Reporter): void {
  const mode = tls.mode ?? 'PASSTHROUGH';
  const at = (field: string | number, ...rest: (string | number)[]): FieldPath => [...path, field, ...rest];
  const credentialNames = tls.credentialNames ?? [];
  const tlsCertificates = tls.tlsCertificates ?? [];

  checkVersionsAndCiphers(tls, path, report);

  // Every field that supplies a certificate, key or CA, in the order they are reported.
  const certificateFields = (['serverCertificate', 'privateKey', 'caCertificates', 'caCrl', 'credentialName'] as const)
    .filter((f) => set(tls[f])) as string[];
  if (credentialNames.length > 0) certificateFields.push('credentialNames');
  if (tlsCertificates.length > 0) certificateFields.push('tlsCertificates');

  if (mode === 'ISTIO_MUTUAL') {
    // The mesh's own workload certificate is used; any other certificate is a mistake.
    for (const f of certificateFields.filter((f) => f !== 'caCrl')) {
      report.error(at(f), `ISTIO_MUTUAL uses the mesh's own certificates, so ${f} must not be set`);
    }
    return;
  }
  if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') {
    for (const f of certificateFields) report.warning(at(f), `${mode} forwards TLS without terminating it, so ${f} is ignored`);
  }

  const fileSource = set(tls.serverCertificate) ? 'serverCertificate' : set(tls.privateKey) ? 'privateKey' : undefined;
  const sources = [
    fileSource,
    set(tls.credentialName) ? 'credentialName' : undefined,
    credentialNames.length > 0 ? 'credentialNames' : undefined,
    tlsCertificates.length > 0 ? 'tlsCertificates' : undefined,
  ].filter((s): s is string => s !== undefined);
  if (sources.length > 1) {
    const where = sources.find((s) => s !== fileSource)!;
    report.error(at(where), `${sources.join(' and ')} are alternative certificate sources: set only one of credentialName, credentialNames, serverCertificate with privateKey, or tlsCertificates`);
  }

  const terminates = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  const fromCredential = set(tls.credentialName) || credentialNames.length > 0;
  if (terminates && !fromCredential) {
    const mutual = mode !== 'SIMPLE';
    if (mutual && !set(tls.caCertificates) && !set(tls.caCertCredentialName)) {
      report.error(at('caCertificates'), `${mode} verifies client certificates, so it needs caCertificates (or a credentialName that holds the CA)`);
    }
    if (tlsCertificates.length > 2) report.warning(at('tlsCertificates'), 'at most 2 server certificates (one RSA, one ECDSA) are used');
    if (tlsCertificates.length > 0) {
      tlsCertificates.forEach((cert, i) => checkKeyPair(cert, at('tlsCertificates', i), mode, report));
    } else {
      checkKeyPair(tls, path, mode, report);
    }
  }

  if (set(tls.caCrl)) {
    if (set(tls.credentialName)) report.error(at('caCrl'), 'with credentialName, the CRL must come from the credential (its ca.crl key), not caCrl');
    if (mode === 'SIMPLE') report.error(at('caCrl'), 'SIMPLE mode does not verify client certificates, so caCrl has no effect; use MUTUAL');
  }
}

function checkKeyPair(cert: { serverCertificate?: string; privateKey?: string }, path: FieldPath, mode: string, report: Reporter): void {
  const hint = 'set serverCertificate and privateKey, or use credentialName';
  if (!set(cert.serverCertificate)) report.error([...path, 'serverCertificate'], `${mode} mode terminates TLS and needs a server certificate: ${hint}`);
  if (!set(cert.privateKey)) report.error([...path, 'privateKey'], `${mode} mode terminates TLS and needs a private key: ${hint}`);
}

function checkVersionsAndCiphers(tls: ServerTlsSettings, path: FieldPath, report: Reporter): void {
  const min = VERSION_ORDER.indexOf(tls.minProtocolVersion ?? '');
  const max = VERSION_ORDER.indexOf(tls.maxProtocolVersion ?? '');
  if (min >= 0 && max >= 0 && min > max) {
    report.error([...path, 'minProtocolVersion'], `minProtocolVersion ${tls.minProtocolVersion} is above maxProtocolVersion ${tls.maxProtocolVersion}`);
  }
  const ciphers = tls.cipherSuites ?? [];
  if (min >= 0 && min < 2 && ciphers.length === 0) {
    report.warning([...path, 'cipherSuites'], `${tls.minProtocolVersion} needs cipherSuites that it supports: the default ciphers are for TLS 1.2 and above`);
  }
  const seen = new Set<string>();
  ciphers.forEach((c, i) => {
    if (!isKnownCipher(c)) report.warning([...path, 'cipherSuites', i], `unknown cipher suite "${c}" is ignored`);
    else if (seen.has(c)) report.warning([...path, 'cipherSuites', i], `cipher suite "${c}" is listed more than once`);
    seen.add(c);
  });
}
