// The config `heddle up` writes for the control plane: one ServiceEntry per local service, so that
// `reviews:9080` reaches every `app: reviews` workload on the port its app really listens on.
import { stringify } from 'yaml';
import type { PlannedWorkload } from './mesh-plan.js';

/** Istio's protocol for a port name's prefix (`http-web` is HTTP); TCP when the prefix says nothing. */
function protocolOf(name: string): string {
  const prefix = name.split('-')[0]!.toLowerCase();
  const known: Record<string, string> = { http: 'HTTP', http2: 'HTTP2', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', https: 'HTTPS', tls: 'TLS', tcp: 'TCP', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL' };
  return known[prefix] ?? 'TCP';
}

/**
 * A ServiceEntry per `(namespace, app label)`: host `<app>.<namespace>.svc.cluster.local`, the
 * service ports its workloads declare (the first to name a port number names it), and a
 * workloadSelector on the app label. Each workload's sidecar names its app port like the service
 * port, so the registry maps `reviews:9080` to `<workload ip>:<app port>` once the sidecar has
 * connected, the way a Kubernetes Service maps a port to a container's targetPort.
 */
export function buildServiceEntries(workloads: readonly PlannedWorkload[]): string {
  const services = new Map<string, { app: string; namespace: string; ports: Map<number, string> }>();
  for (const { workload, ports } of workloads) {
    const app = workload.labels.app!;
    const key = `${workload.namespace}/${app}`;
    const service = services.get(key) ?? { app, namespace: workload.namespace, ports: new Map<number, string>() };
    for (const p of ports) if (!service.ports.has(p.port)) service.ports.set(p.port, p.name);
    services.set(key, service);
  }
  const docs = [...services.values()].map((s) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: s.app, namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'heddle-up' } },
    spec: {
      hosts: [`${s.app}.${s.namespace}.svc.cluster.local`],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: [...s.ports].sort(([a], [b]) => a - b).map(([number, name]) => ({ number, name, protocol: protocolOf(name) })),
      workloadSelector: { labels: { app: s.app } },
    },
  }));
  return `# Written by heddle up: the services of the local workloads. Do not edit; it is rewritten on every run.\n${docs.map((d) => stringify(d)).join('---\n')}`;
}
