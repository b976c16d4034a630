// AuthorizationPolicy through both planes without processes: Pilot's RBAC filter, packed as on
// the wire, decoded by the sidecar and evaluated on requests. Catches a translation that the
// proxy reads differently from how Pilot meant it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRbacRules, rbacHttpFilter } from '../../src/pilot/security/authz/rbac-filters.js';
import type { AuthzAction } from '../../src/pilot/security/authz/authz-views.js';
import { HTTP_FILTERS } from '../../src/proxy/decode/http-filters.js';
import { DecodeErrors } from '../../src/proxy/decode/decode-result.js';
import { createHttpRbacFilter } from '../../src/proxy/filters/rbac/http-rbac-filter.js';
import { writeJwtMetadata } from '../../src/proxy/filters/jwt/jwt-metadata.js';
import type { DynamicMetadata, HttpPolicyFilter, PolicyRequest } from '../../src/proxy/filters/policy-filter.js';
import { HeaderMap } from '../../src/proxy/http/headers.js';

type Spec = Parameters<typeof buildRbacRules>[0][number]['spec'];

function rbacFilter(spec: Spec, action: AuthzAction): HttpPolicyFilter {
  const rules = buildRbacRules([{ namespace: 'default', name: 'p', spec }], action, false);
  const errors = new DecodeErrors();
  const packed = rbacHttpFilter({ rules }).typed_config as Parameters<typeof HTTP_FILTERS.decode>[0];
  const decoded = HTTP_FILTERS.decode(packed, errors, 'filter');
  assert.ok(errors.ok, `the sidecar accepts what Pilot generates: ${JSON.stringify(errors)}`);
  assert.equal(decoded?.kind, 'rbac');
  return createHttpRbacFilter('rbac', (decoded as Extract<typeof decoded, { kind: 'rbac' }>).rbac, 'inbound');
}

function request(path: string, metadata: DynamicMetadata = new Map()): PolicyRequest {
  const connection = { remoteAddress: '10.0.0.9', remotePort: 1, localAddress: '10.0.0.1', localPort: 8080, destinationAddress: '10.0.0.1', destinationPort: 8080, tls: false };
  return {
    head: { method: 'GET', path, authority: 'svc', scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderMap() },
    connection,
    remoteIp: '10.0.0.9',
    route: undefined,
    virtualHost: undefined,
    metadata,
    signal: new AbortController().signal,
  };
}

const denied = (filter: HttpPolicyFilter, req: PolicyRequest): boolean => {
  const verdict = filter.decodeHeaders(req);
  return !(verdict instanceof Promise) && verdict.kind === 'deny';
};

function withAudience(aud: string | string[]): DynamicMetadata {
  const metadata: DynamicMetadata = new Map();
  writeJwtMetadata(metadata, { iss: 'https://issuer.example', sub: 'user', aud }, 'https://issuer.example');
  return metadata;
}

describe('AuthorizationPolicy from Pilot to the sidecar', () => {
  it('Should deny every path a DENY rule\'s path template covers', () => {
    const filter = rbacFilter({ action: 'DENY', rules: [{ to: [{ operation: { paths: ['/api/{*}/admin', '/internal/{**}'] } }] }] }, 'DENY');
    assert.ok(denied(filter, request('/api/v1/admin')));
    assert.ok(denied(filter, request('/internal/secrets/key')));
    assert.ok(!denied(filter, request('/api/v1/v2/admin')), '{*} is one segment only');
    assert.ok(!denied(filter, request('/public')));
  });

  it('Should match a request.auth.audiences condition against a token\'s audience, single or listed', () => {
    const deny = rbacFilter({ action: 'DENY', rules: [{ when: [{ key: 'request.auth.audiences', values: ['bad-aud'] }] }] }, 'DENY');
    assert.ok(denied(deny, request('/', withAudience('bad-aud'))));
    assert.ok(denied(deny, request('/', withAudience(['other', 'bad-aud']))));
    assert.ok(!denied(deny, request('/', withAudience('good-aud'))));
    const allow = rbacFilter({ rules: [{ when: [{ key: 'request.auth.audiences', notValues: ['bad-aud'] }] }] }, 'ALLOW');
    assert.ok(denied(allow, request('/', withAudience('bad-aud'))));
    assert.ok(!denied(allow, request('/', withAudience('good-aud'))));
  });
});
