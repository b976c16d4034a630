import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { createProgram } from '../program.js';
import { parseCertTtlFlag, parseHostPort, parseIpFlag, parseLabelFlags, registerAgent } from './agent.js';

/** Parses `heddle agent ARGS` without running anything past flag checks' failures. */
async function parseAgent(args: readonly string[]): Promise<unknown> {
  const program = createProgram().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerAgent(program);
  return program.parseAsync(['node', 'heddle', 'agent', ...args]).then(() => undefined, (err: unknown) => err);
}

describe('heddle agent flags', () => {
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

  it('Should refuse to start without the xDS address or the output directory, with exit code 1', async () => {
    const missing = await parseAgent(['--output-dir', '/tmp/x', '--name', 'a']);
    assert.ok(missing instanceof CommanderError);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.message, /--xds-address/);
    const noDir = await parseAgent(['--xds-address', '127.0.0.1:15010', '--name', 'a']);
    assert.ok(noDir instanceof CommanderError);
    assert.match(noDir.message, /--output-dir/);
    const badAddress = await parseAgent(['--xds-address', 'nope', '--output-dir', '/tmp/x', '--name', 'a']);
    assert.match((badAddress as Error).message, /--xds-address must be HOST:PORT, got "nope"/);
  });
});
