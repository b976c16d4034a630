import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceEndpoint } from '../../model/service.js';
import { createFakePushContext, fakeEndpoint, fakeProxy, fakeService } from '../shared/fake-push-context.js';
import { endpointGenerator } from './endpoint-generator.js';

const HOST = 'reviews.default.svc.cluster.local';
const CLUSTER = `outbound|9080||${HOST}`;

/** A push context whose registry hands out `list` for the reviews port, as a registry view does. */
function pushWith(list: readonly ServiceEndpoint[]) {
  const base = createFakePushContext({ services: [fakeService(HOST, [{ name: 'http', port: 9080, protocol: 'HTTP' }])] });
  return { ...base, endpoints: (hostname: string, port: number) => (hostname === HOST && port === 9080 ? list : []) };
}

test('Should reuse a packed assignment across pushes while the endpoint list is unchanged', () => {
  const list = Object.freeze([fakeEndpoint(HOST, 9080, '10.0.0.1')]);
  const [first] = endpointGenerator.generate(fakeProxy(), pushWith(list), [CLUSTER]);
  const [second] = endpointGenerator.generate(fakeProxy({ id: 'other' }), pushWith(list), [CLUSTER]);
  assert.ok(first);
  assert.equal(second, first);
});

test('Should build a new assignment once the registry hands out a new endpoint list', () => {
  const before = Object.freeze([fakeEndpoint(HOST, 9080, '10.0.0.1')]);
  const after = Object.freeze([fakeEndpoint(HOST, 9080, '10.0.0.1'), fakeEndpoint(HOST, 9080, '10.0.0.2')]);
  const [old] = endpointGenerator.generate(fakeProxy(), pushWith(before), [CLUSTER]);
  const [fresh] = endpointGenerator.generate(fakeProxy(), pushWith(after), [CLUSTER]);
  assert.notEqual(fresh, old);
  const addresses = JSON.stringify(fresh!.message).match(/10\.0\.0\.\d/g);
  assert.deepEqual(addresses, ['10.0.0.1', '10.0.0.2']);
});
