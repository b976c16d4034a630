import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGalley, parseConfigText, type ConfigSource } from '../galley/index.js';
import { createLogger } from '../log/index.js';
import { createAppliedConfig, type AppliedLoad, type AppliedStore } from './applied-config.js';

const FILE_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
`;

function memoryStore(initial?: string): AppliedStore & { text: string | undefined; saves: number } {
  const store = {
    name: 'kept.yaml',
    text: initial,
    saves: 0,
    load: () => store.text,
    save: (yaml: string) => {
      store.text = yaml;
      store.saves++;
    },
  };
  return store;
}

async function setup(store?: AppliedStore, onLoad?: (outcome: AppliedLoad) => void) {
  const source: ConfigSource = {
    description: 'test',
    list: async () => [{ id: 'samples/reviews.yaml', parsed: parseConfigText(FILE_VS, 'samples/reviews.yaml') }],
    watch: () => () => {},
  };
  const galley = createGalley({ source, log: createLogger({ level: 'silent', format: 'json' }) });
  await galley.start({ watch: false });
  return { galley, applied: createAppliedConfig(galley, store, onLoad) };
}

const subsetOf = (galley: Awaited<ReturnType<typeof setup>>['galley']) =>
  galley.snapshot().get('VirtualService', 'default', 'reviews')?.resource.spec.http?.[0]?.route?.[0]?.destination?.subset;

test('Should serve an applied resource over the file resource with the same name, and say it configured it', async () => {
  const { galley, applied } = await setup();
  const outcome = applied.apply(FILE_VS.replace('subset: v1', 'subset: v3'), 'v3.yaml');
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.results, [{ resource: 'virtualservice.networking.istio.io/reviews', namespace: 'default', action: 'configured' }]);
  assert.equal(outcome.version, galley.snapshot().version);
  assert.equal(subsetOf(galley), 'v3');
});

test('Should say created for a new resource and unchanged when applied again', async () => {
  const { applied } = await setup();
  const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ratings}\nspec: {host: ratings}\n';
  const first = applied.apply(dr, 'dr.yaml');
  assert.deepEqual(first.ok && first.results.map((r) => r.action), ['created']);
  assert.deepEqual(applied.apply(dr, 'dr.yaml'), { ok: true, version: 2, results: [{ resource: 'destinationrule.networking.istio.io/ratings', namespace: 'default', action: 'unchanged' }] });
});

test('Should apply nothing when any resource is invalid, and say where', async () => {
  const { galley, applied } = await setup();
  const before = galley.snapshot().version;
  const outcome = applied.apply(`${FILE_VS.replace('subset: v1', 'subset: v2')}---\n${FILE_VS.replace('name: reviews', 'name: bad').replace('route:', 'rewite: {}\n    route:')}`, 'x.yaml');
  assert.equal(outcome.ok, false);
  assert.match(outcome.ok ? '' : outcome.issues.join('\n'), /^x\.yaml:16: VirtualService default\/bad: spec\.http\[0\]\.rewite: unknown field/);
  assert.equal(galley.snapshot().version, before);
  assert.equal(subsetOf(galley), 'v1');
});

test('Should delete an applied resource so that the file\'s version serves again', async () => {
  const { galley, applied } = await setup();
  applied.apply(FILE_VS.replace('subset: v1', 'subset: v3'), 'v3.yaml');
  const outcome = applied.delete(FILE_VS, 'v3.yaml');
  assert.ok(outcome.ok);
  assert.equal(outcome.results[0]?.action, 'deleted');
  assert.equal(subsetOf(galley), 'v1');
  const again = applied.delete(FILE_VS, 'v3.yaml');
  assert.deepEqual(again.ok && again.results[0], { resource: 'virtualservice.networking.istio.io/reviews', namespace: 'default', action: 'not found', note: 'it is defined in samples/reviews.yaml:1; remove it there' });
});

test('Should serve what was applied again after a restart with the same store, until it is deleted', async () => {
  const store = memoryStore();
  const first = await setup(store);
  const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ratings, namespace: prod}\nspec: {host: ratings}\n';
  assert.ok(first.applied.apply(FILE_VS.replace('subset: v1', 'subset: v3'), 'v3.yaml').ok);
  assert.ok(first.applied.apply(dr, 'dr.yaml').ok);
  assert.equal(store.saves, 2);

  const loads: AppliedLoad[] = [];
  const restarted = await setup(store, (l) => loads.push(l));
  assert.deepEqual(loads, [{ ok: true, count: 2 }]);
  assert.equal(subsetOf(restarted.galley), 'v3', 'the applied VirtualService wins over the file again');
  assert.equal(restarted.galley.snapshot().get('DestinationRule', 'prod', 'ratings')?.resource.spec.host, 'ratings');

  const deleted = restarted.applied.delete(FILE_VS, 'reviews.yaml');
  assert.deepEqual(deleted.ok && deleted.results.map((r) => r.action), ['deleted']);
  const again = await setup(store);
  assert.equal(subsetOf(again.galley), 'v1', 'a deleted resource stays deleted after a restart');
  assert.ok(again.galley.snapshot().get('DestinationRule', 'prod', 'ratings'));
});

test('Should not save when an apply is refused or a delete removes nothing', async () => {
  const store = memoryStore();
  const { applied } = await setup(store);
  assert.equal(applied.apply('kind: Nonsense\n', 'bad.yaml').ok, false);
  assert.ok(applied.delete(FILE_VS, 'reviews.yaml').ok);
  assert.equal(store.saves, 0);
});

test('Should serve none of a kept file that no longer validates, and say why', async () => {
  const kept = FILE_VS.replace('subset: v1', 'subset: v3').replace('route:', 'rewite: {}\n    route:');
  const loads: AppliedLoad[] = [];
  const { galley } = await setup(memoryStore(kept), (l) => loads.push(l));
  assert.equal(loads.length, 1);
  assert.equal(loads[0]!.ok, false);
  assert.match(loads[0]!.ok ? '' : loads[0]!.issues.join('\n'), /^kept\.yaml:\d+: VirtualService default\/reviews: spec\.http\[0\]\.rewite: unknown field/);
  assert.equal(subsetOf(galley), 'v1');
});
