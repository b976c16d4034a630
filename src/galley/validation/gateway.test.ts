import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';

const gateway = (spec: string, name = 'gw') => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: istio-system}
spec:
${spec}`;

/** The one problem reported at `field`, asserting there is exactly one problem in all. */
function onlyProblem(problems: string[], field: string): string {
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.ok(problems[0]!.startsWith(`${field}: `), problems[0]);
  return problems[0]!;
}

test('Should accept the bookinfo gateway', () => {
  assert.deepEqual(problemsOf(gateway(`  selector:
    istio: ingressgateway
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
`)), []);
});

test('Should accept an HTTPS gateway that takes its certificate from a credentialName', () => {
  assert.deepEqual(problemsOf(gateway(`  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["bookinfo/bookinfo.example.com", "*.example.org"]
    tls:
      mode: SIMPLE
      credentialName: bookinfo-cert
      minProtocolVersion: TLSV1_2
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["bookinfo.example.com"]
    tls: {httpsRedirect: true}
`)), []);
});

test('Should accept a TLS PASSTHROUGH gateway and a MUTUAL server with certificate files', () => {
  assert.deepEqual(problemsOf(gateway(`  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: ["./nginx.example.com"]
    tls: {mode: PASSTHROUGH}
  - port: {number: 8443, name: https-mtls, protocol: https}
    hosts: ["*"]
    tls:
      mode: MUTUAL
      serverCertificate: /etc/certs/server.pem
      privateKey: /etc/certs/key.pem
      caCertificates: /etc/certs/ca.pem
`)), []);
});

test('Should reject a gateway without servers', () => {
  assert.match(onlyProblem(errorsOf(gateway('  selector: {istio: ingressgateway}\n')), 'spec.servers'), /at least one server/);
});

test('Should reject an empty hosts list and a short host name, each at its own index', () => {
  const errors = errorsOf(gateway(`  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: []
  - port: {number: 81, name: http-81, protocol: HTTP}
    hosts: ["*.example.com", "reviews", "prod/*", "~/*", "foo.*.com"]
`));
  assert.equal(errors.length, 4, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.servers\[0\]\.hosts: a server needs at least one host/);
  assert.match(errors[1]!, /^spec\.servers\[1\]\.hosts\[1\]: short host name "reviews" is not allowed/);
  assert.match(errors[2]!, /^spec\.servers\[1\]\.hosts\[3\]: .*invalid namespace "~"/);
  assert.match(errors[3]!, /^spec\.servers\[1\]\.hosts\[4\]: .*wildcard/);
});

test('Should accept an IP address as a server host', () => {
  assert.deepEqual(errorsOf(gateway(`  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["10.0.0.1", "*/192.168.1.20"]
`)), []);
});

test('Should reject an unknown protocol and an out-of-range port number', () => {
  const errors = errorsOf(gateway(`  servers:
  - port: {number: 70000, name: web, protocol: QUIC}
    hosts: ["*"]
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.servers\[0\]\.port\.protocol: unsupported protocol "QUIC"/);
  assert.match(errors[1]!, /^spec\.servers\[0\]\.port\.number: port must be between 1 and 65535/);
});

test('Should reject a targetPort on a gateway server', () => {
  assert.match(onlyProblem(errorsOf(gateway(`  servers:
  - port: {number: 80, targetPort: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
`)), 'spec.servers[0].port.targetPort'), /no effect on a gateway/);
});

test('Should reject duplicate server port names', () => {
  assert.match(onlyProblem(errorsOf(gateway(`  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["a.example.com"]
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["b.example.com"]
`)), 'spec.servers[1].port.name'), /"http" is already used by spec\.servers\[0\]/);
});

test('Should reject an HTTPS server without tls settings', () => {
  assert.match(onlyProblem(errorsOf(gateway(`  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
`)), 'spec.servers[0].tls'), /HTTPS server needs tls settings/);
});

test('Should reject a SIMPLE server with neither a credentialName nor certificate files', () => {
  const errors = errorsOf(gateway(`  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE}
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.servers\[0\]\.tls\.serverCertificate: SIMPLE mode terminates TLS and needs a server certificate/);
  assert.match(errors[1]!, /^spec\.servers\[0\]\.tls\.privateKey: SIMPLE mode terminates TLS and needs a private key/);
});

test('Should reject a MUTUAL server with certificate files but no CA bundle', () => {
  assert.match(onlyProblem(errorsOf(gateway(`  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem}
`)), 'spec.servers[0].tls.caCertificates'), /MUTUAL verifies client certificates/);
});

test('Should reject a credentialName combined with certificate files', () => {
  assert.match(onlyProblem(errorsOf(gateway(`  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE, credentialName: cert, serverCertificate: /c.pem, privateKey: /k.pem}
`)), 'spec.servers[0].tls.credentialName'), /alternative certificate sources/);
});

test('Should reject certificates on an ISTIO_MUTUAL server at each field', () => {
  const errors = errorsOf(gateway(`  servers:
  - port: {number: 15443, name: tls-mesh, protocol: TLS}
    hosts: ["*.local"]
    tls: {mode: ISTIO_MUTUAL, credentialName: cert, caCertificates: /ca.pem}
`));
  assert.deepEqual(errors.map((e) => e.split(':')[0]), ['spec.servers[0].tls.caCertificates', 'spec.servers[0].tls.credentialName']);
  assert.match(errors[0]!, /ISTIO_MUTUAL uses the mesh's own certificates/);
});

test('Should warn that a PASSTHROUGH server ignores its certificates', () => {
  const problems = problemsOf(gateway(`  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: ["*"]
    tls: {mode: PASSTHROUGH, credentialName: cert}
`));
  assert.match(onlyProblem(problems, 'warning: spec.servers[0].tls.credentialName'), /PASSTHROUGH forwards TLS without terminating it/);
});

test('Should reject a minProtocolVersion above the maxProtocolVersion', () => {
  assert.match(onlyProblem(errorsOf(gateway(`  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE, credentialName: cert, minProtocolVersion: TLSV1_3, maxProtocolVersion: TLSV1_2}
`)), 'spec.servers[0].tls.minProtocolVersion'), /TLSV1_3 is above maxProtocolVersion TLSV1_2/);
});

test('Should reject TLS termination on a plain HTTP server and tls settings on a TCP server', () => {
  const errors = errorsOf(gateway(`  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
    tls: {mode: SIMPLE, credentialName: cert}
  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: ["*"]
    tls: {httpsRedirect: true}
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.servers\[0\]\.tls: a plain-text HTTP server can only use tls\.httpsRedirect/);
  assert.match(errors[1]!, /^spec\.servers\[1\]\.tls: a TCP server cannot have tls settings/);
});

test('Should warn about httpsRedirect on an HTTPS server', () => {
  const problems = problemsOf(gateway(`  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE, credentialName: cert, httpsRedirect: true}
`));
  assert.match(onlyProblem(problems, 'warning: spec.servers[0].tls.httpsRedirect'), /httpsRedirect only has an effect on HTTP servers/);
});

test('Should reject a bind that is neither an IP nor a unix socket, and a unix bind with a port number', () => {
  const errors = errorsOf(gateway(`  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    bind: localhost
    hosts: ["*"]
  - port: {number: 81, name: http-uds, protocol: HTTP}
    bind: unix:///var/run/gw.sock
    hosts: ["*"]
  - port: {number: 0, name: http-uds0, protocol: HTTP}
    bind: unix:///var/run/gw0.sock
    hosts: ["*"]
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.servers\[0\]\.bind: bind "localhost" must be an IP address or a unix:\/\/ socket path/);
  assert.match(errors[1]!, /^spec\.servers\[1\]\.port\.number: port number must be 0 when bind is a unix:\/\/ socket/);
});

test('Should reject invalid selector labels and a dotted gateway name', () => {
  const errors = errorsOf(gateway(`  selector: {"bad key!": ingress}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`, 'my.gateway'));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^metadata\.name: gateway name "my\.gateway" must be a DNS-1123 label/);
  assert.match(errors[1]!, /^spec\.selector\.bad key!: invalid label key/);
});
