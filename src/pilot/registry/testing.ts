// Test helpers for registries and push contexts: YAML config, proxies and timers that tests drive.
import { parseConfigText, createSnapshot, formatIssue, type ConfigEntry, type ConfigSnapshot } from '../../galley/index.js';
import type { Proxy } from '../model/proxy.js';
import type { Timers } from './workload-registry.js';

/** A snapshot of every resource in the YAML text; throws on an invalid fixture so it cannot pass quietly. */
export function snapshotOf(yaml: string, version = 1): ConfigSnapshot {
  const parsed = parseConfigText(yaml, 'mesh.yaml');
  const entries: ConfigEntry[] = [];
  for (const result of parsed.results) {
    if (result.status === 'ignored') continue;
    if (result.status === 'invalid') throw new Error(`invalid fixture:\n${result.issues.map(formatIssue).join('\n')}`);
    entries.push({ resource: result.resource });
  }
  if (parsed.fileIssues.some((i) => i.severity === 'error')) throw new Error(`invalid fixture:\n${parsed.fileIssues.map(formatIssue).join('\n')}`);
  return createSnapshot(version, entries);
}

/** A sidecar proxy with the given fields; the rest as an Istio sidecar in `default` would send them. */
export function proxyOf(fields: Partial<Proxy> & { name?: string } = {}): Proxy {
  const { name = 'app', ...rest } = fields;
  const namespace = rest.namespace ?? 'default';
  const ip = rest.ipAddresses?.[0] ?? '10.0.0.1';
  return {
    id: `sidecar~${ip}~${name}.${namespace}~${namespace}.svc.cluster.local`,
    type: 'sidecar',
    generator: 'envoy',
    ipAddresses: [ip],
    workloadName: name,
    namespace,
    labels: {},
    dnsDomain: `${namespace}.svc.cluster.local`,
    workloadPorts: [],
    interceptionMode: 'NONE',
    metadata: {},
    ...rest,
  };
}

/** Timers that fire only when the test advances time. */
export interface ManualTimers extends Timers {
  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void;
  /** How many timers are pending. */
  readonly pending: number;
}

export function createManualTimers(): ManualTimers {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
    get pending() {
      return timers.size;
    },
  };
}
