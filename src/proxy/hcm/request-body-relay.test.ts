import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BodySink } from '../http/body.js';
import { RequestBodyRelay } from './request-body-relay.js';

function recordingSink(accept = true): BodySink & { chunks: string[]; ended: boolean; drains: (() => void)[] } {
  const sink = {
    chunks: [] as string[],
    ended: false,
    drains: [] as (() => void)[],
    write(chunk: Buffer) {
      sink.chunks.push(chunk.toString());
      return accept;
    },
    onceDrain(fn: () => void) {
      sink.drains.push(fn);
    },
    end() {
      sink.ended = true;
    },
    abort() {},
  };
  return sink;
}

test('Should replay the whole body to a second attempt', () => {
  const relay = new RequestBodyRelay(100);
  const first = recordingSink();
  relay.attach(first);
  relay.write(Buffer.from('ab'));
  relay.write(Buffer.from('cd'));
  relay.end();
  relay.detach();
  const second = recordingSink();
  relay.attach(second);
  assert.deepEqual(second.chunks, ['ab', 'cd']);
  assert.ok(second.ended);
  assert.ok(relay.replayable);
  assert.equal(relay.buffered()?.toString(), 'abcd');
});

test('Should stop being replayable once the body outgrows the buffer, while still forwarding it', () => {
  const relay = new RequestBodyRelay(3);
  const sink = recordingSink();
  relay.attach(sink);
  relay.write(Buffer.from('ab'));
  relay.write(Buffer.from('cd'));
  assert.equal(relay.replayable, false);
  assert.deepEqual(sink.chunks, ['ab', 'cd']);
  assert.equal(relay.buffered(), undefined);
  assert.equal(relay.bytes, 4);
});

test('Should hold the source back until an attempt is attached, then release it', () => {
  const relay = new RequestBodyRelay();
  assert.equal(relay.write(Buffer.from('x')), false, 'no attempt yet: the source must wait');
  let resumed = false;
  relay.onceDrain(() => (resumed = true));
  relay.attach(recordingSink());
  assert.ok(resumed, 'attaching resumes a waiting source');
});
