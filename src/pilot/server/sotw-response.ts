// State-of-the-World responses: every resource the proxy wants of a type, under the push version
// and a fresh nonce. A response equal to the last one sent (same resources, same bytes) is not
// sent again unless forced, so unchanged types cost nothing and a NACKed config is not repeated.
import type { DiscoveryResponse } from '../../xds/index.js';
import type { Proxy } from '../model/proxy.js';
import { responseHash } from './resource-version.js';
import type { ServerContext } from './server-context.js';
import { isSubscribed, recordSent } from './watched-type.js';
import type { TypeResponder } from './xds-connection.js';

/** Creates the SotW responder for one proxy's stream; `write` puts a response on the wire. */
export function createSotwResponder(ctx: ServerContext, proxy: Proxy, write: (response: DiscoveryResponse) => void): TypeResponder {
  return {
    respond(watched, push, force) {
      if (!isSubscribed(watched)) return false;
      const started = ctx.timers.now();
      const resources = ctx.generate(proxy, watched, push);
      if (!resources) return false;
      const hash = responseHash(resources);
      if (!force && hash === watched.hashSent) return false;
      const nonce = ctx.nonce();
      write({ version_info: push.version, type_url: watched.typeUrl, nonce, resources: resources.map((r) => r.resource) });
      recordSent(watched, nonce, push.version, ctx.now());
      watched.hashSent = hash;
      watched.resources = new Map(resources.map((r) => [r.name, r]));
      ctx.metrics.pushed(watched.typeUrl, (ctx.timers.now() - started) / 1000);
      ctx.log.debug({ proxy: proxy.id, typeUrl: watched.typeUrl, version: push.version, nonce, resources: resources.length }, 'xDS response sent');
      return true;
    },
  };
}
