import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProxySyncStatus, TypeSyncStatus, XdsSyncState } from '../../pilot/server/index.js';
import { formatProxyStatus } from './proxy-status.js';

const at = '2026-11-28T12:00:00.000Z';

function type(state: XdsSyncState, message?: string): TypeSyncStatus {
  return {
    typeUrl: 'type.googleapis.com/x',
    state,
    subscribed: '*',
    resources: 1,
    ...(state === 'NOT SENT' ? {} : { sent: { version: '3.7', nonce: 'n1', at } }),
    ...(message ? { nack: { version: '3.7', nonce: 'n1', message, at } } : {}),
  };
}

function proxy(id: string, states: Record<string, TypeSyncStatus>, extra: Partial<ProxySyncStatus> = {}): ProxySyncStatus {
  return { proxy: id, connection: `${id}-1`, proxyType: 'sidecar', generator: 'envoy', protocol: 'sotw', peer: 'ipv4:127.0.0.1:5000', connectedAt: at, version: '3.7', xds: states, ...extra };
}

test('Should print proxy-status as NAME, TYPE, CDS, LDS, EDS, RDS and VERSION columns', () => {
  const out = formatProxyStatus({
    proxies: [
      proxy('sidecar~10.0.0.5~productpage-v1.default~default.svc.cluster.local', {
        CDS: type('SYNCED'),
        LDS: type('STALE'),
        EDS: type('SYNCED'),
        RDS: type('NOT SENT'),
      }),
      proxy('client-1', { CDS: type('SYNCED'), LDS: type('SYNCED'), EDS: type('SYNCED'), RDS: type('SYNCED') }, { generator: 'grpc' }),
      proxy('router~10.0.0.9~ingress.istio-system~istio-system.svc.cluster.local', {}, { proxyType: 'router' }),
    ],
  });
  assert.equal(
    out,
    [
      'NAME                     TYPE      CDS        LDS        EDS        RDS        VERSION',
      'productpage-v1.default   sidecar   SYNCED     STALE      SYNCED     NOT SENT   3.7',
      'client-1                 grpc      SYNCED     SYNCED     SYNCED     SYNCED     3.7',
      'ingress.istio-system     router    NOT SENT   NOT SENT   NOT SENT   NOT SENT   3.7',
      '',
    ].join('\n'),
  );
});

test('Should follow the proxy-status table with the reason of each NACK', () => {
  const out = formatProxyStatus({
    proxies: [proxy('client-1', { CDS: type('NACKED', 'clusters[0]: unknown lb_policy'), LDS: type('SYNCED') })],
  });
  assert.match(out, /^client-1\s+sidecar\s+NACKED\s+SYNCED\s+NOT SENT\s+NOT SENT\s+3\.7$/m);
  assert.match(out, /\nclient-1 CDS NACK \(version 3\.7\): clusters\[0\]: unknown lb_policy\n$/);
});

test('Should say so when no proxy is connected', () => {
  assert.equal(formatProxyStatus({ proxies: [] }), 'no proxies are connected\n');
});
