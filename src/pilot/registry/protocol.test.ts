import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protocolFromPortName, serviceEntryPortProtocol, workloadPortProtocol } from './protocol.js';

test('Should select a protocol from the port name prefix as Istio does', () => {
  const cases: [string, string | undefined][] = [
    ['http', 'HTTP'],
    ['http-web', 'HTTP'],
    ['HTTP2', 'HTTP2'],
    ['grpc', 'GRPC'],
    ['grpc-web', 'GRPC-WEB'],
    ['grpc-web-ui', 'GRPC-WEB'],
    ['https-admin', 'HTTPS'],
    ['tls', 'TLS'],
    ['tcp-db', 'TCP'],
    ['mongo', 'MONGO'],
    ['redis-cache', 'REDIS'],
    ['mysql', 'MYSQL'],
    ['web', undefined],
    ['httpx', undefined],
  ];
  for (const [name, expected] of cases) assert.equal(protocolFromPortName(name), expected, name);
});

test('Should take a workload port protocol from UDP, then the name, then the protocol field, else TCP', () => {
  assert.equal(workloadPortProtocol({ name: 'http', port: 53, protocol: 'UDP' }), 'UDP');
  assert.equal(workloadPortProtocol({ name: 'http-api', port: 80, protocol: 'TCP' }), 'HTTP');
  assert.equal(workloadPortProtocol({ name: 'api', port: 80, protocol: 'GRPC' }), 'GRPC');
  assert.equal(workloadPortProtocol({ name: 'api', port: 80, protocol: 'TCP' }), 'TCP');
  assert.equal(workloadPortProtocol({ port: 80 }), 'TCP');
});

test('Should take a ServiceEntry port protocol from its field, then its name, then the well-known TCP ports', () => {
  assert.equal(serviceEntryPortProtocol({ name: 'http', number: 80, protocol: 'tcp' }), 'TCP');
  assert.equal(serviceEntryPortProtocol({ name: 'http', number: 80 }), 'HTTP');
  assert.equal(serviceEntryPortProtocol({ name: 'db', number: 3306 }), 'TCP');
  assert.equal(serviceEntryPortProtocol({ name: 'db', number: 7000 }), 'UNKNOWN');
  assert.equal(serviceEntryPortProtocol({ name: 'x', number: 7000, protocol: 'THRIFT' }), 'UNKNOWN');
});
