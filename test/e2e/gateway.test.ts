// Istio's ingress tasks through a real `heddle gateway`: HTTP routing by Gateway and bound
// VirtualService, host matching, httpsRedirect, TLS passthrough by SNI, TCP, and HTTPS SIMPLE and
// MUTUAL with certificate files, against plain Node backends and curl as the outside client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { connect, createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { prometheusText } from '../support/sidecar-config-wait.js';
import { eventually } from '../support/mesh-config.js';
import { serviceEntry } from '../support/service-entry.js';
import { curlDirect, makeCertificates, startControlPlane, startProxy, waitForPort, type CertificateFiles, type ControlPlane, type RunningProxy } from '../support/gateway.js';

// This file's block: the gateway on 127.0.0.200, backends on 127.0.0.201-205.
const GATEWAY_IP = '127.0.0.200';
const PORTS = { http: 8080, redirect: 8081, passthrough: 8443, tcp: 31400, simple: 9443, mutual: 9444 } as const;
const HOST = 'bookinfo.example.com';
const SECURE_HOST = 'secure.example.com';

let controlPlane: ControlPlane | undefined;
let gateway: RunningProxy | undefined;
let certs: CertificateFiles | undefined;
const servers: (HttpServer | Server)[] = [];
/** Requests each HTTP backend received. */
const calls = new Map<string, number>();

function echoAs(app: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    calls.set(app, (calls.get(app) ?? 0) + 1);
    const body = JSON.stringify({ app, path: req.url, host: req.headers.host });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

async function listen<T extends HttpServer | Server>(server: T, ip: string): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, ip, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** A STATIC ServiceEntry for `<name>.default.svc.cluster.local` with one endpoint. */
function serviceEntryFor(name: string, port: number, protocol: string, ip: string, targetPort: number): string {
  return serviceEntry(name, [{ number: port, name: `p${port}`, protocol }], [{ address: ip, ports: { [`p${port}`]: targetPort }, labels: { app: name } }]);
}

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: my-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: ${PORTS.http}, name: http, protocol: HTTP}
    hosts: [${HOST}]
  - port: {number: ${PORTS.redirect}, name: http-redirect, protocol: HTTP}
    hosts: [${HOST}]
    tls: {httpsRedirect: true}
  - port: {number: ${PORTS.passthrough}, name: tls-passthrough, protocol: TLS}
    hosts: ["*.passthrough.example.com"]
    tls: {mode: PASSTHROUGH}
  - port: {number: ${PORTS.tcp}, name: tcp, protocol: TCP}
    hosts: ["*"]
`;

const VIRTUAL_SERVICES = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: [${HOST}]
  gateways: [my-gateway]
  http:
  - match: [{uri: {exact: /productpage}}, {uri: {prefix: /static}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]
  - match: [{uri: {prefix: /reviews}}]
    route: [{destination: {host: reviews, port: {number: 9080}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: passthrough}
spec:
  hosts: [a.passthrough.example.com, b.passthrough.example.com]
  gateways: [my-gateway]
  tls:
  - match: [{port: ${PORTS.passthrough}, sniHosts: [a.passthrough.example.com]}]
    route: [{destination: {host: pass-a, port: {number: 443}}}]
  - match: [{port: ${PORTS.passthrough}, sniHosts: [b.passthrough.example.com]}]
    route: [{destination: {host: pass-b, port: {number: 443}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp-echo}
spec:
  hosts: ["*"]
  gateways: [my-gateway]
  tcp:
  - match: [{port: ${PORTS.tcp}}]
    route: [{destination: {host: tcp-echo, port: {number: 9000}}}]
`;

/** The HTTPS servers, applied by the first test that needs them (so a proxy refusing them cannot spoil the rest). */
function secureGateway(files: CertificateFiles): string {
  const server = files.certs.server!;
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: secure-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: ${PORTS.simple}, name: https-simple, protocol: HTTPS}
    hosts: [${SECURE_HOST}]
    tls: {mode: SIMPLE, serverCertificate: ${server.cert}, privateKey: ${server.key}}
  - port: {number: ${PORTS.mutual}, name: https-mutual, protocol: HTTPS}
    hosts: [${SECURE_HOST}]
    tls: {mode: MUTUAL, serverCertificate: ${server.cert}, privateKey: ${server.key}, caCertificates: ${files.caCert}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: secure}
spec:
  hosts: [${SECURE_HOST}]
  gateways: [secure-gateway]
  http:
  - route: [{destination: {host: productpage, port: {number: 9080}}}]
`;
}

let secureApplied: Promise<void> | undefined;
function applySecureGateway(): Promise<void> {
  secureApplied ??= (async () => {
    await controlPlane!.apply({ 'secure.yaml': secureGateway(certs!) });
    await waitForPort(GATEWAY_IP, PORTS.simple);
    await waitForPort(GATEWAY_IP, PORTS.mutual);
  })();
  return secureApplied;
}

before(async () => {
  certs = await makeCertificates({
    passA: 'a.passthrough.example.com',
    passB: 'b.passthrough.example.com',
    server: SECURE_HOST,
    client: 'client.example.com',
  });
  const productpage = await listen(createServer(echoAs('productpage')), '127.0.0.201');
  const reviews = await listen(createServer(echoAs('reviews')), '127.0.0.202');
  const tlsBackend = (name: 'passA' | 'passB', who: string) =>
    createHttpsServer({ cert: readFileSync(certs!.certs[name]!.cert), key: readFileSync(certs!.certs[name]!.key) }, (_req, res) => res.end(who));
  const passA = await listen(tlsBackend('passA', 'backend A'), '127.0.0.203');
  const passB = await listen(tlsBackend('passB', 'backend B'), '127.0.0.204');
  const tcpEcho = await listen(createTcpServer((socket) => {
    socket.once('data', (data) => socket.end(`tcp-echo ${data.toString('utf8')}`));
    socket.on('error', () => socket.destroy());
  }), '127.0.0.205');
  controlPlane = await startControlPlane({
    'services.yaml': [
      serviceEntryFor('productpage', 9080, 'HTTP', '127.0.0.201', productpage),
      serviceEntryFor('reviews', 9080, 'HTTP', '127.0.0.202', reviews),
      serviceEntryFor('pass-a', 443, 'TLS', '127.0.0.203', passA),
      serviceEntryFor('pass-b', 443, 'TLS', '127.0.0.204', passB),
      serviceEntryFor('tcp-echo', 9000, 'TCP', '127.0.0.205', tcpEcho),
    ].join('---\n'),
    'gateway.yaml': GATEWAY,
    'virtual-services.yaml': VIRTUAL_SERVICES,
  });
  gateway = await startProxy('gateway', controlPlane.xds, {
    name: 'istio-ingressgateway',
    namespace: 'istio-system',
    labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
    ip: GATEWAY_IP,
  });
  for (const port of [PORTS.http, PORTS.redirect, PORTS.passthrough, PORTS.tcp]) await waitForPort(GATEWAY_IP, port);
});

after(async () => {
  await gateway?.stop();
  await controlPlane?.stop();
  for (const s of servers) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await certs?.remove();
});

const viaGateway = (port: number, path: string, host = HOST) => curlDirect(['-H', `Host: ${host}`, `http://${GATEWAY_IP}:${port}${path}`]);

test('Should route the bound VirtualService\'s exact and prefix matches to their backends', async () => {
  const cases: Array<[string, string]> = [['/productpage', 'productpage'], ['/static/css/app.css', 'productpage'], ['/reviews/1', 'reviews']];
  for (const [path, app] of cases) {
    const r = await viaGateway(PORTS.http, path);
    assert.equal(r.status, 200, `${path}: ${r.stderr}${r.body}`);
    assert.deepEqual(JSON.parse(r.body), { app, path, host: HOST });
  }
  assert.equal((await viaGateway(PORTS.http, '/productpage/extra')).status, 404, 'an exact match does not match a longer path');
});

test('Should answer 404 to a Host the Gateway\'s server does not list', async () => {
  const r = await viaGateway(PORTS.http, '/productpage', 'other.example.com');
  assert.equal(r.status, 404);
});

test('Should count the gateway\'s requests in istio_requests_total as reporter source, with the route\'s destination', async () => {
  const line = (text: string, code: string) => text.split('\n').find((l) =>
    l.startsWith('istio_requests_total{') && l.includes('reporter="source"') && l.includes('source_workload="istio-ingressgateway"')
    && l.includes('source_workload_namespace="istio-system"') && l.includes(`response_code="${code}"`)
    && (code === '200' ? l.includes('destination_service="productpage.default.svc.cluster.local"') : l.includes('response_flags="NR"')));
  assert.equal((await viaGateway(PORTS.http, '/productpage')).status, 200);
  assert.equal((await viaGateway(PORTS.http, '/productpage', 'unknown.example.com')).status, 404);
  const text = await eventually(async () => {
    const t = await prometheusText(gateway!.statsPort);
    return line(t, '200') && line(t, '404') ? t : undefined;
  }, 5000, 'gateway request metrics');
  assert.match(line(text, '200')!, /} [1-9]\d*$/);
  assert.match(line(text, '404')!, /} [1-9]\d*$/);
});

test('Should answer 301 to https://host/path on an httpsRedirect server, without calling the backend', async () => {
  const before = calls.get('productpage') ?? 0;
  const r = await viaGateway(PORTS.redirect, '/productpage?x=1');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, `https://${HOST}/productpage?x=1`);
  assert.equal(calls.get('productpage') ?? 0, before);
});

test('Should pass TLS through by SNI to the backend that terminates it, whose certificate the client sees', async () => {
  for (const [sni, who] of [['a.passthrough.example.com', 'backend A'], ['b.passthrough.example.com', 'backend B']] as const) {
    const r = await curlDirect(['-v', '--cacert', certs!.caCert, '--resolve', `${sni}:${PORTS.passthrough}:${GATEWAY_IP}`, `https://${sni}:${PORTS.passthrough}/`]);
    assert.equal(r.exit, 0, r.stderr);
    assert.equal(r.body, who);
    assert.match(r.stderr, new RegExp(`subject: CN=${sni.replaceAll('.', '\\.')}`), 'the certificate is the backend\'s own');
  }
  const unknown = await curlDirect(['-k', '--resolve', `c.passthrough.example.com:${PORTS.passthrough}:${GATEWAY_IP}`, `https://c.passthrough.example.com:${PORTS.passthrough}/`]);
  assert.notEqual(unknown.exit, 0, 'an SNI no route names is not served');
});

test('Should proxy a TCP server\'s connections to the tcp route\'s echo server', async () => {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: GATEWAY_IP, port: PORTS.tcp });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('TCP echo timed out')));
    socket.once('connect', () => socket.write('hello gateway'));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.once('error', reject);
  });
  assert.equal(reply, 'tcp-echo hello gateway');
});

test('Should terminate HTTPS SIMPLE with the Gateway\'s certificate files and route to the backend', async () => {
  await applySecureGateway();
  const r = await curlDirect(['-v', '--cacert', certs!.caCert, '--resolve', `${SECURE_HOST}:${PORTS.simple}:${GATEWAY_IP}`, `https://${SECURE_HOST}:${PORTS.simple}/productpage`]);
  assert.equal(r.exit, 0, r.stderr);
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).app, 'productpage');
  assert.match(r.stderr, /subject: CN=secure\.example\.com/);
  assert.match(r.stderr, /ALPN: server accepted h2/, 'HTTP/2 by ALPN');
  const http1 = await curlDirect(['--http1.1', '--cacert', certs!.caCert, '--resolve', `${SECURE_HOST}:${PORTS.simple}:${GATEWAY_IP}`, `https://${SECURE_HOST}:${PORTS.simple}/productpage`]);
  assert.equal(http1.status, 200, http1.stderr);
});

test('Should refuse a client without a certificate on a MUTUAL server, and serve one the CA signed', async () => {
  await applySecureGateway();
  const base = ['--cacert', certs!.caCert, '--resolve', `${SECURE_HOST}:${PORTS.mutual}:${GATEWAY_IP}`, `https://${SECURE_HOST}:${PORTS.mutual}/productpage`];
  const anonymous = await curlDirect(base);
  assert.notEqual(anonymous.exit, 0, `served without a client certificate: ${anonymous.status}`);
  const client = certs!.certs.client!;
  const r = await curlDirect(['--cert', client.cert, '--key', client.key, ...base]);
  assert.equal(r.exit, 0, r.stderr);
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).app, 'productpage');
});
