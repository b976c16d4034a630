// The mTLS proof's reading of the server sidecar's metrics, on Prometheus text as the sidecar writes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_PRINCIPAL, judgeSecurity, securityCounts, sumMetric } from './mtls-check.js';

const page = (mtls: number, none: number, sourceMtls = mtls) => `# HELP istio_requests_total Requests.
# TYPE istio_requests_total counter
istio_requests_total{reporter="destination",source_principal="${CLIENT_PRINCIPAL}",response_code="200",connection_security_policy="mutual_tls"} ${sourceMtls}
istio_requests_total{reporter="destination",source_principal="spiffe://cluster.local/ns/default/sa/other",response_code="200",connection_security_policy="mutual_tls"} ${mtls - sourceMtls}
istio_requests_total{reporter="destination",source_principal="unknown",response_code="200",connection_security_policy="none"} ${none}
istio_requests_total{reporter="source",source_principal="unknown",response_code="200",connection_security_policy="unknown"} 999
istio_requests_total_created{reporter="destination",connection_security_policy="none"} 1700000000
istio_request_bytes_sum{reporter="destination",connection_security_policy="none"} 5000
`;

describe('sumMetric', () => {
  it('Should sum only the samples of the named metric whose labels all match', () => {
    const text = page(4, 7);
    assert.equal(sumMetric(text, 'istio_requests_total'), 4 + 7 + 999);
    assert.equal(sumMetric(text, 'istio_requests_total', { reporter: 'destination' }), 11);
    assert.equal(sumMetric(text, 'istio_requests_total', { connection_security_policy: 'none' }), 7);
    assert.equal(sumMetric(text, 'istio_requests_total', { connection_security_policy: 'absent' }), 0);
  });

  it('Should compare label values after unescaping them', () => {
    const text = 'm{path="/a\\"b",x="y"} 3\nm{path="/a",x="y"} 5\n';
    assert.equal(sumMetric(text, 'm', { path: '/a"b' }), 3);
  });
});

describe('securityCounts', () => {
  it("Should count only the server's mutual_tls requests from the client's principal, and its plaintext ones", () => {
    assert.deepEqual(securityCounts(page(10, 3, 6)), { mutualTls: 6, none: 3 });
  });
});

describe('judgeSecurity', () => {
  it('Should accept an mTLS path whose requests all arrived as mutual_tls', () => {
    assert.deepEqual(judgeSecurity('mutual_tls', { mutualTls: 2, none: 5 }, { mutualTls: 5, none: 5 }, 3), { ok: true });
  });

  it('Should refuse an mTLS path whose requests arrived in plaintext', () => {
    const verdict = judgeSecurity('mutual_tls', { mutualTls: 0, none: 5 }, { mutualTls: 0, none: 8 }, 3);
    assert.equal(verdict.ok, false);
    assert.match(verdict.ok ? '' : verdict.reason, /counted 0 mutual_tls .* and 3 plaintext; expected 3 and 0/);
  });

  it('Should refuse a plaintext path whose requests arrived over mutual TLS', () => {
    assert.equal(judgeSecurity('none', { mutualTls: 0, none: 0 }, { mutualTls: 3, none: 0 }, 3).ok, false);
  });

  it('Should accept a plaintext path whose requests all arrived as none', () => {
    assert.deepEqual(judgeSecurity('none', { mutualTls: 4, none: 0 }, { mutualTls: 4, none: 3 }, 3), { ok: true });
  });

  it('Should refuse a path on which no request succeeded', () => {
    assert.equal(judgeSecurity('mutual_tls', { mutualTls: 0, none: 0 }, { mutualTls: 0, none: 0 }, 0).ok, false);
  });
});
