// IST0109: two VirtualServices bound to the mesh define the same host.
import type { ConfigEntry } from '../snapshot.js';
import type { Analyzer } from './analyzer.js';
import { bindsToMesh } from './gateway-ref.js';
import { resolveHost } from '../../api/hosts.js';

/** The namespaces a VirtualService is visible in: `*` for all, as Istio reads `exportTo`. */
function scopesOf(entry: ConfigEntry<'VirtualService'>): string[] {
  const exportTo = entry.resource.spec.exportTo ?? [];
  if (exportTo.length === 0 || exportTo.includes('*')) return ['*'];
  return [...new Set(exportTo.map((ns) => (ns === '.' ? entry.resource.metadata.namespace : ns)))];
}

/**
 * Groups mesh-bound VirtualServices by visible scope and resolved host. Sidecars take only one
 * VirtualService per host, so which one wins is undefined: merge them into one resource.
 */
export const virtualServiceMeshHostConflict: Analyzer = {
  code: 'IST0109',
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Two or more VirtualServices bound to the mesh define the same host; which one applies is undefined.',
  severity: 'error',
  analyze(ctx) {
    const byHost = new Map<string, { entry: ConfigEntry<'VirtualService'>; index: number; host: string }[]>();
    for (const entry of ctx.snapshot.of('VirtualService')) {
      const { spec, metadata } = entry.resource;
      if (!bindsToMesh(spec.gateways)) continue;
      for (const scope of scopesOf(entry)) {
        (spec.hosts ?? []).forEach((h, index) => {
          const host = resolveHost(h, metadata.namespace);
          const key = `${scope}\0${host}`;
          let list = byHost.get(key);
          if (!list) byHost.set(key, (list = []));
          if (!list.some((x) => x.entry === entry)) list.push({ entry, index, host });
        });
      }
    }
    const reported = new Set<string>();
    for (const list of byHost.values()) {
      if (list.length < 2) continue;
      const names = list.map((x) => `${x.entry.resource.metadata.namespace}/${x.entry.resource.metadata.name}`);
      for (const { entry, index, host } of list) {
        const key = `${entry.resource.metadata.namespace}/${entry.resource.metadata.name}\0${index}`;
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.report(
          entry,
          ['spec', 'hosts', index],
          `VirtualServices ${names.join(', ')} bound to the mesh all define host "${host}", and only one of them applies; merge them into one VirtualService`,
        );
      }
    }
  },
};
