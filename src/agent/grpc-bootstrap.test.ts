import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateBootstrapConfig } from '@grpc/grpc-js-xds/build/src/xds-bootstrap.js';
import { certificateFilePaths } from './cert-files.js';
import { buildGrpcBootstrap, type GrpcBootstrapOptions } from './grpc-bootstrap.js';

const OPTIONS: GrpcBootstrapOptions = {
  xdsAddress: '127.0.0.1:15010',
  name: 'echo-client',
  namespace: 'shop',
  serviceAccount: 'cart',
  labels: { app: 'cart', version: 'v1' },
  ip: '10.0.0.7',
};

describe('buildGrpcBootstrap', () => {
  it('Should build Istio\'s proxyless bootstrap with a file_watcher provider named default', () => {
    const files = certificateFilePaths('/var/run/heddle');
    assert.deepEqual(buildGrpcBootstrap({ ...OPTIONS, certificateFiles: files }), {
      xds_servers: [{ server_uri: '127.0.0.1:15010', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: {
        id: 'sidecar~10.0.0.7~echo-client.shop~shop.svc.cluster.local',
        metadata: {
          GENERATOR: 'grpc',
          NAMESPACE: 'shop',
          LABELS: { app: 'cart', version: 'v1' },
          SERVICE_ACCOUNT: 'cart',
          INSTANCE_IPS: '10.0.0.7',
          WORKLOAD_NAME: 'echo-client',
        },
        locality: {},
      },
      certificate_providers: {
        default: {
          plugin_name: 'file_watcher',
          config: {
            certificate_file: '/var/run/heddle/cert-chain.pem',
            private_key_file: '/var/run/heddle/key.pem',
            ca_certificate_file: '/var/run/heddle/root-cert.pem',
            refresh_interval: '5s',
          },
        },
      },
      server_listener_resource_name_template: 'xds.istio.io/grpc/lds/inbound/%s',
    });
  });

  it('Should leave out certificate providers when there are no certificate files', () => {
    const bootstrap = buildGrpcBootstrap(OPTIONS);
    assert.equal('certificate_providers' in bootstrap, false);
    assert.equal(bootstrap.server_listener_resource_name_template, 'xds.istio.io/grpc/lds/inbound/%s');
  });

  it('Should be accepted by grpc-js-xds\'s own bootstrap parser, which re-reads the files every 5 s', () => {
    const parsed = validateBootstrapConfig(JSON.parse(JSON.stringify(buildGrpcBootstrap({ ...OPTIONS, certificateFiles: certificateFilePaths('/run/h') }))));
    assert.equal(parsed.node.id, 'sidecar~10.0.0.7~echo-client.shop~shop.svc.cluster.local');
    assert.equal(parsed.serverListenerResourceNameTemplate, 'xds.istio.io/grpc/lds/inbound/%s');
    assert.deepEqual(parsed.certificateProviders.default, {
      pluginName: 'file_watcher',
      config: { certificateFile: '/run/h/cert-chain.pem', privateKeyFile: '/run/h/key.pem', caCertificateFile: '/run/h/root-cert.pem', refreshIntervalMs: 5000 },
    });
    assert.deepEqual(validateBootstrapConfig(JSON.parse(JSON.stringify(buildGrpcBootstrap(OPTIONS)))).certificateProviders, {});
  });
});
