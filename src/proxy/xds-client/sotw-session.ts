// State-of-the-World ADS on one stream: wildcard CDS and LDS, named EDS and RDS, ACK and NACK.
import type { DiscoveryRequest, DiscoveryResponse__Output } from '../../xds/ads-service.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, shortTypeName } from '../../xds/type-urls.js';
import { NACK_CODE, type AdsSession, type AdsSessionContext } from './ads-session.js';
import { decodeBatch, isSidecarType, type SidecarTypeUrl } from './resource-decoders.js';

/**
 * Creates the SotW protocol for one stream. A response is applied only when all of its resources
 * decode (then ACKed with its version and nonce), and NACKed as a whole otherwise, with the last
 * accepted version, its nonce and the reasons. After every change the EDS and RDS subscriptions
 * follow the clusters and listeners.
 */
export function createSotwSession(ctx: AdsSessionContext<DiscoveryRequest>): AdsSession<DiscoveryResponse__Output> {
  /** The resource names last sent per type; CDS and LDS are wildcard (empty). */
  const sent = new Map<SidecarTypeUrl, readonly string[]>();
  let nodeSent = false;

  function request(typeUrl: SidecarTypeUrl, names: readonly string[], nonce: string, errorMessage?: string): void {
    const state = ctx.states.get(typeUrl);
    const req: DiscoveryRequest = {
      type_url: typeUrl,
      version_info: state?.version ?? '',
      resource_names: [...names],
      response_nonce: nonce,
      ...(errorMessage !== undefined ? { error_detail: { code: NACK_CODE, message: errorMessage } } : {}),
    };
    if (!nodeSent) {
      req.node = ctx.node;
      nodeSent = true;
    }
    sent.set(typeUrl, names);
    ctx.write(req);
  }

  /** Re-sends EDS and RDS requests whose wanted names changed. */
  function followSubscriptions(): void {
    for (const [typeUrl, names] of [[ENDPOINT_TYPE, ctx.store.edsNames()], [ROUTE_TYPE, ctx.store.rdsNames()]] as const) {
      const before = sent.get(typeUrl);
      if (before === undefined ? names.length === 0 : sameNames(before, names)) continue;
      request(typeUrl, names, ctx.states.get(typeUrl)?.nonce ?? '');
    }
  }

  return {
    start(): void {
      request(CLUSTER_TYPE, [], '');
      request(LISTENER_TYPE, [], '');
      followSubscriptions();
    },

    onResponse(res: DiscoveryResponse__Output): void {
      const typeUrl = res.type_url;
      if (!isSidecarType(typeUrl)) {
        ctx.log.warn({ typeUrl }, 'ignoring a response of a type the sidecar did not ask for');
        return;
      }
      const state = ctx.states.get(typeUrl);
      if (!state) return;
      state.nonce = res.nonce;
      const names = sent.get(typeUrl) ?? [];
      const batch = decodeBatch(typeUrl, res.resources.map((any) => ({ any })));
      if (!batch.valid) {
        state.lastNackError = batch.message;
        ctx.log.warn({ type: shortTypeName(typeUrl), version: res.version_info, nonce: res.nonce, error: batch.message }, 'rejecting xDS update');
        request(typeUrl, names, res.nonce, batch.message);
        return;
      }
      const wildcard = typeUrl === CLUSTER_TYPE || typeUrl === LISTENER_TYPE;
      ctx.store.apply(typeUrl, batch.resources, [], wildcard);
      state.version = res.version_info;
      delete state.lastNackError;
      ctx.log.debug({ type: shortTypeName(typeUrl), version: res.version_info, resources: batch.resources.size }, 'accepted xDS update');
      request(typeUrl, names, res.nonce);
      followSubscriptions();
    },

    followSubscriptions,
  };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
