// The gRPC xDS bootstrap a proxyless app reads through GRPC_XDS_BOOTSTRAP, in the shape Istio's
// agent writes: the control plane, Istio's node, the certificate files and the server template.
import type { CertificateFilePaths } from './cert-files.js';

/** The name Pilot's TLS contexts give the certificate provider instance (Istio's). */
export const GRPC_CERTIFICATE_PROVIDER = 'default';
/** How often grpc-js re-reads the certificate files; its parser takes only seconds (`<n>s`). */
export const GRPC_CERTIFICATE_REFRESH_INTERVAL = '5s';
/** The listener name a gRPC xDS server asks for, `%s` being its `ip:port` (Istio's). */
export const GRPC_SERVER_LISTENER_TEMPLATE = 'xds.istio.io/grpc/lds/inbound/%s';

/** Who the app is and where its control plane and certificates are. */
export interface GrpcBootstrapOptions {
  /** `host:port` of the xDS server. */
  readonly xdsAddress: string;
  /** The workload's name (a Deployment's, say). */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The workload's instance IP. */
  readonly ip: string;
  /** The certificate files; without them the bootstrap has no certificate provider (plaintext only). */
  readonly certificateFiles?: CertificateFilePaths;
}

/** The bootstrap file's JSON, as grpc-js-xds reads it. */
export interface GrpcBootstrap {
  readonly xds_servers: ReadonlyArray<{
    readonly server_uri: string;
    readonly channel_creds: ReadonlyArray<{ readonly type: string }>;
    readonly server_features: readonly string[];
  }>;
  readonly node: {
    readonly id: string;
    readonly metadata: Readonly<Record<string, unknown>>;
    readonly locality: Readonly<Record<string, string>>;
  };
  readonly certificate_providers?: Readonly<Record<string, {
    readonly plugin_name: 'file_watcher';
    readonly config: {
      readonly certificate_file: string;
      readonly private_key_file: string;
      readonly ca_certificate_file: string;
      readonly refresh_interval: string;
    };
  }>>;
  readonly server_listener_resource_name_template: string;
}

/**
 * Builds the bootstrap: one insecure xDS v3 server; Istio's node id
 * `sidecar~<ip>~<name>.<ns>~<ns>.svc.cluster.local` with the metadata Pilot reads (GENERATOR
 * `grpc`, NAMESPACE, LABELS, SERVICE_ACCOUNT, INSTANCE_IPS, WORKLOAD_NAME); with certificate
 * files, a `file_watcher` provider named {@link GRPC_CERTIFICATE_PROVIDER}; and Istio's server
 * listener template.
 */
export function buildGrpcBootstrap(options: GrpcBootstrapOptions): GrpcBootstrap {
  const { namespace, certificateFiles: files } = options;
  return {
    xds_servers: [{ server_uri: options.xdsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: {
      id: `sidecar~${options.ip}~${options.name}.${namespace}~${namespace}.svc.cluster.local`,
      metadata: {
        GENERATOR: 'grpc',
        NAMESPACE: namespace,
        LABELS: { ...options.labels },
        SERVICE_ACCOUNT: options.serviceAccount,
        INSTANCE_IPS: options.ip,
        WORKLOAD_NAME: options.name,
      },
      locality: {},
    },
    ...(files
      ? {
          certificate_providers: {
            [GRPC_CERTIFICATE_PROVIDER]: {
              plugin_name: 'file_watcher' as const,
              config: {
                certificate_file: files.certificateFile,
                private_key_file: files.privateKeyFile,
                ca_certificate_file: files.caCertificateFile,
                refresh_interval: GRPC_CERTIFICATE_REFRESH_INTERVAL,
              },
            },
          },
        }
      : {}),
    server_listener_resource_name_template: GRPC_SERVER_LISTENER_TEMPLATE,
  };
}
