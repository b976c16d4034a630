#!/usr/bin/env node
// Generates TypeScript types for the Envoy v3 API from the .proto files shipped in
// @grpc/grpc-js-xds (deps/), into src/xds/generated/. Run by `npm run build`; the output is not
// committed. Only the xds/ folder and the decoders may import these types.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const depsDir = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json', { paths: [root] })), 'deps');
const outDir = join(root, 'src/xds/generated');

/** The protos whose messages Heddle reads or writes; their imports come along. */
export const XDS_PROTOS = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/random/v3/random.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto',
  'envoy/extensions/load_balancing_policies/pick_first/v3/pick_first.proto',
];

/** The include directories the protos are resolved against. */
export const XDS_INCLUDE_DIRS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(depsDir, d));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (existsSync(outDir)) rmSync(outDir, { recursive: true });
  const bin = join(dirname(require.resolve('@grpc/proto-loader/package.json', { paths: [root] })), 'build/bin/proto-loader-gen-types.js');
  execFileSync(
    process.execPath,
    [
      bin,
      '--keepCase', '--longs', 'String', '--enums', 'String', '--defaults', '--oneofs',
      '--grpcLib', '@grpc/grpc-js', '--importFileExtension', '.js',
      ...XDS_INCLUDE_DIRS.flatMap((d) => ['-I', d]),
      '-O', outDir,
      ...XDS_PROTOS,
    ],
    { stdio: 'inherit' },
  );
  console.log(`generated Envoy API types in ${outDir}`);
}
