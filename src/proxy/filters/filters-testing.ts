// For the tests of filters that call a cluster themselves (ext_authz, remote JWKS): a cluster of
// one loopback host, reached over a real HTTP/1.1 client.
import type { RouterCluster, RouterClusters } from '../hcm/ports.js';
import type { UpstreamClient } from '../http/exchange.js';
import { createHttp1Client } from '../http1/http1-client.js';

/** Clusters holding only `name`, whose one host is 127.0.0.1:`port`; its client's close is pushed onto `closers`. */
export function loopbackClusters(name: string, port: number, closers: (() => void)[]): RouterClusters {
  let client: UpstreamClient | undefined;
  const cluster = {
    config: { name, upstreamProtocol: 'http1' },
    pickHost: () => ({ address: '127.0.0.1', port }),
    client: () => {
      client ??= createHttp1Client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
      closers.push(() => client?.close());
      return client;
    },
  } as unknown as RouterCluster;
  return { get: (n) => (n === name ? cluster : undefined) };
}
