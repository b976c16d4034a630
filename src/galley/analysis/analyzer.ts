// What an analyzer is, and the context it reads the mesh from and reports findings to.
import type { FieldPath } from '../../api/index.js';
import { createIssue, type ConfigIssue, type Severity } from '../issue.js';
import type { ConfigEntry, ConfigSnapshot } from '../snapshot.js';
import { createServiceRegistry, type ServiceRegistry } from './services.js';
import { createWorkloadIndex, type WorkloadIndex } from './workloads.js';

/** Istio's root namespace: policies here without a selector apply to the whole mesh. */
export const ROOT_NAMESPACE = 'istio-system';

/** What analysis knows beyond the config it is given. */
export interface AnalysisOptions {
  /** Hosts of services known outside the config (e.g. workloads the local mesh runs), as FQDNs or short names. */
  readonly knownServices?: Iterable<string>;
  /** Workloads known outside the config: namespace + labels, to evaluate selectors. */
  readonly knownWorkloads?: Iterable<{ namespace: string; labels: Readonly<Record<string, string>> }>;
}

/** Everything an analyzer reads, and where it reports. */
export interface AnalysisContext {
  readonly snapshot: ConfigSnapshot;
  readonly services: ServiceRegistry;
  readonly workloads: WorkloadIndex;
  /** Reports a finding about the field at `path` of `entry`, with the analyzer's code and severity. */
  report(entry: ConfigEntry, path: FieldPath, message: string): void;
}

/** One cross-resource check. Each has a stable code and reports at one severity. */
export interface Analyzer {
  /** Istio's message code where Istio has one for the finding (`IST0101`), else Heddle's (`HDL0001`). */
  readonly code: string;
  /** A stable name, `<kind>.<Check>` as Istio names its analyzers. */
  readonly name: string;
  /** One line saying what the analyzer finds. */
  readonly description: string;
  readonly severity: Severity;
  analyze(ctx: AnalysisContext): void;
}

/** The shared, read-only part of a context: the indexes every analyzer uses. */
export type AnalysisIndexes = Omit<AnalysisContext, 'report'>;

/** Builds the service and workload indexes once for all analyzers. */
export function createAnalysisIndexes(snapshot: ConfigSnapshot, options: AnalysisOptions = {}): AnalysisIndexes {
  return {
    snapshot,
    services: createServiceRegistry(snapshot, options.knownServices),
    workloads: createWorkloadIndex(snapshot, options.knownWorkloads),
  };
}

/** A context whose reports become issues, with the analyzer's code, pushed onto `out`. */
export function createAnalysisContext(indexes: AnalysisIndexes, analyzer: Analyzer, out: ConfigIssue[]): AnalysisContext {
  return {
    ...indexes,
    report(entry, path, message) {
      const { kind, metadata } = entry.resource;
      const location = entry.location
        ? { file: entry.location.file, line: entry.lineOf?.(path) ?? entry.location.line }
        : undefined;
      out.push(
        createIssue(analyzer.severity, path, message, {
          code: analyzer.code,
          resource: { kind, namespace: metadata.namespace, name: metadata.name },
          ...(location ? { location } : {}),
        }),
      );
    },
  };
}
