// The workload's identity over time: a fresh key and CSR, a certificate from the CA, renewal at
// about half its lifetime, backoff while the CA is away, and the current certificate kept until
// it expires.
import type { Logger } from '../log/index.js';
import { CaClientError, type CertificateAuthorityClient, type SignedCertificate } from '../security/ca-client.js';
import { spiffeId, type WorkloadIdentity } from '../security/identity.js';
import { SYSTEM_AGENT_TIMERS, scheduleAt, type AgentTimers, type Random } from './agent-timers.js';
import { parseSignedCertificate } from './parse-signed-certificate.js';
import { DEFAULT_ROTATION_POLICY, backoffDelay, configErrorDelay, rotationTime, type RotationPolicy } from './rotation-policy.js';
import type { WorkloadCertificate } from './workload-certificate.js';
import { createWorkloadCsr } from './workload-csr.js';
import { createWorkloadKey, type WorkloadKey } from './workload-key.js';

export interface IdentityManagerOptions {
  readonly identity: WorkloadIdentity;
  /** The CA; the manager does not close it. */
  readonly ca: CertificateAuthorityClient;
  /** The lifetime to ask for, ms (Istio's default: 24h). The CA may shorten it. */
  readonly certTtlMs: number;
  readonly log: Logger;
  readonly timers?: AgentTimers;
  readonly random?: Random;
  readonly policy?: Partial<RotationPolicy>;
  /** Key generation; a new key for every certificate. */
  readonly createKey?: () => Promise<WorkloadKey>;
}

/** What admin shows about the workload's certificate. Dates are ISO 8601. */
export interface IdentityStatus {
  readonly spiffeId: string;
  /** `pending` before the first certificate, `valid` while one is served, `expired` after it lapsed unrenewed. */
  readonly state: 'pending' | 'valid' | 'expired';
  readonly serialNumber?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** When the next request to the CA goes out: the planned rotation, or the next retry. */
  readonly nextRotation?: string;
  /** Failed requests since the last certificate arrived. */
  readonly consecutiveFailures: number;
  readonly lastError?: string;
}

export interface IdentityManager {
  /** Requests the first certificate; later ones follow on their own. Calling it again does nothing. */
  start(): void;
  /** Cancels every timer; a request in flight is ignored when it returns. The current certificate stays readable. */
  stop(): void;
  /** The certificate to serve: undefined before the first one arrives and once it expired unrenewed. */
  current(): WorkloadCertificate | undefined;
  /** Calls `listener` with each new certificate, and with undefined when one expires unrenewed. */
  onChange(listener: (certificate: WorkloadCertificate | undefined) => void): () => void;
  /** Resolves once no request to the CA is in flight. */
  settled(): Promise<void>;
  status(): IdentityStatus;
}

/** Creates the manager; nothing happens until {@link IdentityManager.start}. */
export function createIdentityManager(options: IdentityManagerOptions): IdentityManager {
  const { identity, ca, log } = options;
  const timers = options.timers ?? SYSTEM_AGENT_TIMERS;
  const random = options.random ?? Math.random;
  const policy: RotationPolicy = { ...DEFAULT_ROTATION_POLICY, ...options.policy };
  const createKey = options.createKey ?? createWorkloadKey;
  const id = spiffeId(identity);
  const listeners = new Set<(certificate: WorkloadCertificate | undefined) => void>();

  let current: WorkloadCertificate | undefined;
  let expired = false;
  let started = false;
  let stopped = false;
  let inflight: Promise<void> | undefined;
  let nextAttemptAt: number | undefined;
  let cancelNext: (() => void) | undefined;
  let cancelExpiry: (() => void) | undefined;
  let failures = 0;
  let lastError: string | undefined;

  const notify = (certificate: WorkloadCertificate | undefined): void => {
    for (const listener of [...listeners]) {
      try {
        listener(certificate);
      } catch (err) {
        log.error({ err }, 'a certificate listener failed');
      }
    }
  };

  const scheduleAttempt = (at: number): void => {
    cancelNext?.();
    nextAttemptAt = at;
    cancelNext = scheduleAt(timers, at, () => {
      nextAttemptAt = undefined;
      cancelNext = undefined;
      void attempt();
    });
  };

  const install = (certificate: WorkloadCertificate): void => {
    current = certificate;
    expired = false;
    failures = 0;
    lastError = undefined;
    cancelExpiry?.();
    cancelExpiry = scheduleAt(timers, certificate.notAfter, expire);
    const next = rotationTime(certificate.notBefore, certificate.notAfter, timers.now(), policy, random);
    scheduleAttempt(next);
    log.info(
      { spiffeId: id, serial: certificate.serialNumber, notAfter: new Date(certificate.notAfter).toISOString(), nextRotation: new Date(next).toISOString() },
      'workload certificate issued',
    );
    notify(certificate);
  };

  const expire = (): void => {
    cancelExpiry = undefined;
    if (!current) return;
    log.error({ spiffeId: id, serial: current.serialNumber }, 'workload certificate expired without renewal; mTLS is unavailable until the CA answers');
    current = undefined;
    expired = true;
    notify(undefined);
  };

  const fail = (err: unknown, configError: boolean): void => {
    failures++;
    lastError = err instanceof Error ? err.message : String(err);
    const delay = configError ? configErrorDelay(policy, random) : backoffDelay(failures, policy, random);
    scheduleAttempt(timers.now() + delay);
    // A CA's answer says all in its message; anything else may be a bug, so keep its stack.
    const fields = { spiffeId: id, failures, retryInMs: delay, serving: current?.serialNumber ?? null, ...(err instanceof CaClientError ? {} : { err }) };
    if (configError) {
      log.error(fields, `configuration error: the CA will not issue ${id} (${lastError}); check the token and the CA's policy`);
    } else {
      log.warn(fields, `certificate request failed (${lastError}); retrying with backoff`);
    }
  };

  const request = async (): Promise<void> => {
    let key: WorkloadKey;
    let signed: SignedCertificate;
    try {
      key = await createKey();
      const csrPem = await createWorkloadCsr(identity, key);
      signed = await ca.createCertificate({ csrPem, validitySeconds: Math.max(1, Math.round(options.certTtlMs / 1000)) });
    } catch (err) {
      if (stopped) return;
      const kind = err instanceof CaClientError ? err.kind : undefined;
      fail(err, kind === 'unauthenticated' || kind === 'permission-denied' || kind === 'invalid-request');
      return;
    }
    if (stopped) return;
    const parsed = await parseSignedCertificate(signed, identity, key, timers.now());
    if (stopped) return;
    if (!parsed.ok) {
      fail(new Error(`rejected the CA's certificate: ${parsed.reason}`), true);
      return;
    }
    install(parsed.certificate);
  };

  const attempt = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    inflight ??= request().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      void attempt();
    },
    stop() {
      stopped = true;
      cancelNext?.();
      cancelExpiry?.();
      cancelNext = undefined;
      cancelExpiry = undefined;
      nextAttemptAt = undefined;
    },
    current() {
      if (current && current.notAfter <= timers.now()) return undefined;
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async settled() {
      while (inflight) await inflight;
    },
    status() {
      const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
      return {
        spiffeId: id,
        state: current ? 'valid' : expired ? 'expired' : 'pending',
        ...(current ? { serialNumber: current.serialNumber, notBefore: iso(current.notBefore), notAfter: iso(current.notAfter) } : {}),
        ...(nextAttemptAt !== undefined ? { nextRotation: iso(nextAttemptAt) } : {}),
        consecutiveFailures: failures,
        ...(lastError !== undefined ? { lastError } : {}),
      };
    },
  };
}
