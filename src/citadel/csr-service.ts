// The CSR service, Istio's `IstioCertificateService/CreateCertificate`: authenticates the caller's
// bootstrap token, signs its CSR for exactly that identity, and maps refusals to gRPC statuses.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/index.js';
import type { IstioCertificateServiceHandlers } from '../security/ca-service-definition.js';
import type { IstioCertificateRequest, IstioCertificateResponse } from '../security/istio-ca-messages.js';
import type { CaError, CaErrorCode, CaResult } from './ca-errors.js';
import { caFailure } from './ca-errors.js';
import type { BootstrapTokenVerifier, TokenIdentity } from './bootstrap-token.js';
import type { CertificateAuthority, IssuedCertificate } from './certificate-authority.js';
import type { CitadelMetrics } from './citadel-metrics.js';
import { parseCsr } from './csr-parse.js';

/** The one place a CA refusal becomes a gRPC status. */
export const CA_ERROR_STATUS: Readonly<Record<CaErrorCode, grpc.status>> = {
  'not-ready': grpc.status.UNAVAILABLE,
  'bad-csr': grpc.status.INVALID_ARGUMENT,
  ttl: grpc.status.INVALID_ARGUMENT,
  'identity-mismatch': grpc.status.PERMISSION_DENIED,
  unauthenticated: grpc.status.UNAUTHENTICATED,
};

export interface CsrServiceDeps {
  /** The CA, or undefined while it is not ready to sign. */
  readonly ca: () => CertificateAuthority | undefined;
  readonly tokens: BootstrapTokenVerifier;
  readonly log: Logger;
  readonly metrics?: CitadelMetrics;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

async function authenticate(deps: CsrServiceDeps, metadata: grpc.Metadata): Promise<CaResult<TokenIdentity>> {
  const header = metadata.get('authorization')[0];
  const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  if (!token) return caFailure('unauthenticated', 'no bearer token: send "authorization: Bearer <token>" metadata with a bootstrap token');
  return deps.tokens.verify(token);
}

/**
 * Creates the service's handlers. The caller authenticates with `authorization: Bearer <bootstrap
 * token>` metadata; the CSR must name exactly that identity. The answer's `cert_chain` is
 * [leaf, intermediates…, signing root, other trust-bundle roots…]: clients take every self-signed
 * certificate at its end as a trust-bundle root. Every refusal is logged with the claimed (CSR)
 * and the proven (token) identity.
 */
export function createCsrService(deps: CsrServiceDeps): IstioCertificateServiceHandlers {
  async function handle(request: IstioCertificateRequest, metadata: grpc.Metadata): Promise<{ result: CaResult<IssuedCertificate>; claimed?: string; proven?: string }> {
    const ca = deps.ca();
    if (!ca) return { result: caFailure('not-ready', 'the CA is not ready to sign yet; retry') };
    const csr = await parseCsr(request.csr);
    const claimed = csr.ok ? csr.value.uri : undefined;
    const auth = await authenticate(deps, metadata);
    if (!auth.ok) return { result: auth, claimed };
    const proven = `spiffe://${ca.trustDomain}/ns/${auth.value.namespace}/sa/${auth.value.serviceAccount}`;
    if (!csr.ok) return { result: csr, claimed, proven };
    return { result: await ca.sign(csr.value, request.validityDuration, auth.value), claimed, proven };
  }

  return {
    CreateCertificate(call: grpc.ServerUnaryCall<IstioCertificateRequest, IstioCertificateResponse>, callback: grpc.sendUnaryData<IstioCertificateResponse>) {
      deps.metrics?.csr();
      handle(call.request, call.metadata).then(
        ({ result, claimed, proven }) => {
          if (result.ok) {
            deps.metrics?.issued();
            deps.log.info({ identity: proven, notAfter: result.value.notAfter.toISOString(), peer: call.getPeer() }, `issued a certificate for ${proven}`);
            callback(null, { certChain: result.value.certChainPem });
            return;
          }
          const error: CaError = result.error;
          deps.metrics?.refused(error.code);
          deps.log.warn(
            { code: error.code, claimed: claimed ?? null, proven: proven ?? null, peer: call.getPeer() },
            `refused a CSR (${error.code}): ${error.message}`,
          );
          callback({ code: CA_ERROR_STATUS[error.code], details: error.message });
        },
        (err: unknown) => {
          deps.log.error({ err, peer: call.getPeer() }, 'signing a CSR failed');
          callback({ code: grpc.status.INTERNAL, details: `the CA failed: ${(err as Error).message}` });
        },
      );
    },
  };
}
