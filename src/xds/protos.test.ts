import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { messageType, parseXdsProtos, xdsRoot, XDS_DESCRIPTOR_PATH } from './protos.js';

/** Every message type under `ns`, nested ones included. */
function allTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  const out: protobuf.Type[] = [];
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) out.push(child);
    if (child instanceof protobuf.Namespace) out.push(...allTypes(child));
  }
  return out;
}

/** What encoding and decoding depend on, per field. */
function fieldShape(f: protobuf.Field): string {
  f.resolve();
  return [f.id, f.type, f.rule ?? '', f.repeated, f.packed, f.map, f.hasPresence, f.partOf?.name ?? '', f.resolvedType?.fullName ?? ''].join('|');
}

test('Should find the generated Envoy API descriptor beside the module', () => {
  assert.ok(existsSync(XDS_DESCRIPTOR_PATH), `${XDS_DESCRIPTOR_PATH} is missing: npm run gen:xds writes it`);
});

test('Should hold in the descriptor exactly the API that parsing the proto files gives', { skip: !existsSync(XDS_DESCRIPTOR_PATH) && 'no descriptor' }, () => {
  const parsed = parseXdsProtos();
  // tsc copies the descriptor pretty-printed, so the text is compared once normalised.
  const descriptor = JSON.stringify(JSON.parse(readFileSync(XDS_DESCRIPTOR_PATH, 'utf8')));
  assert.ok(descriptor === JSON.stringify(parsed.toJSON()), 'the descriptor is stale: npm run gen:xds rewrites it');
  const loaded = xdsRoot();
  const types = allTypes(parsed);
  assert.ok(types.length > 400, `only ${types.length} message types`);
  for (const type of types) {
    const other = loaded.lookupType(type.fullName);
    // Sorted: extension fields join their message in the order the files are resolved, and the encoder sorts by id anyway.
    assert.deepEqual(other.fieldsArray.map(fieldShape).sort(), type.fieldsArray.map(fieldShape).sort(), type.fullName);
  }
});

test('Should encode a message the same from the descriptor as from the parsed protos', () => {
  const cluster = {
    name: 'outbound|9080|v1|reviews.default.svc.cluster.local',
    type: 'EDS',
    lb_policy: 'RING_HASH',
    connect_timeout: { seconds: 10, nanos: 5 },
    health_checks: [{ timeout: { seconds: 1 }, interval: { seconds: 2 }, expected_statuses: [{ start: 200, end: 300 }], http_health_check: { path: '/h', expected_statuses: [{ start: 200, end: 201 }] } }],
    common_lb_config: { healthy_panic_threshold: { value: 0 } },
    metadata: { filter_metadata: { istio: { fields: { services: { list_value: { values: [{ string_value: 'reviews' }] } } } } } },
  };
  const parsed = parseXdsProtos().lookupType('envoy.config.cluster.v3.Cluster');
  const loaded = messageType('envoy.config.cluster.v3.Cluster');
  const a = parsed.encode(parsed.fromObject(cluster)).finish();
  const b = loaded.encode(loaded.fromObject(cluster)).finish();
  assert.ok(a.length > 50);
  assert.deepEqual(Buffer.from(b), Buffer.from(a));
});
