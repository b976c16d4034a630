import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureBindAddress } from './capture-mode.js';

describe('captureBindAddress', () => {
  it('Should bind dual stack for an IPv6 workload', () => {
    assert.equal(captureBindAddress('0.0.0.0', 'fd00::2'), '::');
    assert.equal(captureBindAddress('0.0.0.0', '10.0.0.2'), '0.0.0.0');
    assert.equal(captureBindAddress('10.0.0.2', 'fd00::2'), '10.0.0.2');
  });
});
