import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergePrometheusText } from './prometheus-merge.js';

const PROXY = [
  '# HELP istio_requests_total Total requests.',
  '# TYPE istio_requests_total counter',
  'istio_requests_total{response_code="200"} 3',
  '',
  '# HELP istio_request_duration_milliseconds Request duration.',
  '# TYPE istio_request_duration_milliseconds histogram',
  'istio_request_duration_milliseconds_bucket{le="1"} 1',
  'istio_request_duration_milliseconds_bucket{le="+Inf"} 3',
  'istio_request_duration_milliseconds_sum 7',
  'istio_request_duration_milliseconds_count 3',
].join('\n');

const AGENT = [
  '# HELP istio_agent_scrapes_total The total number of scrapes.',
  '# TYPE istio_agent_scrapes_total counter',
  'istio_agent_scrapes_total 1',
  '',
].join('\n');

/** Every `# HELP`/`# TYPE` line's family name, in order. */
function declarations(text: string, kind: 'HELP' | 'TYPE'): string[] {
  return text.split('\n').filter((l) => l.startsWith(`# ${kind} `)).map((l) => l.split(' ')[2]!);
}

describe('mergePrometheusText', () => {
  it('Should put the sections one after the other, each line ending in a newline, with blank lines dropped', () => {
    const merged = mergePrometheusText([PROXY, AGENT]);
    assert.equal(merged, `${PROXY.split('\n').filter((l) => l !== '').join('\n')}\n${AGENT.trimEnd()}\n`);
    assert.deepEqual(declarations(merged, 'TYPE'), ['istio_requests_total', 'istio_request_duration_milliseconds', 'istio_agent_scrapes_total']);
  });

  it('Should leave out of a later section a family an earlier one declared, samples included', () => {
    const again = [
      '# HELP istio_request_duration_milliseconds Another help.',
      '# TYPE istio_request_duration_milliseconds histogram',
      'istio_request_duration_milliseconds_bucket{le="+Inf"} 99',
      'istio_request_duration_milliseconds_sum 99',
      'istio_request_duration_milliseconds_count 99',
      '# TYPE istio_agent_scrapes_total counter',
      'istio_agent_scrapes_total 5',
    ].join('\n');
    const merged = mergePrometheusText([PROXY, again]);
    assert.deepEqual(declarations(merged, 'HELP'), ['istio_requests_total', 'istio_request_duration_milliseconds']);
    assert.deepEqual(declarations(merged, 'TYPE'), ['istio_requests_total', 'istio_request_duration_milliseconds', 'istio_agent_scrapes_total']);
    assert.doesNotMatch(merged, / 99$/m, 'the duplicate family\'s samples are gone too');
    assert.match(merged, /^istio_agent_scrapes_total 5$/m, 'a family new in the later section stays');
  });

  it('Should treat an undeclared sample as a family of its own name, and drop its repeat', () => {
    const merged = mergePrometheusText(['up 1\nistio_build{component="proxy"} 1', 'up 0\nprocess_start_time_seconds 12']);
    assert.equal(merged, 'up 1\nistio_build{component="proxy"} 1\nprocess_start_time_seconds 12\n');
  });

  it('Should give an empty text for empty sections', () => {
    assert.equal(mergePrometheusText(['', '\n']), '');
  });
});
