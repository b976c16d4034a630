import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCaptureOptions, type CaptureFlags, type CaptureOptions } from './capture-options.js';
import { buildCaptureRules, type NatRuleSet } from './capture-rules.js';

function options(flags: CaptureFlags = {}): CaptureOptions {
  const parsed = parseCaptureOptions(flags);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.options;
}

const lines = (set: NatRuleSet): string[] => set.rules.map((r) => `-A ${r.chain} ${r.spec.join(' ')}`);

describe('buildCaptureRules', () => {
  it('Should build exactly Istio\'s IPv4 rules for the default options', () => {
    const set = buildCaptureRules(options(), 'ipv4');
    assert.deepEqual(set.chains, ['ISTIO_INBOUND', 'ISTIO_REDIRECT', 'ISTIO_IN_REDIRECT', 'ISTIO_OUTPUT']);
    assert.deepEqual(lines(set), [
      '-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN',
      '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001',
      '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006',
      '-A PREROUTING -p tcp -j ISTIO_INBOUND',
      '-A ISTIO_INBOUND -p tcp --dport 22 -j RETURN',
      '-A ISTIO_INBOUND -p tcp --dport 15090 -j RETURN',
      '-A ISTIO_INBOUND -p tcp --dport 15021 -j RETURN',
      '-A ISTIO_INBOUND -p tcp --dport 15020 -j RETURN',
      '-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT',
      '-A OUTPUT -p tcp -j ISTIO_OUTPUT',
      '-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN',
      '-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT',
      '-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT',
      '-A ISTIO_OUTPUT -o lo -m owner ! --gid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN',
      '-A ISTIO_OUTPUT -j ISTIO_REDIRECT',
    ]);
  });

  it('Should use ::6 and ::1 in the IPv6 rules and keep each family\'s CIDRs to itself', () => {
    const set = buildCaptureRules(options({ outboundIpRangesExclude: '10.0.0.0/8,fd00::/8', outboundIpRanges: '172.16.0.0/12,2001:db8::/32' }), 'ipv6');
    const output = lines(set).filter((l) => l.startsWith('-A ISTIO_OUTPUT'));
    assert.deepEqual(output, [
      '-A ISTIO_OUTPUT -o lo -s ::6/128 -j RETURN',
      '-A ISTIO_OUTPUT -o lo ! -d ::1/128 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT',
      '-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -o lo ! -d ::1/128 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT',
      '-A ISTIO_OUTPUT -o lo -m owner ! --gid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -d ::1/128 -j RETURN',
      '-A ISTIO_OUTPUT -d fd00::/8 -j RETURN',
      '-A ISTIO_OUTPUT -d 2001:db8::/32 -j ISTIO_REDIRECT',
      '-A ISTIO_OUTPUT -j RETURN',
    ]);
  });

  it('Should put outbound port exclusions first and included ports before the catch-all', () => {
    const set = buildCaptureRules(options({ outboundPortsExclude: '3306,6379', outboundPorts: '9080', outboundIpRangesExclude: '10.96.0.1', proxyUid: '1337,1338', proxyGid: '1337' }), 'ipv4');
    const output = lines(set).filter((l) => l.startsWith('-A ISTIO_OUTPUT'));
    assert.deepEqual(output.slice(0, 3), [
      '-A ISTIO_OUTPUT -p tcp --dport 3306 -j RETURN',
      '-A ISTIO_OUTPUT -p tcp --dport 6379 -j RETURN',
      '-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN',
    ]);
    assert.equal(output.filter((l) => l.includes('--uid-owner 1338')).length, 3);
    assert.deepEqual(output.slice(-4), [
      '-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN',
      '-A ISTIO_OUTPUT -d 10.96.0.1/32 -j RETURN',
      '-A ISTIO_OUTPUT -p tcp --dport 9080 -j ISTIO_REDIRECT',
      '-A ISTIO_OUTPUT -j ISTIO_REDIRECT',
    ]);
  });

  it('Should capture only the listed inbound ports, without the SSH and exclusion rules', () => {
    const set = buildCaptureRules(options({ inboundPorts: '8080,9000', envoyPort: '16001', inboundCapturePort: '16006' }), 'ipv4');
    const inbound = lines(set).filter((l) => l.includes('ISTIO_INBOUND') || l.includes('REDIRECT --to-ports'));
    assert.deepEqual(inbound, [
      '-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN',
      '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 16001',
      '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 16006',
      '-A PREROUTING -p tcp -j ISTIO_INBOUND',
      '-A ISTIO_INBOUND -p tcp --dport 8080 -j ISTIO_IN_REDIRECT',
      '-A ISTIO_INBOUND -p tcp --dport 9000 -j ISTIO_IN_REDIRECT',
    ]);
  });

  it('Should install no PREROUTING jump when the inbound port list is empty', () => {
    const set = buildCaptureRules(options({ inboundPorts: '' }), 'ipv4');
    assert.equal(set.rules.some((r) => r.chain === 'PREROUTING'), false);
    assert.equal(set.rules.some((r) => r.chain === 'OUTPUT'), true);
  });
});

describe('parseCaptureOptions', () => {
  it('Should apply Istio\'s defaults when no flag is given', () => {
    const o = options();
    assert.equal(o.envoyPort, 15001);
    assert.equal(o.inboundCapturePort, 15006);
    assert.deepEqual(o.proxyUids, [1337]);
    assert.deepEqual(o.proxyGids, [1337]);
    assert.equal(o.inboundPorts, '*');
    assert.deepEqual(o.inboundPortsExclude, [15090, 15021, 15020]);
    assert.equal(o.outboundIpRanges, '*');
    assert.deepEqual(o.families, ['ipv4', 'ipv6']);
  });

  it('Should report every bad flag, each by name', () => {
    const parsed = parseCaptureOptions({ envoyPort: 'x', inboundPortsExclude: '80,99999', outboundIpRangesExclude: '10.0.0.0/33', proxyUid: 'root', family: 'ipv5' });
    assert.equal(parsed.ok, false);
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.errors.map((e) => e.split(':')[0]), ['--envoy-port', '--proxy-uid', '--istio-local-exclude-ports', '--istio-service-exclude-cidr', '--ip-family']);
  });

  it('Should turn bare addresses into host CIDRs', () => {
    const o = options({ outboundIpRanges: '10.1.2.3, fd00::1', outboundIpRangesExclude: '' });
    assert.deepEqual(o.outboundIpRanges, ['10.1.2.3/32', 'fd00::1/128']);
    assert.deepEqual(o.outboundIpRangesExclude, []);
  });
});
