// The nginx pair's configuration, checked by nginx itself (`nginx -t`) with an openssl-made certificate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nginxConfig, NGINX_PORTS } from './nginx-pair.js';

const has = (tool: string, arg: string) => spawnSync(tool, [arg], { stdio: 'ignore' }).status === 0;
const missing = !has('nginx', '-v') ? 'nginx is not installed' : !has('openssl', 'version') ? 'openssl is not installed' : undefined;

describe('nginxConfig', { skip: missing }, () => {
  it('Should write client and server configurations that nginx accepts, with mutual TLS on the TLS port', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'heddle-nginx-conf-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=nginx-server', '-keyout', keyFile, '-out', certFile], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const apps = { host: '127.0.0.1', http1: 1001, h2c: 1002, tcp: 1003 };
    const server = nginxConfig(dir, '127.0.77.5', apps, { side: 'server', certFile, keyFile });
    const client = nginxConfig(dir, '127.0.77.4', { host: '127.0.77.5', ...NGINX_PORTS }, { side: 'client', certFile, keyFile });
    assert.match(server, new RegExp(`listen 127\\.0\\.77\\.5:${NGINX_PORTS.http1Tls} ssl;[^}]*ssl_verify_client on;`));
    assert.match(client, /proxy_pass https:\/\/next_http1_tls;[^}]*proxy_ssl_certificate [^}]*proxy_ssl_verify on;/);
    for (const [name, text] of [['server', server], ['client', client]] as const) {
      const conf = join(dir, `${name}.conf`);
      writeFileSync(conf, text);
      const checked = spawnSync('nginx', ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', conf], { encoding: 'utf8' });
      assert.equal(checked.status, 0, `${name}: ${checked.stderr}`);
    }
  });

  it('Should leave the TLS port out when no TLS hop is given', () => {
    const text = nginxConfig('/tmp/x', '127.0.77.5', { host: '127.0.0.1', http1: 1, h2c: 2, tcp: 3 });
    assert.doesNotMatch(text, /ssl/);
    assert.doesNotMatch(text, new RegExp(`:${NGINX_PORTS.http1Tls}`));
  });
});
