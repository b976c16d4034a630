// Citadel in one piece for the control plane: the CA, the bootstrap token verifier, the CSR
// service ready to add to a gRPC server, and TLS credentials for the secure port (15012).
import * as grpc from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import { istioCertificateServiceDefinition } from '../security/ca-service-definition.js';
import { createBootstrapTokenVerifier } from './bootstrap-token.js';
import { createCertificateAuthority, DEFAULT_MAX_CERT_TTL_SECONDS, type CertificateAuthority, type CertificateAuthorityConfig } from './certificate-authority.js';
import { createCitadelMetrics } from './citadel-metrics.js';
import { createCsrService } from './csr-service.js';
import { generateSigningKey } from './signing-key.js';

/** The names the control plane's serving certificate carries, as Istio's istiod certificate does. */
export const CONTROL_PLANE_DNS_NAMES = ['istiod.istio-system.svc', 'istiod.istio-system.svc.cluster.local', 'istiod', 'localhost'];
export const CONTROL_PLANE_IPS = ['127.0.0.1', '::1'];

/** A gRPC service and its handlers, to add to a server. */
export interface GrpcServiceRegistration {
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
}

/** A ready Citadel. */
export interface Citadel {
  readonly ca: CertificateAuthority;
  /** `istio.v1.auth.IstioCertificateService`. */
  readonly service: GrpcServiceRegistration;
  /** Server TLS with a certificate signed by the CA for {@link CONTROL_PLANE_DNS_NAMES} and loopback. */
  readonly serverCredentials: grpc.ServerCredentials;
  /** That serving certificate's chain, leaf first. */
  readonly serverCertChainPem: readonly string[];
}

/** Creates Citadel: loads or creates the CA and token key in `config.caDir`, signs the serving certificate. */
export async function createCitadel(config: CertificateAuthorityConfig, deps: { log: Logger; metricsRegistry?: Registry }): Promise<Citadel> {
  const ca = await createCertificateAuthority(config);
  const tokens = await createBootstrapTokenVerifier(config.caDir, config.now ? { now: config.now } : {});
  const metrics = createCitadelMetrics(deps.metricsRegistry);
  metrics.rootExpiry(new Date(new X509Certificate(ca.authority.rootPem).validTo));
  const implementation = createCsrService({ ca: () => ca, tokens, log: deps.log, metrics });

  const key = await generateSigningKey();
  const start = (config.now ?? (() => new Date()))().getTime();
  const serverCertChainPem = await ca.signLeaf({
    publicKey: key.publicKey,
    sans: [...CONTROL_PLANE_DNS_NAMES.map((value) => ({ type: 'dns' as const, value })), ...CONTROL_PLANE_IPS.map((value) => ({ type: 'ip' as const, value }))],
    notBefore: new Date(start - 60_000),
    notAfter: new Date(start + (config.maxTtlSeconds ?? DEFAULT_MAX_CERT_TTL_SECONDS) * 1000),
  });
  const serverCredentials = grpc.ServerCredentials.createSsl(
    null,
    [{ private_key: Buffer.from(key.pkcs8Pem), cert_chain: Buffer.from(serverCertChainPem.join('')) }],
    false,
  );
  return {
    ca,
    service: { definition: istioCertificateServiceDefinition, implementation },
    serverCredentials,
    serverCertChainPem,
  };
}
