// The benchmarks' TLS certificate: one self-signed ECDSA P-256 certificate, made by openssl, that
// both hops of a TLS pair present and trust (the nginx pair's and the Node TLS pipe pair's).
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Makes a self-signed P-256 certificate for `name` (subject CN and DNS SAN), valid 2 days, as
 * `tls-cert.pem` and `tls-key.pem` in `dir`; rejects with openssl's message when it fails.
 */
export function makeSelfSignedCertificate(dir: string, name: string): Promise<CertificateFiles> {
  const certFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', keyFile, '-out', certFile,
  ];
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 20_000 }, (err, _stdout, stderr) => {
      if (err) return reject(new Error(`openssl ${args.join(' ')} failed (is openssl installed?): ${err.message}\n${stderr}`));
      resolve({ certFile, keyFile });
    });
  });
}
