// The hosts file of each pod namespace in capture mode: the mesh's service names resolve to a pod
// of the service, so that an unmodified app's `http://reviews:9080/` leaves the pod and is captured.
import type { PlannedWorkload } from './mesh-plan.js';

/**
 * The text of `/etc/hosts` as the pod of a workload in `podNamespace` sees it (written to
 * /etc/netns/<ns>/hosts, which `ip netns exec` mounts over /etc/hosts). Each service
 * (`app` label and namespace) maps to the address of its first workload under
 * `<app>.<ns>.svc.cluster.local`, `<app>.<ns>.svc` and `<app>.<ns>`, and under the short `<app>`
 * when it shares the pod's namespace, as Kubernetes' search path resolves it. Any of the
 * service's pods will do: the sidecar routes by the Host header and the original port, never by
 * the address the app dialled.
 */
export function buildPodHosts(workloads: readonly Pick<PlannedWorkload, 'workload' | 'ip'>[], podNamespace: string): string {
  const services = new Map<string, { app: string; namespace: string; ip: string }>();
  for (const { workload, ip } of workloads) {
    const app = workload.labels.app!;
    const key = `${workload.namespace}/${app}`;
    if (!services.has(key)) services.set(key, { app, namespace: workload.namespace, ip });
  }
  const lines = [
    '# Written by heddle up --capture for this pod; removed when the mesh stops.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
  ];
  for (const s of services.values()) {
    const fqdn = `${s.app}.${s.namespace}.svc.cluster.local`;
    const names = [fqdn, `${s.app}.${s.namespace}.svc`, `${s.app}.${s.namespace}`, ...(s.namespace === podNamespace ? [s.app] : [])];
    lines.push(`${s.ip}\t${names.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}
