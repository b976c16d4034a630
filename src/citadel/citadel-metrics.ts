// Citadel's Prometheus metrics, under Istio's names, on the control plane's registry.
import { Counter, Gauge, Registry } from 'prom-client';
import type { CaErrorCode } from './ca-errors.js';

/** What the CSR service counts. */
export interface CitadelMetrics {
  /** A CSR arrived. */
  csr(): void;
  /** A certificate was issued. */
  issued(): void;
  /** A CSR was refused, for `code`. */
  refused(code: CaErrorCode): void;
  /** The signing root's expiry, for the expiry gauge. */
  rootExpiry(notAfter: Date): void;
}

/** Registers Citadel's metrics in `registry` (a private one when absent). */
export function createCitadelMetrics(registry: Registry = new Registry()): CitadelMetrics {
  const registers = [registry];
  const csrs = new Counter({ name: 'citadel_server_csr_count', help: 'CSRs received by the CA.', registers });
  const issued = new Counter({ name: 'citadel_server_success_cert_issuance_count', help: 'Certificates issued by the CA.', registers });
  const signErrors = new Counter({ name: 'citadel_server_csr_sign_err_count', help: 'CSRs refused, by reason.', labelNames: ['error'], registers });
  const authFailures = new Counter({ name: 'citadel_server_authentication_failure_count', help: 'CSRs whose caller was not authenticated.', registers });
  const rootExpiry = new Gauge({ name: 'citadel_server_root_cert_expiry_timestamp', help: 'Unix time (s) at which the signing root expires.', registers });
  return {
    csr: () => csrs.inc(),
    issued: () => issued.inc(),
    refused: (code) => {
      if (code === 'unauthenticated') authFailures.inc();
      else signErrors.inc({ error: code });
    },
    rootExpiry: (notAfter) => rootExpiry.set(Math.floor(notAfter.getTime() / 1000)),
  };
}
