// Delta (incremental) ADS on one stream: subscribe and unsubscribe by name, resume with
// initial_resource_versions, apply upserts and removals, ACK and NACK by nonce.
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output } from '../../xds/ads-service.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, shortTypeName } from '../../xds/type-urls.js';
import { NACK_CODE, type AdsSession, type AdsSessionContext } from './ads-session.js';
import { decodeBatch, isSidecarType, type SidecarTypeUrl } from './resource-decoders.js';

/**
 * Creates the Delta protocol for one stream. CDS and LDS are wildcard; EDS and RDS follow the
 * clusters and listeners. A response whose resources do not all decode is NACKed and none of it
 * applied; otherwise its upserts and removals are applied and it is ACKed.
 */
export function createDeltaSession(ctx: AdsSessionContext<DeltaDiscoveryRequest>): AdsSession<DeltaDiscoveryResponse__Output> {
  const subscribed = new Map<SidecarTypeUrl, Set<string>>();
  let nodeSent = false;

  function write(req: DeltaDiscoveryRequest): void {
    if (!nodeSent) {
      req.node = ctx.node;
      nodeSent = true;
    }
    ctx.write(req);
  }

  function initialVersions(typeUrl: SidecarTypeUrl, names?: ReadonlySet<string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, version] of ctx.states.get(typeUrl)?.resourceVersions ?? []) if (!names || names.has(name)) out[name] = version;
    return out;
  }

  function followSubscriptions(): void {
    for (const [typeUrl, wanted] of [[ENDPOINT_TYPE, ctx.store.edsNames()], [ROUTE_TYPE, ctx.store.rdsNames()]] as const) {
      const current = subscribed.get(typeUrl);
      const want = new Set(wanted);
      if (!current) {
        if (want.size === 0) continue;
        subscribed.set(typeUrl, want);
        write({ type_url: typeUrl, resource_names_subscribe: [...want], initial_resource_versions: initialVersions(typeUrl, want) });
        continue;
      }
      const add = [...want].filter((n) => !current.has(n));
      const drop = [...current].filter((n) => !want.has(n));
      if (add.length === 0 && drop.length === 0) continue;
      subscribed.set(typeUrl, want);
      for (const n of drop) ctx.states.get(typeUrl)?.resourceVersions.delete(n);
      write({ type_url: typeUrl, resource_names_subscribe: add, resource_names_unsubscribe: drop });
    }
  }

  return {
    start(): void {
      for (const typeUrl of [CLUSTER_TYPE, LISTENER_TYPE] as const) {
        write({ type_url: typeUrl, resource_names_subscribe: [], initial_resource_versions: initialVersions(typeUrl) });
      }
      followSubscriptions();
    },

    onResponse(res: DeltaDiscoveryResponse__Output): void {
      const typeUrl = res.type_url;
      if (!isSidecarType(typeUrl)) {
        ctx.log.warn({ typeUrl }, 'ignoring a response of a type the sidecar did not ask for');
        return;
      }
      const state = ctx.states.get(typeUrl);
      if (!state) return;
      state.nonce = res.nonce;
      const batch = decodeBatch(typeUrl, res.resources.map((r) => ({ any: r.resource, name: r.name })));
      if (!batch.valid) {
        state.lastNackError = batch.message;
        ctx.log.warn({ type: shortTypeName(typeUrl), nonce: res.nonce, error: batch.message }, 'rejecting xDS update');
        write({ type_url: typeUrl, response_nonce: res.nonce, error_detail: { code: NACK_CODE, message: batch.message } });
        return;
      }
      ctx.store.apply(typeUrl, batch.resources, res.removed_resources, false);
      for (const r of res.resources) state.resourceVersions.set(r.name, r.version);
      for (const name of res.removed_resources) state.resourceVersions.delete(name);
      state.version = res.system_version_info;
      delete state.lastNackError;
      write({ type_url: typeUrl, response_nonce: res.nonce });
      followSubscriptions();
    },

    followSubscriptions,
  };
}
