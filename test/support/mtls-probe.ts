// For the mTLS e2e tests: a TLS client that talks to a sidecar's inbound port as a peer sidecar
// would (Istio's ALPN, an optional client certificate), and workload certificates made for the
// occasion, signed by the mesh's CA or by a foreign one, valid or expired.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { signLeafCertificate } from '../../src/citadel/leaf-certificate.js';
import { loadOrCreateSelfSignedRoot } from '../../src/citadel/self-signed-root.js';
import { generateSigningKey } from '../../src/citadel/signing-key.js';

export interface TlsProbeOptions {
  readonly host: string;
  readonly port: number;
  /** The client certificate chain and its key, PEM; none is presented when absent. */
  readonly certPem?: string;
  readonly keyPem?: string;
  /** ALPN offered; Istio's in-mesh HTTP/1.1 by default, so the sidecar picks its mTLS chain. */
  readonly alpn?: readonly string[];
  /** Roots to verify the server's chain with (its name is not checked: workload certificates carry only a URI). */
  readonly caPem?: string;
  readonly path?: string;
  readonly timeoutMs?: number;
}

export interface TlsProbeResult {
  /** True when the client's side of the handshake completed. */
  readonly handshake: boolean;
  /** The HTTP status the server answered with; undefined when it closed or reset without an answer. */
  readonly status?: number;
  readonly body: string;
  /** The server's leaf certificate, when the handshake got that far. */
  readonly serverCertificate?: X509Certificate;
  /** Whether the server's chain verified against `caPem` (false without it). */
  readonly serverVerified: boolean;
  readonly alpn?: string;
  readonly error?: string;
}

/**
 * Connects with TLS, sends one `GET path` with `connection: close`, and reports what happened.
 * Never rejects: a refused handshake or a connection closed before an answer is a result.
 */
export function probeTls(options: TlsProbeOptions): Promise<TlsProbeResult> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      ALPNProtocols: [...(options.alpn ?? ['istio-http/1.1'])],
      ...(options.certPem ? { cert: options.certPem } : {}),
      ...(options.keyPem ? { key: options.keyPem } : {}),
      ...(options.caPem ? { ca: options.caPem } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    let handshake = false;
    let serverCertificate: X509Certificate | undefined;
    let serverVerified = false;
    let alpn: string | undefined;
    let error: string | undefined;
    let data = '';
    let done = false;
    const timer = setTimeout(() => {
      error ??= 'timed out';
      socket.destroy();
    }, options.timeoutMs ?? 5000);
    socket.setEncoding('utf8');
    socket.once('secureConnect', () => {
      handshake = true;
      const raw = socket.getPeerCertificate().raw as Buffer | undefined;
      serverCertificate = raw ? new X509Certificate(raw) : undefined;
      serverVerified = options.caPem !== undefined && socket.authorized;
      alpn = socket.alpnProtocol || undefined;
      socket.write(`GET ${options.path ?? '/'} HTTP/1.1\r\nhost: ${options.host}:${options.port}\r\nconnection: close\r\n\r\n`);
    });
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', (err) => {
      error ??= err.message;
    });
    socket.once('close', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      const split = data.indexOf('\r\n\r\n');
      resolve({
        handshake,
        ...(match ? { status: Number(match[1]) } : {}),
        body: split >= 0 ? data.slice(split + 4) : '',
        ...(serverCertificate ? { serverCertificate } : {}),
        serverVerified,
        ...(alpn ? { alpn } : {}),
        ...(error ? { error } : {}),
      });
    });
  });
}

/** The URI SANs of `cert` (`spiffe://…`). */
export function uriSans(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('URI:')).map((s) => s.slice(4));
}

/** A client certificate: the leaf, PEM, and its PKCS#8 key. */
export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * A workload certificate for `uri` signed by the self-signed root in `caDir` (the mesh's CA
 * directory, or a fresh one for a foreign CA), valid from `notBefore` to `notAfter`.
 */
export async function signTestCertificate(caDir: string, uri: string, validity: { notBefore: Date; notAfter: Date }): Promise<TestCertificate> {
  const authority = await loadOrCreateSelfSignedRoot(caDir, { trustDomain: 'cluster.local' });
  const key = await generateSigningKey();
  const certPem = await signLeafCertificate(authority, { publicKey: key.publicKey, sans: [{ type: 'url', value: uri }], ...validity });
  return { certPem, keyPem: key.pkcs8Pem };
}

/** Creates a self-signed root in `caDir` (as Citadel would) and returns its certificate, PEM. */
export async function createTestRoot(caDir: string): Promise<string> {
  return (await loadOrCreateSelfSignedRoot(caDir, { trustDomain: 'cluster.local' })).rootPem;
}

/** A currently valid certificate for `uri` from a CA the mesh has never seen (a root made and thrown away). */
export async function foreignCertificate(uri: string): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-foreign-ca-'));
  try {
    const now = Date.now();
    return await signTestCertificate(join(dir, 'ca'), uri, { notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
