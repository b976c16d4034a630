import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { HistogramFamily } from './metric-histogram.js';
import { CounterFamily } from './metric-counter.js';

describe('HistogramFamily and CounterFamily', () => {
  it('Should count a value equal to a bound in that bound, and render cumulative buckets in a prom-client registry', async () => {
    const registry = new Registry();
    const h = new HistogramFamily('x_ms', 'X', ['a'], [1, 10]).registerIn(registry);
    const s = h.seriesFor(['p']);
    for (const v of [0.5, 1, 10, 11]) h.observe(s, v);
    const text = await registry.metrics();
    assert.match(text, /^# TYPE x_ms histogram$/m);
    assert.match(text, /^x_ms_bucket\{a="p",le="1"\} 2$/m);
    assert.match(text, /^x_ms_bucket\{a="p",le="10"\} 3$/m);
    assert.match(text, /^x_ms_bucket\{a="p",le="\+Inf"\} 4$/m);
    assert.match(text, /^x_ms_sum\{a="p"\} 22.5$/m);
    assert.match(text, /^x_ms_count\{a="p"\} 4$/m);
  });

  it('Should hand out one series per label set, escape label values, and zero on reset', async () => {
    const registry = new Registry();
    const c = new CounterFamily('y_total', 'Y', ['a', 'b']).registerIn(registry);
    assert.equal(c.seriesFor(['1', '2']), c.seriesFor(['1', '2']));
    assert.notEqual(c.seriesFor(['1', '2']), c.seriesFor(['12', '']));
    c.seriesFor(['q"x', 'z']).value += 3;
    assert.match(await registry.metrics(), /^y_total\{a="q\\"x",b="z"\} 3$/m);
    registry.resetMetrics();
    assert.match(await registry.metrics(), /^y_total\{a="q\\"x",b="z"\} 0$/m);
  });
});
