// One queued push to one connection: the types the change concerns, in push order (clusters
// before endpoints before listeners before routes), each sent only if it changed for this proxy.
import type { ServerContext } from './server-context.js';
import { pushConcerns, warmsAfterClusters, type PushRequest } from './push-request.js';
import type { XdsConnection } from './xds-connection.js';

/** Pushes `request` to `conn`; returns the type URLs that were sent. */
export function pushConnection(ctx: ServerContext, conn: XdsConnection, request: PushRequest): string[] {
  const sent = new Set<string>();
  for (const watched of conn.watchedInOrder()) {
    if (!pushConcerns(request, watched.typeUrl, watched.wildcard ? undefined : watched.names)) continue;
    // Sending clusters makes Envoy warm them until it hears EDS again, so EDS then goes even unchanged.
    const force = warmsAfterClusters(watched.typeUrl, sent);
    if (conn.responder.respond(watched, request.push, force)) sent.add(watched.typeUrl);
  }
  conn.pushVersion = request.push.version;
  ctx.metrics.converged(Math.max(0, ctx.timers.now() - request.start) / 1000);
  return [...sent];
}
