// The load tools' reports, as captured from the Debian wrk 4.1.0, hey 0.1.4 and h2load 1.52.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseH2load } from './load-h2load.js';
import { parseHey } from './load-hey.js';
import { parseWrk } from './load-wrk.js';

const WRK_OK = `Running 1s test @ http://127.0.0.1:43779/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.91ms    2.03ms  20.62ms   91.97%
    Req/Sec    13.01k     6.64k   20.94k    60.00%
  Latency Distribution
     50%  211.00us
     75%  548.00us
     90%    2.47ms
     99%   10.36ms
  12943 requests in 1.01s, 1.77MB read
Requests/sec:  12859.87
Transfer/sec:      1.75MB
`;

const WRK_ERRORS = `Running 1s test @ http://127.0.0.1:35619/bad
  1 threads and 2 connections
  Latency Distribution
     50%   64.00us
     75%  165.00us
     90%  753.00us
     99%    1.20s
  19016 requests in 1.00s, 2.76MB read
  Socket errors: connect 0, read 2, write 1, timeout 3
  Non-2xx or 3xx responses: 19016
Requests/sec:  18972.57
`;

const HEY_OK = `Summary:
  Total:	1.0198 secs
  Requests/sec:	97.0815

Latency distribution:
  10% in 0.0006 secs
  25% in 0.0007 secs
  50% in 0.0009 secs
  75% in 0.0012 secs
  90% in 0.0015 secs
  95% in 0.0030 secs
  99% in 0.0042 secs

Status code distribution:
  [200]	99 responses
  [503]	2 responses
`;

const HEY_REFUSED = `Summary:
  Total:	1.0168 secs
  Requests/sec:	39.3406

Status code distribution:

Error distribution:
  [40]	Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused
`;

const H2LOAD_OK = `finished in 4.00s, 25216.50 req/s, 1.23MB/s
requests: 100866 total, 100930 started, 100866 done, 100860 succeeded, 6 failed, 0 errored, 0 timeout
status codes: 100860 2xx, 0 3xx, 0 4xx, 6 5xx
`;

const H2LOAD_REFUSED = `starting benchmark...
finished in 7.54ms, 0.00 req/s, 0B/s
requests: 20 total, 0 started, 0 done, 0 succeeded, 20 failed, 20 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
`;

describe('parseWrk', () => {
  it('Should read the rate, the latency percentiles in their units and the request count', () => {
    assert.deepEqual(parseWrk(WRK_OK), { rps: 12859.87, p50Ms: 0.211, p99Ms: 10.36, errors: 0, requests: 12943 });
  });

  it('Should count socket errors and non-2xx responses as errors', () => {
    const r = parseWrk(WRK_ERRORS);
    assert.equal(r.errors, 6 + 19016);
    assert.equal(r.p99Ms, 1200);
  });
});

describe('parseHey', () => {
  it('Should read the rate, p50 and p99 in milliseconds, and split 200s from other statuses', () => {
    const r = parseHey(HEY_OK);
    assert.equal(r.rps, 97.0815);
    assert.ok(Math.abs(r.p50Ms - 0.9) < 1e-9 && Math.abs(r.p99Ms - 4.2) < 1e-9, `${r.p50Ms} ${r.p99Ms}`);
    assert.equal(r.ok, 99);
    assert.equal(r.errors, 2);
  });

  it('Should count transport errors from the error distribution', () => {
    const r = parseHey(HEY_REFUSED);
    assert.equal(r.ok, 0);
    assert.equal(r.errors, 40);
    assert.ok(Number.isNaN(r.p50Ms));
  });
});

describe('parseH2load', () => {
  it('Should read the rate and count failed, errored and timed-out requests as failed', () => {
    assert.deepEqual(parseH2load(H2LOAD_OK), { rps: 25216.5, succeeded: 100860, failed: 6 });
  });

  it('Should report a run without a single success as a failure quoting the summary', () => {
    const r = parseH2load(H2LOAD_REFUSED);
    assert.equal(r.succeeded, 0);
    assert.equal(r.rps, 0);
    assert.match(r.failure ?? '', /20 errored/);
  });
});
