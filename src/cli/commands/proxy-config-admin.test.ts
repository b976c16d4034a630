import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxySyncStatus } from '../../pilot/server/index.js';
import { adminAddressOf, getSecretsDump, parseAdminAddress } from './proxy-config-admin.js';
import { AdminApiError } from './proxy-config-admin-errors.js';
import { SECRETS_CONFIG_DUMP_TYPE } from './proxy-config-secrets.js';

const failsWith = (code: string, pattern: RegExp) => (err: unknown) => err instanceof AdminApiError && err.code === code && pattern.test(err.message);

test('Should take --admin as host:port, IPv6 in brackets, and refuse anything else naming the flag', () => {
  assert.equal(parseAdminAddress('127.0.0.1:15000'), 'http://127.0.0.1:15000');
  assert.equal(parseAdminAddress('[::1]:15000'), 'http://[::1]:15000');
  assert.equal(parseAdminAddress('localhost:15001'), 'http://localhost:15001');
  for (const bad of ['127.0.0.1', '15000', '127.0.0.1:0', '127.0.0.1:70000', '::1:15000', '[nope]:1', 'http://127.0.0.1:15000']) {
    assert.throws(() => parseAdminAddress(bad), failsWith('BAD_ADMIN_ADDRESS', /--admin must be host:port/), bad);
  }
});

test('Should find a proxy\'s admin on loopback at the port it reported, and say how to go on when it reported none', () => {
  const status = (proxy: string, adminPort?: number) => ({ proxy, ...(adminPort ? { adminPort } : {}) }) as unknown as ProxySyncStatus;
  const proxies = [status('sidecar~127.0.0.5~a.default~default.svc.cluster.local', 41000), status('grpc-client')];
  assert.equal(adminAddressOf(proxies, 'sidecar~127.0.0.5~a.default~default.svc.cluster.local'), 'http://127.0.0.1:41000');
  assert.throws(() => adminAddressOf(proxies, 'grpc-client'), failsWith('ADMIN_PORT_UNKNOWN', /grpc-client did not tell .*HEDDLE_ADMIN_PORT.*--admin host:port/));
});

async function serve(status: number, body: string): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/config_dump' ? status : 404, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('Should read the SecretsConfigDump from the admin\'s /config_dump', async () => {
  const secrets = { '@type': SECRETS_CONFIG_DUMP_TYPE, dynamic_active_secrets: [{ name: 'default' }], dynamic_warming_secrets: [] };
  const { base, server } = await serve(200, JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump' }, secrets] }));
  try {
    assert.deepEqual(await getSecretsDump(base), secrets);
  } finally {
    server.close();
  }
});

test('Should refuse the dump of another proxy than the one the control plane named', async () => {
  const secrets = { '@type': SECRETS_CONFIG_DUMP_TYPE, dynamic_active_secrets: [{ name: 'default' }], dynamic_warming_secrets: [] };
  const bootstrap = { '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node: { id: 'sidecar~10.0.0.9~other-v1.default~default.svc.cluster.local' } } };
  const { base, server } = await serve(200, JSON.stringify({ configs: [bootstrap, secrets] }));
  try {
    await assert.rejects(
      getSecretsDump(base, 2000, 'sidecar~10.0.0.7~reviews-v1.default~default.svc.cluster.local'),
      failsWith('ADMIN_ERROR', /belongs to proxy sidecar~10\.0\.0\.9~other-v1\.default~default\.svc\.cluster\.local, not to sidecar~10\.0\.0\.7~reviews-v1.*--admin host:port/),
    );
    assert.deepEqual(await getSecretsDump(base, 2000, 'sidecar~10.0.0.9~other-v1.default~default.svc.cluster.local'), secrets);
  } finally {
    server.close();
  }
});

test('Should name the address and suggest --admin when nothing answers there', async () => {
  // A port that was just free: bind, note it, close.
  const { base, server } = await serve(200, '{}');
  await new Promise((resolve) => server.close(resolve));
  const address = base.slice('http://'.length);
  await assert.rejects(getSecretsDump(base, 2000), failsWith('ADMIN_UNREACHABLE', new RegExp(`cannot reach the sidecar's admin at ${address.replace(/\./g, '\\.')} \\(ECONNREFUSED\\).*--admin host:port.*ip netns exec`)));
});

test('Should refuse an answer that is an error or not a config dump, saying what it got', async () => {
  for (const [status, body, pattern] of [
    [500, 'boom', /answered \/config_dump with 500: boom/],
    [200, '<html>', /is not JSON; is .* a sidecar's admin port\?/],
    [200, '{"certificates":[]}', /is not a config dump/],
  ] as const) {
    const { base, server } = await serve(status, body);
    try {
      await assert.rejects(getSecretsDump(base), failsWith('ADMIN_ERROR', pattern), body);
    } finally {
      server.close();
    }
  }
});
