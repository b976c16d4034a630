import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestCa } from '../tls/testing.js';
import type { Secret, SecretProvider } from '../tls/secret-provider.js';
import { createAgentMetrics } from './agent-metrics.js';

/** A provider whose `default` secret the test sets; `ROOTCA` always holds a root. */
function secretsHolder(root: Secret): { provider: SecretProvider; set(secret: Secret | undefined): void } {
  let current: Secret | undefined;
  return {
    provider: {
      get: (name) => (name === 'default' ? current : name === 'ROOTCA' ? root : undefined),
      watch: () => () => undefined,
    },
    set(secret) {
      current = secret;
    },
  };
}

/** The value of the one sample of `name` in `text`, or undefined when there is none. */
function sample(text: string, name: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line?.slice(line.lastIndexOf(' ') + 1);
}

describe('createAgentMetrics', () => {
  it('Should report the seconds left on the workload certificate, follow a rotation, and go negative once it expired', async () => {
    const ca = await createTestCa();
    const holder = secretsHolder(ca.validation);
    let now = Date.parse('2026-11-29T00:00:00Z');
    const metrics = createAgentMetrics({ secrets: holder.provider, now: () => now });

    const before = await metrics.scrape();
    assert.match(before, /^# TYPE istio_agent_cert_expiry_seconds gauge$/m);
    assert.equal(sample(before, 'istio_agent_cert_expiry_seconds'), undefined, 'no sample while the workload has no certificate');

    const first = await ca.issue({ uris: ['spiffe://cluster.local/ns/default/sa/reviews'], notBefore: new Date(now - 60_000), notAfter: new Date(now + 12 * 3_600_000) });
    holder.set(first.secret);
    const text = await metrics.scrape();
    assert.match(text, /^istio_agent_cert_expiry_seconds\{resource_name="default"\} 43200$/m);

    const second = await ca.issue({ uris: ['spiffe://cluster.local/ns/default/sa/reviews'], notBefore: new Date(now - 60_000), notAfter: new Date(now + 24 * 3_600_000) });
    holder.set(second.secret);
    now += 3_600_000;
    assert.equal(sample(await metrics.scrape(), 'istio_agent_cert_expiry_seconds'), String(23 * 3600));

    now += 30 * 3_600_000;
    assert.equal(sample(await metrics.scrape(), 'istio_agent_cert_expiry_seconds'), String(-7 * 3600));
    // The agent serves no expired certificate: the sample stays, still counting down.
    holder.set(undefined);
    now += 3_600_000;
    assert.equal(sample(await metrics.scrape(), 'istio_agent_cert_expiry_seconds'), String(-8 * 3600));
  });

  it('Should count every scrape, the current one included, and the scrapes whose app metrics failed', async () => {
    const ca = await createTestCa();
    const metrics = createAgentMetrics({ secrets: secretsHolder(ca.validation).provider });
    assert.equal(sample(await metrics.scrape(), 'istio_agent_scrapes_total'), '1');
    assert.equal(sample(await metrics.scrape(), 'istio_agent_scrapes_total'), '2');
    metrics.scrapeFailed('application');
    assert.match(await metrics.scrape(), /^istio_agent_scrape_failures_total\{type="application"\} 1$/m);
  });

  it('Should report nothing for a workload certificate that does not parse', async () => {
    const ca = await createTestCa();
    const holder = secretsHolder(ca.validation);
    holder.set({ kind: 'certificate', certificateChainPem: '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n', privateKeyPem: '' });
    const metrics = createAgentMetrics({ secrets: holder.provider });
    assert.equal(sample(await metrics.scrape(), 'istio_agent_cert_expiry_seconds'), undefined);
  });
});
