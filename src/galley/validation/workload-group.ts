// Semantic validation of WorkloadGroup, as Istio's validating webhook does it.
import type { FieldPath, Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkLabelKey, checkPort, checkSelectorLabels, checkWorkloadEndpoint } from './common/index.js';

/** The probe fields the rules read; the generated type spells out every one-of combination. */
interface ReadinessProbe {
  readonly httpGet?: { port?: number; scheme?: string; httpHeaders?: ReadonlyArray<{ name?: string }> };
  readonly tcpSocket?: { port?: number };
  readonly grpc?: { port?: number };
  readonly exec?: { command?: readonly string[] };
}

// The schema allows '_' in probe header names; Kubernetes, whose probe semantics these follow, does not.
const SCHEMA_HEADER = /^[-_A-Za-z0-9]+$/;

/** Reports every semantic problem of a WorkloadGroup. */
export function validateWorkloadGroup(resource: Resource<'WorkloadGroup'>, report: Reporter): void {
  const { spec } = resource;
  const meta = spec.metadata;
  if (meta) {
    checkSelectorLabels(meta.labels, ['spec', 'metadata', 'labels'], report);
    for (const key of Object.keys(meta.annotations ?? {})) {
      const bad = checkLabelKey(key);
      if (bad) report.error(['spec', 'metadata', 'annotations', key], bad.replace('label key', 'annotation key'));
    }
  }
  // A missing template is reported by the schema.
  if (spec.template) checkWorkloadEndpoint(spec.template, ['spec', 'template'], report, { address: 'template' });
  if (spec.probe) checkProbe(spec.probe as ReadinessProbe, ['spec', 'probe'], report);
}

function checkProbe(probe: ReadinessProbe, path: FieldPath, report: Reporter): void {
  const { httpGet, tcpSocket, grpc, exec } = probe;
  // Setting more than one method is reported by the schema.
  if (!httpGet && !tcpSocket && !grpc && !exec) {
    report.error(path, 'a probe needs one of httpGet, tcpSocket, grpc or exec');
  }
  const checkProbePort = (port: unknown, at: FieldPath) => {
    const bad = checkPort(port);
    if (bad) report.error(at, bad);
  };
  if (httpGet) {
    checkProbePort(httpGet.port, [...path, 'httpGet', 'port']);
    if (httpGet.scheme !== undefined && httpGet.scheme !== '' && httpGet.scheme !== 'HTTP' && httpGet.scheme !== 'HTTPS') {
      report.error([...path, 'httpGet', 'scheme'], `scheme must be HTTP or HTTPS, got "${httpGet.scheme}"`);
    }
    (httpGet.httpHeaders ?? []).forEach((h, i) => {
      const name = h.name ?? '';
      if (SCHEMA_HEADER.test(name) && name.includes('_')) {
        report.error([...path, 'httpGet', 'httpHeaders', i, 'name'], `invalid probe header name "${name}": use letters, digits and '-', not '_'`);
      }
    });
  }
  if (tcpSocket) checkProbePort(tcpSocket.port, [...path, 'tcpSocket', 'port']);
  if (grpc) checkProbePort(grpc.port, [...path, 'grpc', 'port']);
  if (exec && (exec.command ?? []).length === 0) {
    report.error([...path, 'exec', 'command'], 'exec needs a command to run, such as ["/bin/check"]');
  }
}
