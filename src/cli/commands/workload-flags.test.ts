import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { optionalPort, parseAppMetricsFlag, parseCertTtlFlag, parseHostPort, parseIpFlag, parseLabelFlags } from './workload-flags.js';

describe('workload flags', () => {
  it('Should accept host:port addresses, IPv6 in brackets included, and refuse the rest naming the flag', () => {
    const parse = parseHostPort('--xds-address');
    assert.equal(parse('127.0.0.1:15010'), '127.0.0.1:15010');
    assert.equal(parse('istiod.istio-system.svc:15012'), 'istiod.istio-system.svc:15012');
    assert.equal(parse('[::1]:15010'), '[::1]:15010');
    for (const bad of ['127.0.0.1', ':15010', '127.0.0.1:', 'host:0', 'host:70000', 'host:http']) {
      assert.throws(() => parse(bad), new RegExp(`--xds-address must be HOST:PORT, got "${bad.replace(/[.[\]]/g, '\\$&')}"`));
    }
  });

  it('Should read labels from repeated and comma-separated flags, and refuse a pair without a key', () => {
    assert.deepEqual(parseLabelFlags(['app=echo,version=v1', 'team = shop']), { app: 'echo', version: 'v1', team: 'shop' });
    assert.throws(() => parseLabelFlags(['=v1']), /--label must be key=value, got "=v1"/);
  });

  it('Should refuse an instance IP that is not an address and a certificate lifetime under a second', () => {
    assert.equal(parseIpFlag('::1'), '::1');
    assert.throws(() => parseIpFlag('localhost'), /--ip must be an IP address/);
    assert.equal(parseCertTtlFlag('90m'), 90 * 60_000);
    assert.throws(() => parseCertTtlFlag('500ms'), /--cert-ttl must be a duration of at least 1s/);
  });

  it('Should pass a port flag through as an option, 0 included, and leave the option out when --no-… turned it off', () => {
    assert.deepEqual(optionalPort('agentPort', 15020), { agentPort: 15020 });
    assert.deepEqual(optionalPort('agentPort', 0), { agentPort: 0 });
    assert.deepEqual(optionalPort('healthPort', false), {});
  });

  it('Should read --app-metrics as a port with /metrics by default or a port and a path, and refuse anything else', () => {
    assert.deepEqual(parseAppMetricsFlag('9090'), { port: 9090, path: '/metrics' });
    assert.deepEqual(parseAppMetricsFlag('8080/stats/prometheus'), { port: 8080, path: '/stats/prometheus' });
    for (const bad of ['', 'metrics', '0', '70000', '9090:metrics', '9090/a b']) {
      assert.throws(() => parseAppMetricsFlag(bad), /--app-metrics must be PORT or PORT\/PATH/, bad);
    }
  });
});
