// Delta responses: only the resources whose version (a hash of their bytes) differs from what the
// proxy holds, and the names of those it holds that no longer exist. Nothing is sent when nothing
// changed, unless forced (the first answer for a type, which the proxy waits for).
import type { DeltaDiscoveryResponse } from '../../xds/index.js';
import type { Proxy } from '../model/proxy.js';
import { resourceVersion } from './resource-version.js';
import type { ServerContext } from './server-context.js';
import { isSubscribed, recordSent } from './watched-type.js';
import type { TypeResponder } from './xds-connection.js';

/** Creates the Delta responder for one proxy's stream; `write` puts a response on the wire. */
export function createDeltaResponder(ctx: ServerContext, proxy: Proxy, write: (response: DeltaDiscoveryResponse) => void): TypeResponder {
  return {
    respond(watched, push, force) {
      if (!isSubscribed(watched)) return false;
      const started = ctx.timers.now();
      const resources = ctx.generate(proxy, watched, push);
      if (!resources) return false;
      const present = new Set(resources.map((r) => r.name));
      const changed = resources.filter((r) => watched.clientVersions.get(r.name) !== resourceVersion(r));
      const removed = [...watched.clientVersions.keys()].filter((name) => !present.has(name));
      if (!force && changed.length === 0 && removed.length === 0) return false;
      const nonce = ctx.nonce();
      write({
        system_version_info: push.version,
        type_url: watched.typeUrl,
        nonce,
        resources: changed.map((r) => ({ name: r.name, version: resourceVersion(r), resource: r.resource })),
        removed_resources: removed,
      });
      recordSent(watched, nonce, push.version, ctx.now());
      for (const r of changed) {
        watched.clientVersions.set(r.name, resourceVersion(r));
        watched.resources.set(r.name, r);
      }
      for (const name of removed) {
        watched.clientVersions.delete(name);
        watched.resources.delete(name);
      }
      ctx.metrics.pushed(watched.typeUrl, (ctx.timers.now() - started) / 1000);
      ctx.log.debug(
        { proxy: proxy.id, typeUrl: watched.typeUrl, version: push.version, nonce, changed: changed.length, removed: removed.length },
        'delta xDS response sent',
      );
      return true;
    },
  };
}
