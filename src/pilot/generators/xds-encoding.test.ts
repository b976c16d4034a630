import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { messageNameOf, messageType, setStrictEncoding, unpackAny, DECODE_OPTIONS } from '../../xds/index.js';
import { DEFAULT_MESH_CONFIG } from '../model/mesh-config.js';
import type { Proxy } from '../model/proxy.js';
import { createPushContext } from '../push-context.js';
import { createConfigRegistry } from '../registry/config-registry.js';
import { proxyOf, snapshotOf } from '../registry/testing.js';
import { createClusterGenerator } from './cds/cluster-generator.js';
import { endpointGenerator } from './eds/endpoint-generator.js';
import type { Generator, XdsResource } from './generator.js';
import { createGatewayLdsGenerator, createGrpcLdsGenerator, createSidecarLdsGenerator } from './lds/lds-generator.js';
import { createGatewayRdsGenerator, createGrpcRdsGenerator, createSidecarRdsGenerator } from './rds/rds-generator.js';

// A mesh that exercises every kind of field Pilot writes: enums, wrappers, durations, Structs
// with lists, packed Anys (TLS contexts, protocol options, filters), maps and oneofs.
const MESH = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 9080, protocol: HTTP}, {name: grpc, number: 9090, protocol: GRPC}, {name: tcp, number: 3306, protocol: TCP}]
  endpoints:
  - {address: 10.1.0.1, labels: {version: v1, security.istio.io/tlsMode: istio}, serviceAccount: reviews, locality: us/east/a}
  - {address: 10.1.0.2, labels: {version: v2}, serviceAccount: reviews, locality: us/west/b, weight: 3}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external, namespace: default}
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{name: https, number: 443, protocol: TLS}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews.default.svc.cluster.local
  trafficPolicy:
    connectionPool: {http: {http2MaxRequests: 100, maxRetries: 3, idleTimeout: 30s}, tcp: {connectTimeout: 2s, maxConnections: 50}}
    outlierDetection: {consecutive5xxErrors: 3, interval: 5s, baseEjectionTime: 15s}
    loadBalancer: {simple: ROUND_ROBIN}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {tls: {mode: ISTIO_MUTUAL}, loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: external, namespace: default}
spec:
  host: api.example.com
  trafficPolicy: {tls: {mode: SIMPLE, sni: api.example.com}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews.default.svc.cluster.local, reviews.example.com]
  gateways: [mesh, bookinfo-gateway]
  http:
  - match: [{headers: {end-user: {exact: jason}}, uri: {prefix: /api}}, {uri: {regex: "^/v[0-9]+/.*"}}]
    fault: {delay: {percentage: {value: 10}, fixedDelay: 1s}, abort: {percentage: {value: 5}, httpStatus: 503}}
    route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1, port: {number: 9080}}}]
  - corsPolicy: {allowOrigins: [{exact: "https://example.com"}], allowMethods: [GET, POST], maxAge: 24h}
    headers: {request: {set: {x-mesh: heddle}, remove: [x-debug]}}
    retries: {attempts: 3, perTryTimeout: 2s, retryOn: 5xx}
    timeout: 10s
    mirror: {host: reviews.default.svc.cluster.local, subset: v2}
    route:
    - {destination: {host: reviews.default.svc.cluster.local, subset: v1}, weight: 80}
    - {destination: {host: reviews.default.svc.cluster.local, subset: v2}, weight: 20}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - {port: {number: 80, name: http, protocol: HTTP}, hosts: [reviews.example.com]}
  - {port: {number: 443, name: https, protocol: HTTPS}, hosts: [reviews.example.com], tls: {mode: SIMPLE, credentialName: reviews-cert}}
`;

const PROXIES: ReadonlyArray<{ readonly kind: string; readonly proxy: Proxy; readonly lds: Generator; readonly rds: Generator }> = [
  { kind: 'sidecar', proxy: proxyOf({ name: 'productpage', workloadPorts: [{ port: 9080 }] }), lds: createSidecarLdsGenerator(), rds: createSidecarRdsGenerator() },
  {
    kind: 'gateway',
    proxy: proxyOf({ name: 'ingress', type: 'router', labels: { istio: 'ingressgateway' } }),
    lds: createGatewayLdsGenerator(),
    rds: createGatewayRdsGenerator(),
  },
  { kind: 'proxyless gRPC', proxy: proxyOf({ name: 'client', generator: 'grpc' }), lds: createGrpcLdsGenerator(), rds: createGrpcRdsGenerator() },
];

/** What the encoding was before the writer was reused: protobufjs' own path with a fresh writer. */
function referenceBytes(resource: XdsResource): Uint8Array {
  const type = messageType(messageNameOf(resource.resource.type_url));
  return type.encode(type.fromObject(resource.message), new protobuf.BufferWriter()).finish();
}

function decoded(typeUrl: string, bytes: Uint8Array): unknown {
  const type = messageType(messageNameOf(typeUrl));
  return type.toObject(type.decode(bytes), DECODE_OPTIONS);
}

/** Every resource a proxy gets: its clusters, the endpoints of every cluster, its listeners and the routes they name. */
function fullConfig(kind: (typeof PROXIES)[number]): XdsResource[] {
  const snapshot = snapshotOf(MESH);
  const push = createPushContext({ version: '1', mesh: DEFAULT_MESH_CONFIG, config: snapshot, registry: createConfigRegistry(snapshot) });
  const clusters = createClusterGenerator().generate(kind.proxy, push, undefined);
  const endpoints = endpointGenerator.generate(kind.proxy, push, clusters.map((c) => c.name));
  const listeners = kind.lds.generate(kind.proxy, push, undefined);
  const routes = kind.rds.generate(kind.proxy, push, routeNamesOf(listeners));
  return [...clusters, ...endpoints, ...listeners, ...routes];
}

/** The RDS names the listeners refer to, found in their decoded form. */
function routeNamesOf(listeners: readonly XdsResource[]): string[] {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.route_config_name === 'string' && o.route_config_name) names.add(o.route_config_name);
      if (typeof o.type_url === 'string' && o.value instanceof Uint8Array) visit(unpackAny({ type_url: o.type_url, value: o.value }));
      else Object.values(o).forEach(visit);
    }
  };
  listeners.forEach((l) => visit(unpackAny(l.resource)));
  return [...names].sort();
}

describe('xDS encoding with a reused writer', () => {
  for (const strict of [true, false]) {
    for (const kind of PROXIES) {
      it(`Should encode every ${kind.kind} resource to the bytes protobufjs gives on its own (strict check ${strict ? 'on' : 'off'})`, () => {
        setStrictEncoding(strict);
        try {
          const resources = fullConfig(kind);
          const types = new Set(resources.map((r) => r.resource.type_url));
          assert.equal(types.size, 4, `expected all four xDS types for ${kind.kind}, got ${[...types].join(', ')}`);
          for (const r of resources) {
            const expected = referenceBytes(r);
            if (r.resource.type_url.endsWith('RouteConfiguration')) {
              // Route configurations are spliced from cached parts (route-config-encoding.ts): equal once decoded.
              assert.deepEqual(decoded(r.resource.type_url, r.resource.value), decoded(r.resource.type_url, expected), r.name);
            } else {
              assert.deepEqual(Buffer.from(r.resource.value), Buffer.from(expected), `${r.resource.type_url} ${r.name}`);
            }
          }
        } finally {
          setStrictEncoding(process.env.HEDDLE_XDS_STRICT === '1');
        }
      });
    }
  }
});
