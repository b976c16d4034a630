// The agent's client of the CSR service: Istio's `CreateCertificate` over gRPC, with the caller's
// token as `authorization: Bearer`, and gRPC failures turned into CaClientError kinds.
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { CaClientError, type CaClientErrorKind, type CertificateAuthorityClient, type SignedCertificate } from './ca-client.js';
import { CREATE_CERTIFICATE_PATH, istioCertificateServiceDefinition } from './ca-service-definition.js';
import type { IstioCertificateRequest, IstioCertificateResponse } from './istio-ca-messages.js';

/** Where the CA is and how to prove who we are. */
export interface GrpcCaClientOptions {
  /** `host:port` of the CSR service. */
  readonly address: string;
  /** The caller's bearer token, asked for on every call so a refreshed token is picked up. */
  readonly token: () => Promise<string>;
  /** TLS to the CA (15012): the root to trust and the name to expect (`istiod.istio-system.svc`). Plaintext when absent. */
  readonly tls?: { readonly rootCertPem: string; readonly serverName?: string };
}

const CALL_DEADLINE_MS = 30_000;

/** gRPC status → what the caller should do about it. */
function errorKind(code: grpc.status | undefined): CaClientErrorKind {
  switch (code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
    case grpc.status.CANCELLED:
    case grpc.status.RESOURCE_EXHAUSTED:
      return 'unavailable';
    case grpc.status.UNAUTHENTICATED:
      return 'unauthenticated';
    case grpc.status.PERMISSION_DENIED:
      return 'permission-denied';
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.FAILED_PRECONDITION:
      return 'invalid-request';
    default:
      return 'internal';
  }
}

function isSelfSigned(pem: string): boolean {
  const cert = new X509Certificate(pem);
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

/**
 * Splits a `cert_chain` (leaf first) into the chain and the trust bundle: every self-signed
 * certificate at the end is a trust-bundle root; the leaf always stays in the chain.
 */
export function splitCertChain(certChain: readonly string[]): SignedCertificate {
  let end = certChain.length;
  while (end > 1 && isSelfSigned(certChain[end - 1] as string)) end--;
  return { certChainPem: certChain.slice(0, end), trustBundlePem: certChain.slice(end) };
}

/**
 * Creates a client of Istio's CSR service at `address`. `createCertificate` rejects with
 * CaClientError: `unavailable` (retry later), `unauthenticated`, `permission-denied`,
 * `invalid-request` (fix the request or config) or `internal` (a bad answer).
 */
export function createGrpcCaClient(options: GrpcCaClientOptions): CertificateAuthorityClient {
  const credentials = options.tls ? grpc.credentials.createSsl(Buffer.from(options.tls.rootCertPem)) : grpc.credentials.createInsecure();
  const channelOptions: grpc.ChannelOptions = options.tls?.serverName
    ? { 'grpc.ssl_target_name_override': options.tls.serverName, 'grpc.default_authority': options.tls.serverName }
    : {};
  const client = new grpc.Client(options.address, credentials, channelOptions);
  const method = istioCertificateServiceDefinition.CreateCertificate;

  return {
    async createCertificate(request) {
      let token: string;
      try {
        token = await options.token();
      } catch (err) {
        throw new CaClientError('unauthenticated', `no token to present to the CA: ${(err as Error).message}`);
      }
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const message: IstioCertificateRequest = { csr: request.csrPem, validityDuration: Math.max(0, Math.floor(request.validitySeconds)) };
      const response = await new Promise<IstioCertificateResponse>((resolve, reject) => {
        client.makeUnaryRequest(
          CREATE_CERTIFICATE_PATH,
          method.requestSerialize,
          method.responseDeserialize,
          message,
          metadata,
          { deadline: Date.now() + CALL_DEADLINE_MS },
          (err, value) => {
            if (err) reject(new CaClientError(errorKind(err.code), `CA at ${options.address}: ${err.details || err.message}`));
            else if (!value) reject(new CaClientError('internal', `CA at ${options.address} answered with no message`));
            else resolve(value);
          },
        );
      });
      if (response.certChain.length === 0) throw new CaClientError('internal', `CA at ${options.address} returned an empty certificate chain`);
      try {
        return splitCertChain(response.certChain);
      } catch (err) {
        throw new CaClientError('internal', `CA at ${options.address} returned a certificate that does not parse: ${(err as Error).message}`);
      }
    },
    close() {
      client.close();
    },
  };
}
