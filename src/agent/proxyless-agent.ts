// The agent beside a proxyless gRPC app: the workload certificate as files, renewed on the
// sidecar agent's schedule, and the gRPC xDS bootstrap that points the app at them.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log/index.js';
import type { CertificateAuthorityClient } from '../security/ca-client.js';
import type { WorkloadIdentity } from '../security/identity.js';
import type { AgentTimers, Random } from './agent-timers.js';
import { AGENT_DEFAULTS } from './agent.js';
import { writeFileAtomic } from './atomic-write.js';
import { certificateFilePaths, writeCertificateFiles } from './cert-files.js';
import { buildGrpcBootstrap, type GrpcBootstrapOptions } from './grpc-bootstrap.js';
import { createIdentityManager } from './identity-manager.js';
import type { RotationPolicy } from './rotation-policy.js';
import type { WorkloadCertificate } from './workload-certificate.js';

/** The bootstrap's file name in the output directory. */
export const GRPC_BOOTSTRAP_FILE = 'grpc-bootstrap.json';

export interface ProxylessAgentOptions {
  readonly identity: WorkloadIdentity;
  /** The CA; the agent closes it. Without one the app gets a plaintext bootstrap and no certificate. */
  readonly ca?: CertificateAuthorityClient;
  /** The certificate lifetime to ask for, ms (24h by default). */
  readonly certTtlMs?: number;
  /** Where the certificate files and the bootstrap go; created when missing. */
  readonly outputDir: string;
  /** The bootstrap's server and node; the certificate files are filled in by the agent. */
  readonly bootstrap: Omit<GrpcBootstrapOptions, 'certificateFiles'>;
  readonly log: Logger;
  readonly timers?: AgentTimers;
  readonly random?: Random;
  readonly policy?: Partial<RotationPolicy>;
}

export interface ProxylessAgent {
  /**
   * Creates the output directory and starts requesting the certificate. Resolves with the
   * bootstrap's path once it is written, which is after the first certificate files are (at once
   * without a CA). Rejects when the first files cannot be written. Call it once.
   */
  start(): Promise<string>;
  /** Stops rotation, closes the CA client and waits for a write in progress. The files stay. */
  close(): Promise<void>;
}

/** Creates the agent; nothing happens until {@link ProxylessAgent.start}. */
export function createProxylessAgent(options: ProxylessAgentOptions): ProxylessAgent {
  const { log } = options;
  const dir = resolve(options.outputDir);
  const paths = certificateFilePaths(dir);
  const bootstrapPath = join(dir, GRPC_BOOTSTRAP_FILE);
  const identity = options.ca
    ? createIdentityManager({
        identity: options.identity,
        ca: options.ca,
        certTtlMs: options.certTtlMs ?? AGENT_DEFAULTS.certTtlMs,
        log: log.child({ component: 'identity' }),
        ...(options.timers ? { timers: options.timers } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.policy ? { policy: options.policy } : {}),
      })
    : undefined;
  // Writes run one after another, so an older certificate never lands after a newer one.
  let writes: Promise<void> = Promise.resolve();

  const writeBootstrap = async (): Promise<string> => {
    const bootstrap = buildGrpcBootstrap({ ...options.bootstrap, ...(identity ? { certificateFiles: paths } : {}) });
    await writeFileAtomic(bootstrapPath, `${JSON.stringify(bootstrap, null, 2)}\n`, 0o644);
    log.info({ bootstrap: bootstrapPath, certificates: identity ? dir : null }, 'agent ready');
    return bootstrapPath;
  };

  const writeCertificate = (certificate: WorkloadCertificate): Promise<void> => {
    const write = writes.then(() => writeCertificateFiles(paths, certificate));
    writes = write.then(
      () => log.info({ dir, serial: certificate.serialNumber, notAfter: new Date(certificate.notAfter).toISOString() }, 'certificate files written'),
      (err: unknown) => log.error({ err, dir }, 'could not write the certificate files; the app keeps the previous ones'),
    );
    return write;
  };

  return {
    async start() {
      await mkdir(dir, { recursive: true });
      if (!identity) {
        log.warn('no CA token (--token-file or HEDDLE_TOKEN_FILE): writing a plaintext bootstrap without certificate providers, so this app has no identity and cannot use mTLS');
        return writeBootstrap();
      }
      const first = new Promise<WorkloadCertificate>((resolveFirst) => {
        let waiting = true;
        identity.onChange((certificate) => {
          if (!certificate) {
            log.error({ dir }, 'the certificate on disk has expired and the CA has not renewed it; the app\'s TLS handshakes will fail until it does');
            return;
          }
          if (waiting) {
            waiting = false;
            resolveFirst(certificate);
          } else {
            void writeCertificate(certificate).catch(() => undefined);
          }
        });
      });
      identity.start();
      await writeCertificate(await first);
      return writeBootstrap();
    },
    async close() {
      identity?.stop();
      options.ca?.close();
      await writes;
    },
  };
}
