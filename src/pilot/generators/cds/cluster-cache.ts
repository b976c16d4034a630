// Packed outbound clusters kept across pushes: a new push rebuilds the clusters of a service port
// only when something they are built from has changed, since most pushes change one service or none.
import type { MeshConfig } from '../../model/mesh-config.js';
import type { DestinationRule } from '../../model/push-context.js';
import type { Service, ServiceEndpoint, ServicePort } from '../../model/service.js';
import type { XdsResource } from '../generator.js';
import { createPushGenerations, type PushToken } from '../shared/push-generations.js';
import type { ClusterContext } from './cluster-context.js';
import { outboundClusterInputs, type OutboundClusterInputs } from './outbound-clusters.js';

/** One build of a service port's clusters, with the inputs it was built from. */
interface ClusterVariant {
  readonly port: ServicePort;
  readonly kind: string;
  readonly mesh: MeshConfig;
  readonly rule: DestinationRule | undefined;
  readonly registered: readonly ServiceEndpoint[];
  readonly peerMtlsDisabled: boolean;
  readonly resources: readonly XdsResource[];
}

/**
 * How many builds of one service are kept: its ports times the proxy kinds and namespaces (with
 * their own DestinationRules) asking at the same time. Past that the oldest is rebuilt when asked.
 */
const MAX_VARIANTS_PER_SERVICE = 16;

/** Packed outbound clusters, reused across pushes while their inputs are the same objects. */
export interface OutboundClusterCache {
  /** Starts serving `push`: what neither it nor the push before it asks for is dropped. */
  rotate(push: PushToken): void;
  /**
   * The packed clusters of `service`'s `port` for `ctx`'s proxy (all of them, in the order
   * buildOutboundClusters gives). `build` is called when the service, port, DestinationRule,
   * registry endpoint list, mesh config, PeerAuthentication verdict or proxy kind (see {@link clusterKindKey}) is not the
   * same object as at the last build; Galley and the registries keep unchanged ones identical.
   */
  clusters(ctx: ClusterContext, service: Service, port: ServicePort, build: (inputs: OutboundClusterInputs) => readonly XdsResource[]): readonly XdsResource[];
  /** Services held, for tests: only those used by the current or the previous push. */
  readonly size: number;
}

/** What an outbound cluster reads of the proxy itself: its kind and DNS lookup family. */
export function clusterKindKey(ctx: ClusterContext): string {
  return `${ctx.grpc ? 'grpc' : ctx.sidecar ? 'sidecar' : 'router'}|${ctx.dnsLookupFamily}`;
}

/** Creates an empty cache. */
export function createOutboundClusterCache(): OutboundClusterCache {
  const byService = createPushGenerations<Service, ClusterVariant[]>();
  return {
    rotate: (push) => byService.rotate(push),
    clusters(ctx, service, port, build) {
      const inputs = outboundClusterInputs(ctx, service, port);
      const kind = clusterKindKey(ctx);
      const mesh = ctx.push.mesh;
      let variants = byService.get(service);
      if (!variants) byService.set(service, (variants = []));
      for (const v of variants) {
        const same = v.rule === inputs.rule && v.registered === inputs.registered && v.peerMtlsDisabled === inputs.peerMtlsDisabled;
        if (v.port === port && v.kind === kind && v.mesh === mesh && same) return v.resources;
      }
      const resources = build(inputs);
      // A newer build from the same DestinationRule (or none) replaces the old one: its inputs are gone.
      const ruleId = ruleIdOf(inputs.rule);
      const stale = variants.findIndex((v) => v.port === port && v.kind === kind && ruleIdOf(v.rule) === ruleId);
      if (stale >= 0) variants.splice(stale, 1);
      variants.unshift({ port, kind, mesh, rule: inputs.rule, registered: inputs.registered, peerMtlsDisabled: inputs.peerMtlsDisabled, resources });
      if (variants.length > MAX_VARIANTS_PER_SERVICE) variants.length = MAX_VARIANTS_PER_SERVICE;
      return resources;
    },
    get size() {
      return byService.size;
    },
  };
}

function ruleIdOf(rule: DestinationRule | undefined): string {
  return rule ? `${rule.metadata.namespace}/${rule.metadata.name}` : '';
}
