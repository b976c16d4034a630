// The pod network of `heddle up --capture`, decided before anything exists: a bridge on the host
// and, per workload, a network namespace joined to it by a veth pair, all named after the pod CIDR.
import type { MeshWorkload } from './mesh-file.js';

/** A /24 of IPv4 for the pods: the bridge takes .1, the workloads .2, .3, … */
export interface PodCidr {
  /** `10.233.0.0/24`. */
  readonly text: string;
  /** The first three octets: `10.233.0`. */
  readonly prefix: string;
}

export type PodCidrResult = { readonly ok: true; readonly cidr: PodCidr } | { readonly ok: false; readonly reason: string };

/** The default pod CIDR: private, and outside the ranges Docker and Kubernetes usually take. */
export const DEFAULT_POD_CIDR = '10.233.0.0/24';

/** Parses `--pod-cidr`: an IPv4 `a.b.c.0/24` (a bare `a.b.c` is accepted too); 127/8 and multicast are refused. */
export function parsePodCidr(text: string): PodCidrResult {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\.0\/24)?$/.exec(text.trim());
  const octets = match ? match.slice(1, 4).map(Number) : [];
  if (!match || octets.some((o) => o > 255)) return { ok: false, reason: `--pod-cidr must be an IPv4 /24 such as ${DEFAULT_POD_CIDR}, got "${text}"` };
  if (octets[0] === 127 || octets[0] === 0 || octets[0]! >= 224) return { ok: false, reason: `--pod-cidr ${text} is not a unicast network for pods (loopback, 0/8 and multicast are refused)` };
  const prefix = octets.join('.');
  return { ok: true, cidr: { text: `${prefix}.0/24`, prefix } };
}

/** One workload's network namespace. */
export interface PodNamespace {
  /** `namespace/name` of the workload it holds. */
  readonly workload: string;
  /** `heddle-<run>-<workload name>`. */
  readonly ns: string;
  /** The host's end of the veth pair, attached to the bridge (at most 15 characters). */
  readonly hostVeth: string;
  /** The pod's end, inside the namespace. */
  readonly podVeth: string;
  readonly ip: string;
}

/** The whole pod network of one run. */
export interface PodNetworkPlan {
  readonly cidr: PodCidr;
  /** Six hex digits of the CIDR's prefix: the same CIDR always gives the same names, so a killed run's leftovers are found. */
  readonly runId: string;
  /** `heddle-<run>`, the Linux bridge. */
  readonly bridge: string;
  /** The host's address on the bridge: the control plane and the gateway listen here, and it is every pod's default route. */
  readonly bridgeIp: string;
  readonly pods: readonly PodNamespace[];
  /** Every namespace of this run starts with this. */
  readonly nsPrefix: string;
}

/** The pod network for `workloads`, in their order; fails past the 253 addresses a /24 holds. */
export function planPodNetwork(cidr: PodCidr, workloads: readonly Pick<MeshWorkload, 'name' | 'namespace'>[]): PodNetworkPlan {
  if (workloads.length > 253) throw new RangeError(`a /24 pod CIDR holds 253 workloads, not ${workloads.length}`);
  const runId = cidr.prefix.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join('');
  const nsPrefix = `heddle-${runId}-`;
  const names = new Map<string, number>();
  for (const w of workloads) names.set(w.name, (names.get(w.name) ?? 0) + 1);
  const pods = workloads.map((w, i) => ({
    workload: `${w.namespace}/${w.name}`,
    // A name two namespaces share takes its namespace too, so that every pod has its own.
    ns: `${nsPrefix}${w.name}${names.get(w.name)! > 1 ? `.${w.namespace}` : ''}`,
    hostVeth: `h${runId}-${i + 2}`,
    podVeth: 'eth0',
    ip: `${cidr.prefix}.${i + 2}`,
  }));
  return { cidr, runId, bridge: `heddle-${runId}`, bridgeIp: `${cidr.prefix}.1`, pods, nsPrefix };
}

/** The `ip` commands that build the network, in order: the bridge, then each pod's namespace, veth, address and routes. */
export function podNetworkCommands(plan: PodNetworkPlan): string[][] {
  const commands = [
    ['link', 'add', plan.bridge, 'type', 'bridge'],
    ['addr', 'add', `${plan.bridgeIp}/24`, 'dev', plan.bridge],
    ['link', 'set', plan.bridge, 'up'],
  ];
  for (const pod of plan.pods) {
    commands.push(
      ['netns', 'add', pod.ns],
      ['link', 'add', pod.hostVeth, 'type', 'veth', 'peer', 'name', pod.podVeth, 'netns', pod.ns],
      ['link', 'set', pod.hostVeth, 'master', plan.bridge, 'up'],
      ['-n', pod.ns, 'link', 'set', 'lo', 'up'],
      ['-n', pod.ns, 'addr', 'add', `${pod.ip}/24`, 'dev', pod.podVeth],
      ['-n', pod.ns, 'link', 'set', pod.podVeth, 'up'],
      ['-n', pod.ns, 'route', 'add', 'default', 'via', plan.bridgeIp],
    );
  }
  return commands;
}

/** `command args…` run inside `ns`: `ip netns exec <ns> command args…`, which also mounts /etc/netns/<ns>/hosts over /etc/hosts. */
export function inNamespace(ns: string, command: string, args: readonly string[]): { command: string; args: string[] } {
  return { command: 'ip', args: ['netns', 'exec', ns, command, ...args] };
}
