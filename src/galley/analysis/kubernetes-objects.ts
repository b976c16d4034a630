// Services and workloads declared by Kubernetes objects found beside the Istio config (a Service,
// a Deployment), so that `analyze` over a bundle such as Istio's samples knows what they define.
import type { AnalysisOptions } from './analyzer.js';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

type Known = { knownServices: string[]; knownWorkloads: Array<{ namespace: string; labels: Record<string, string> }> };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labelsOf(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/**
 * Reads core Kubernetes objects (`v1` Service and Pod, `apps/v1` workloads) and returns the
 * services (`name.namespace.svc.cluster.local`) and workloads (namespace and pod labels) they
 * declare. Other objects are skipped.
 */
export function knownFromKubernetesObjects(objects: Iterable<Readonly<Record<string, unknown>>>): Required<Pick<AnalysisOptions, 'knownServices' | 'knownWorkloads'>> & Known {
  const known: Known = { knownServices: [], knownWorkloads: [] };
  for (const obj of objects) {
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : undefined;
    const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
    const group = String(obj.apiVersion ?? '').split('/');
    const core = group.length === 1;
    if (core && obj.kind === 'Service' && name) {
      known.knownServices.push(`${name}.${namespace}.svc.cluster.local`);
    } else if (core && obj.kind === 'Pod') {
      const labels = labelsOf(meta.labels);
      if (labels) known.knownWorkloads.push({ namespace, labels });
    } else if (WORKLOAD_KINDS.has(String(obj.kind)) && isObject(obj.spec) && isObject(obj.spec.template)) {
      const template = obj.spec.template;
      const labels = isObject(template.metadata) ? labelsOf(template.metadata.labels) : undefined;
      if (labels) known.knownWorkloads.push({ namespace, labels });
    }
  }
  return known;
}
