import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { createProgram } from '../program.js';
import { registerAgent } from './agent.js';

/** Parses `heddle agent ARGS` without running anything past flag checks' failures. */
async function parseAgent(args: readonly string[]): Promise<unknown> {
  const program = createProgram().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerAgent(program);
  return program.parseAsync(['node', 'heddle', 'agent', ...args]).then(() => undefined, (err: unknown) => err);
}

describe('heddle agent flags', () => {
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
