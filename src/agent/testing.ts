// Test support for the agent: a CA that signs real certificates (and misbehaves on cue), a manual
// wall clock with timers, and a logger that keeps its lines. Tests only.
import { pino, type Logger } from 'pino';
import { webcrypto } from 'node:crypto';
import { CaClientError, type CertificateAuthorityClient, type CertificateRequest, type SignedCertificate } from '../security/ca-client.js';
import { x509 } from '../security/x509.js';
import type { AgentTimers } from './agent-timers.js';

type KeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** What the fake CA does with the next request. */
export type FakeCaStep =
  | { readonly kind: 'sign' }
  | { readonly kind: 'fail'; readonly error: CaClientError }
  /** Signs, but for another URI SAN than the CSR asked for. */
  | { readonly kind: 'wrong-identity'; readonly uri: string }
  /** Signs another key than the CSR's. */
  | { readonly kind: 'wrong-key' }
  /** Signs with a CA outside the trust bundle it returns. */
  | { readonly kind: 'untrusted' };

export interface FakeCa extends CertificateAuthorityClient {
  /** Every request received, in order. */
  readonly requests: CertificateRequest[];
  /** The root it returns as trust bundle, PEM. */
  readonly rootPem: string;
  /** Queues what the next requests get; with nothing queued, it signs. */
  script(...steps: FakeCaStep[]): void;
  /** Drops every queued step: from now on it signs. */
  reset(): void;
  closed: boolean;
}

async function generateKeys(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as unknown as KeyPair;
}

async function createCaCert(name: string, keys: KeyPair, issuer?: { name: string; keys: KeyPair }): Promise<x509.X509Certificate> {
  const extensions = [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)];
  if (!issuer) return x509.X509CertificateGenerator.createSelfSigned({ name, keys, signingAlgorithm: SIGNING, extensions, notBefore: new Date(0), notAfter: new Date('2100-01-01') });
  return x509.X509CertificateGenerator.create({
    subject: name, issuer: issuer.name, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey,
    signingAlgorithm: SIGNING, extensions, notBefore: new Date(0), notAfter: new Date('2100-01-01'),
  });
}

/**
 * A CA with a root and an intermediate that signs CSRs as asked: the CSR's key and URI SAN, valid
 * from `now()` for the requested lifetime (at most `maxLifetimeMs`).
 */
export async function createFakeCa(now: () => number, maxLifetimeMs = Number.MAX_SAFE_INTEGER): Promise<FakeCa> {
  const rootKeys = await generateKeys();
  const root = await createCaCert('CN=Test Root', rootKeys);
  const intermediateKeys = await generateKeys();
  const intermediate = await createCaCert('CN=Test Intermediate', intermediateKeys, { name: 'CN=Test Root', keys: rootKeys });
  const rogueKeys = await generateKeys();
  const steps: FakeCaStep[] = [];
  const requests: CertificateRequest[] = [];

  const ca: FakeCa = {
    requests,
    rootPem: root.toString('pem'),
    closed: false,
    script: (...more) => void steps.push(...more),
    reset: () => void steps.splice(0),
    close: () => void (ca.closed = true),
    async createCertificate(request): Promise<SignedCertificate> {
      requests.push(request);
      const step = steps.shift() ?? { kind: 'sign' };
      if (step.kind === 'fail') throw step.error;
      const csr = new x509.Pkcs10CertificateRequest(request.csrPem);
      if (!(await csr.verify())) throw new CaClientError('invalid-request', 'bad CSR signature');
      const san = sanOf(csr);
      const uri = step.kind === 'wrong-identity' ? step.uri : san?.names.items.find((n) => n.type === 'url')?.value ?? '';
      const publicKey = step.kind === 'wrong-key' ? (await generateKeys()).publicKey : await csr.publicKey.export();
      const signer = step.kind === 'untrusted' ? rogueKeys.privateKey : intermediateKeys.privateKey;
      const start = now();
      const leaf = await x509.X509CertificateGenerator.create({
        issuer: 'CN=Test Intermediate', publicKey, signingKey: signer, signingAlgorithm: SIGNING,
        notBefore: new Date(start), notAfter: new Date(start + Math.min(request.validitySeconds * 1000, maxLifetimeMs)),
        extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: uri }], true)],
      });
      return { certChainPem: [leaf.toString('pem'), intermediate.toString('pem')], trustBundlePem: [root.toString('pem')] };
    },
  };
  return ca;
}

/** A wall clock that moves only when told, with timers that fire as it passes them. */
export interface ManualTimers extends AgentTimers {
  /** Moves the clock by `ms`, firing due timers in time order. */
  advance(ms: number): void;
  /** Moves the clock to `at` (ms since the epoch). */
  advanceTo(at: number): void;
  /** The due times of pending timers, soonest first. */
  pending(): number[];
}

export function createManualTimers(start: number): ManualTimers {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const self: ManualTimers = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance: (ms) => self.advanceTo(now + ms),
    advanceTo(at) {
      for (let i = 0; i < 10_000; i++) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= at).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = Math.max(now, at);
    },
    pending: () => [...timers.values()].map((t) => t.at).sort((a, b) => a - b),
  };
  return self;
}

/** A logger that keeps every line, parsed, for assertions. */
export function createCapturingLogger(): { log: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, lines };
}

/** The URI SAN extension of a CSR, if any. */
export function sanOf(csr: x509.Pkcs10CertificateRequest): x509.SubjectAlternativeNameExtension | undefined {
  return csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
}

/** A self-signed certificate and its PKCS#8 key, PEM, for file secret tests. */
export async function createSelfSignedPem(name: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: `CN=${name}`, keys, signingAlgorithm: SIGNING });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey));
  return { certPem: cert.toString('pem') + '\n', keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n` };
}
