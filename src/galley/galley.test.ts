import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFileSource, createGalley, type ConfigSnapshot, type Galley } from './index.js';

const quiet = pino({ level: 'silent' });

const GOOD = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - timeout: 2s
    route:
    - destination: {host: reviews}
`;
const BAD = GOOD.replace('timeout: 2s', 'timeout: 2');
const FIXED = GOOD.replace('timeout: 2s', 'timeout: 3s');
const OTHER = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
`;

/** Resolves with the next snapshot Galley publishes, or rejects after `ms`. */
function nextSnapshot(galley: Galley, ms = 5000): Promise<ConfigSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no snapshot published in time'));
    }, ms);
    const stop = galley.subscribe((s) => {
      clearTimeout(timer);
      stop();
      resolve(s);
    });
  });
}

function nextRejection(galley: Galley, ms = 5000) {
  return new Promise<ReturnType<Galley['rejections']>[number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no rejection in time')), ms);
    const stop = galley.onRejection((r) => {
      clearTimeout(timer);
      stop();
      resolve(r);
    });
  });
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-galley-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function timeoutOf(snap: ConfigSnapshot): unknown {
  return snap.get('VirtualService', 'default', 'reviews')?.resource.spec.http?.[0]?.timeout;
}

test('Should keep the last good resource when a watched file turns bad, and apply the fix', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'reviews.yaml');
    await writeFile(file, GOOD);
    const galley = createGalley({ source: createFileSource({ paths: [dir], debounceMs: 20 }), log: quiet });
    try {
      const first = await galley.start();
      assert.equal(timeoutOf(first), '2s');

      const rejected = nextRejection(galley);
      await writeFile(file, BAD);
      const rejection = await rejected;
      assert.equal(rejection.keptLastGood, true);
      assert.equal(rejection.resource?.name, 'reviews');
      assert.equal(rejection.issues[0]?.field, 'spec.http[0].timeout');
      assert.equal(rejection.issues[0]?.location?.line, 7);
      assert.equal(timeoutOf(galley.snapshot()), '2s', 'the good version keeps serving');
      assert.equal(galley.snapshot().version, first.version, 'nothing new was published');

      const fixed = nextSnapshot(galley);
      await writeFile(file, FIXED);
      const snap = await fixed;
      assert.equal(timeoutOf(snap), '3s');
      assert.ok(snap.version > first.version);
    } finally {
      galley.stop();
    }
  });
});

test('Should apply the other resources of a file when one of them is bad', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'all.yaml'), `${BAD}---\n${OTHER}`);
    const galley = createGalley({ source: createFileSource({ paths: [dir] }), log: quiet });
    const snap = await galley.start({ watch: false });
    assert.equal(snap.get('VirtualService', 'default', 'reviews'), undefined);
    assert.equal(snap.get('DestinationRule', 'default', 'reviews')?.resource.spec.host, 'reviews');
    assert.equal(galley.rejections().length, 1);
    assert.equal(galley.rejections()[0]?.keptLastGood, false);
  });
});

test('Should drop the resources of a file that is deleted, and pick up new files', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'vs.yaml'), GOOD);
    const galley = createGalley({ source: createFileSource({ paths: [dir], debounceMs: 20 }), log: quiet });
    try {
      await galley.start();
      let next = nextSnapshot(galley);
      await writeFile(join(dir, 'dr.yml'), OTHER);
      let snap = await next;
      assert.equal(snap.all().length, 2);
      next = nextSnapshot(galley);
      await rm(join(dir, 'vs.yaml'));
      snap = await next;
      assert.deepEqual(snap.all().map((e) => e.resource.kind), ['DestinationRule']);
    } finally {
      galley.stop();
    }
  });
});

test('Should publish frozen snapshots', async () => {
  const galley = createGalley({ source: createFileSource({ paths: ['-'], readStdin: async () => GOOD }), log: quiet });
  const snap = await galley.start({ watch: false });
  const entry = snap.get('VirtualService', 'default', 'reviews');
  assert.ok(entry);
  assert.throws(() => {
    (entry.resource.spec as { hosts: string[] }).hosts.push('x');
  }, TypeError);
});

test('Should let the later file win when two files define the same resource, and publish once', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'a.yaml'), GOOD);
    await writeFile(join(dir, 'b.yaml'), FIXED);
    const galley = createGalley({ source: createFileSource({ paths: [dir] }), log: quiet });
    const snap = await galley.start({ watch: false });
    assert.equal(snap.all().length, 1);
    assert.equal(timeoutOf(snap), '3s');
    galley.apply([{ id: join(dir, 'a.yaml'), parsed: (await createFileSource({ paths: [join(dir, 'a.yaml')] }).list())[0]!.parsed! }]);
    assert.equal(galley.snapshot().version, snap.version, 'an unchanged result is not published again');
  });
});
