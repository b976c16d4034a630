// Request mirroring: a copy of the request, with `-shadow` added to its host, goes to the mirror
// cluster once the whole body has arrived. Fire and forget: the response is read and dropped.
import { bufferedBody } from '../http/body.js';
import type { UpstreamError } from '../http/exchange.js';
import type { RequestHead } from '../http/message.js';
import { upstreamProtocolOf, type RouterClusters } from './ports.js';
import type { RequestBodyRelay } from './request-body-relay.js';

/** `reviews:9080` → `reviews-shadow:9080`, as Envoy names a shadowed host. */
export function shadowAuthority(authority: string): string {
  const colon = authority.lastIndexOf(':');
  const bracket = authority.lastIndexOf(']');
  return colon > bracket ? `${authority.slice(0, colon)}-shadow${authority.slice(colon)}` : `${authority}-shadow`;
}

/** Sends the mirror copy of `head` (as forwarded) to `clusterName`; errors are ignored. */
export function sendMirror(clusters: RouterClusters, clusterName: string, head: RequestHead, relay: RequestBodyRelay, sourceAddress: string): void {
  const cluster = clusters.get(clusterName);
  if (!cluster || !relay.replayable) return;
  const host = cluster.pickHost(head, [], sourceAddress, undefined);
  if (!host) return;
  const copy: RequestHead = { ...head, authority: shadowAuthority(head.authority), headers: head.headers.clone() };
  copy.headers.remove('x-envoy-attempt-count');
  const protocol = upstreamProtocolOf(cluster.config, head.protocol === 'HTTP/2' ? 'http2' : 'http1');
  const request = cluster.client(host, protocol, copy.authority).request(copy, {
    onResponse: (_response, body) => body.discard(),
    onError: (_err: UpstreamError) => undefined,
  });
  bufferedBody(relay.buffered(), relay.trailers).pipe(request.body);
}
