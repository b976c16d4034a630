// The PeerAuthentication index of one push: policies by namespace, read once from the push
// context's config snapshot and kept for as long as that push context lives.
import type { Resource } from '../../../api/index.js';
import type { ConfigSnapshot } from '../../../galley/index.js';
import type { PushContext } from '../../model/push-context.js';
import { selectorMatches } from '../../registry/label-selector.js';
import { composePeerAuthentication, isNamespaceWide, type EffectivePeerAuthentication } from './peer-authentication-policy.js';

type PeerAuthentication = Resource<'PeerAuthentication'>;

/** A workload as PeerAuthentication selects it: its namespace and labels. */
export interface WorkloadRef {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Answers which PeerAuthentication applies to a workload. */
export interface PeerAuthenticationIndex {
  /** False when the snapshot has no PeerAuthentication: every workload is PERMISSIVE. */
  readonly hasPolicies: boolean;
  /**
   * The effective policy of a workload. Precedence is workload (a policy in its namespace whose
   * selector matches), then namespace (no selector), then mesh (no selector, root namespace);
   * among several at one level the first by name wins (Heddle keeps no creation time, and Istio
   * breaks creation-time ties by name). A selector policy in the root namespace is a workload
   * policy of the root namespace's workloads only, never mesh-wide.
   */
  forWorkload(workload: WorkloadRef): EffectivePeerAuthentication;
}

interface NamespacePolicies {
  /** The namespace-wide policy chosen for the namespace. */
  wide?: PeerAuthentication;
  /** Policies with a selector, by name. */
  readonly selecting: PeerAuthentication[];
}

/** Indexes the snapshot's PeerAuthentications; `rootNamespace` holds the mesh-wide one. */
export function createPeerAuthenticationIndex(config: ConfigSnapshot, rootNamespace: string): PeerAuthenticationIndex {
  const byNamespace = new Map<string, NamespacePolicies>();
  // Snapshot entries come sorted by namespace then name, so the first seen is the one kept.
  for (const { resource } of config.of('PeerAuthentication')) {
    const ns = resource.metadata.namespace;
    let entry = byNamespace.get(ns);
    if (!entry) byNamespace.set(ns, (entry = { selecting: [] }));
    if (isNamespaceWide(resource)) entry.wide ??= resource;
    // Kept in the root namespace too: forWorkload reads only the workload's own namespace's selectors.
    else entry.selecting.push(resource);
  }
  const mesh = byNamespace.get(rootNamespace)?.wide;
  const answers = new Map<string, EffectivePeerAuthentication>();
  return {
    hasPolicies: byNamespace.size > 0,
    forWorkload(workload) {
      const own = byNamespace.get(workload.namespace);
      const selecting = own?.selecting.find((p) => selectorMatches(p.spec.selector?.matchLabels, workload.labels));
      const namespace = workload.namespace === rootNamespace ? undefined : own?.wide;
      // The mesh policy is fixed and the namespace decides the namespace policy, so these two say it all.
      const key = `${workload.namespace}/${selecting?.metadata.name ?? ''}`;
      let answer = answers.get(key);
      if (!answer) answers.set(key, (answer = composePeerAuthentication(mesh, namespace, selecting)));
      return answer;
    },
  };
}

const indexes = new WeakMap<PushContext, PeerAuthenticationIndex>();

/** The index of `push`, built on first use and cached for the push context's lifetime. */
export function peerAuthenticationIndexOf(push: PushContext): PeerAuthenticationIndex {
  let index = indexes.get(push);
  if (!index) indexes.set(push, (index = createPeerAuthenticationIndex(push.config, push.mesh.rootNamespace)));
  return index;
}
