// The mesh file of `heddle up -f mesh.yaml`: YAML into a typed MeshSpec, or issues naming file:line and field.
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** One port a workload serves: Istio's port name (its protocol prefix) and the service port. */
export interface MeshPort {
  readonly name: string;
  readonly port: number;
}

/** A local workload: its app's command, and the identity its sidecar proxies for. */
export interface MeshWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Always holds `app` (the service name; the workload's name when not given). */
  readonly labels: Readonly<Record<string, string>>;
  /** Service ports; the app itself listens on a port the runtime picks (env PORT). */
  readonly ports: readonly MeshPort[];
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Working directory of the app, absolute. */
  readonly cwd: string;
}

/** The ingress gateway: the Gateway resources' selector picks it by its labels. */
export interface MeshGateway {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The ports its Gateway servers use; each is published on localhost. */
  readonly ports: readonly number[];
}

/** A parsed mesh file; every path in it is absolute. */
export interface MeshSpec {
  readonly file: string;
  /** Config files and directories of Istio YAML, watched live by the control plane. */
  readonly config: readonly string[];
  readonly gateway?: MeshGateway;
  readonly workloads: readonly MeshWorkload[];
}

/** A problem in the mesh file. */
export interface MeshIssue {
  readonly file: string;
  readonly line: number;
  /** Dotted field path, `workloads[0].port`. */
  readonly field: string;
  readonly message: string;
}

export type MeshFileResult = { readonly ok: true; readonly spec: MeshSpec } | { readonly ok: false; readonly issues: readonly MeshIssue[] };

/** `file:line: field: message`, as `heddle validate` prints its issues. */
export function formatMeshIssue(issue: MeshIssue): string {
  return `${issue.file}:${issue.line}: ${issue.field === '' ? '' : `${issue.field}: `}${issue.message}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TOP_FIELDS = ['apiVersion', 'kind', 'config', 'gateway', 'workloads'];
/** The optional header that marks a mesh file, so that Istio tools (`heddle validate`) skip it as another API's. */
export const MESH_API_VERSION = 'heddle.dev/v1alpha1';
export const MESH_KIND = 'Mesh';
const GATEWAY_FIELDS = ['name', 'namespace', 'labels', 'ports'];
const WORKLOAD_FIELDS = ['name', 'namespace', 'serviceAccount', 'labels', 'port', 'ports', 'command', 'env', 'cwd'];

/** Reads fields of one YAML map, recording issues with the line of each field. */
class Reader {
  readonly issues: MeshIssue[] = [];
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  fail(node: Node | null | undefined, field: string, message: string): undefined {
    this.issues.push({ file: this.file, line: this.lineOf(node), field, message });
    return undefined;
  }

  /** The map's fields by key; unknown keys are issues. */
  fields(node: unknown, path: string, known: readonly string[]): Map<string, Node> | undefined {
    if (!isMap(node)) return this.fail(node as Node, path, 'must be a map');
    const out = new Map<string, Node>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const field = path === '' ? key : `${path}.${key}`;
      if (!known.includes(key)) this.fail(pair.key as Node, field, `unknown field "${key}" (known: ${known.join(', ')})`);
      else out.set(key, pair.value as Node);
    }
    return out;
  }

  string(node: Node | undefined, field: string, check?: RegExp): string | undefined {
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) return this.fail(node, field, 'must be a string');
    const value = String(node.value);
    if (check && !check.test(value)) return this.fail(node, field, `"${value}" must be a DNS label (lowercase letters, digits and '-')`);
    return value;
  }

  port(node: Node | undefined, field: string): number | undefined {
    const value = isScalar(node) ? Number(node.value) : NaN;
    if (!Number.isInteger(value) || value < 1 || value > 65535) return this.fail(node, field, 'must be a port number (1-65535)');
    return value;
  }

  stringMap(node: Node | undefined, field: string): Record<string, string> | undefined {
    if (!isMap(node)) return this.fail(node, field, 'must be a map of strings');
    const out: Record<string, string> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      if (!isScalar(value) || value.value === null || typeof value.value === 'object') this.fail(value ?? (pair.key as Node), `${field}.${key}`, 'must be a string, number or boolean');
      else out[key] = String(value.value);
    }
    return out;
  }

  list(node: Node | undefined, field: string): Node[] | undefined {
    if (!isSeq(node)) return this.fail(node, field, 'must be a list');
    return node.items as Node[];
  }
}

/** `9080` or `http:9080` (Istio's port naming: the name's prefix selects the protocol). */
function readPortSpec(r: Reader, node: Node, field: string): MeshPort | undefined {
  if (isScalar(node) && typeof node.value === 'number') {
    const port = r.port(node, field);
    return port === undefined ? undefined : { name: 'http', port };
  }
  const text = isScalar(node) ? String(node.value) : '';
  const match = /^([a-z0-9][-a-z0-9]*):(\d+)$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) return r.fail(node, field, `must be PORT or NAME:PORT (http:9080), got "${text}"`);
  return { name: match[1]!, port };
}

function readGateway(r: Reader, node: Node): MeshGateway | undefined {
  const f = r.fields(node, 'gateway', GATEWAY_FIELDS);
  if (!f) return undefined;
  const name = f.has('name') ? r.string(f.get('name'), 'gateway.name', DNS_LABEL) : 'istio-ingressgateway';
  const namespace = f.has('namespace') ? r.string(f.get('namespace'), 'gateway.namespace', DNS_LABEL) : 'istio-system';
  const labels = f.has('labels') ? r.stringMap(f.get('labels'), 'gateway.labels') : { istio: 'ingressgateway' };
  const portNodes = f.has('ports') ? r.list(f.get('ports'), 'gateway.ports') : r.fail(node, 'gateway.ports', 'is required: the ports its Gateway servers use, such as [8080]');
  const ports = (portNodes ?? []).map((p, i) => r.port(p, `gateway.ports[${i}]`));
  if (portNodes?.length === 0) r.fail(f.get('ports'), 'gateway.ports', 'needs at least one port');
  if (!name || !namespace || !labels || !portNodes || ports.some((p) => p === undefined)) return undefined;
  return { name, namespace, labels, ports: ports as number[] };
}

function readWorkload(r: Reader, node: Node, i: number, baseDir: string): MeshWorkload | undefined {
  const at = `workloads[${i}]`;
  const f = r.fields(node, at, WORKLOAD_FIELDS);
  if (!f) return undefined;
  const name = f.has('name') ? r.string(f.get('name'), `${at}.name`, DNS_LABEL) : r.fail(node, `${at}.name`, 'is required');
  const namespace = f.has('namespace') ? r.string(f.get('namespace'), `${at}.namespace`, DNS_LABEL) : 'default';
  const serviceAccount = f.has('serviceAccount') ? r.string(f.get('serviceAccount'), `${at}.serviceAccount`, DNS_LABEL) : 'default';
  const labels = f.has('labels') ? r.stringMap(f.get('labels'), `${at}.labels`) : {};
  if (labels?.app !== undefined && !DNS_LABEL.test(labels.app)) r.fail(f.get('labels'), `${at}.labels.app`, `"${labels.app}" must be a DNS label: it names the service`);
  let ports: (MeshPort | undefined)[] = [];
  if (f.has('port') && f.has('ports')) r.fail(f.get('ports'), `${at}.ports`, 'give either port or ports, not both');
  else if (f.has('port')) ports = [readPortSpec(r, f.get('port')!, `${at}.port`)];
  else if (f.has('ports')) ports = (r.list(f.get('ports'), `${at}.ports`) ?? [undefined as unknown as Node]).map((p, j) => (p ? readPortSpec(r, p, `${at}.ports[${j}]`) : undefined));
  else r.fail(node, `${at}.port`, 'is required: the port the service is reached on, such as 9080');
  const names = new Set<string>();
  for (const p of ports) {
    if (p && names.has(p.name)) r.fail(f.get('ports'), `${at}.ports`, `port name "${p.name}" is used twice`);
    if (p) names.add(p.name);
  }
  const commandNodes = f.has('command') ? r.list(f.get('command'), `${at}.command`) : r.fail(node, `${at}.command`, 'is required: the app to run, such as [node, app.js]');
  const command = (commandNodes ?? []).map((c, j) => r.string(c, `${at}.command[${j}]`));
  if (commandNodes?.length === 0) r.fail(f.get('command'), `${at}.command`, 'must not be empty');
  const env = f.has('env') ? r.stringMap(f.get('env'), `${at}.env`) : {};
  const cwd = f.has('cwd') ? r.string(f.get('cwd'), `${at}.cwd`) : '.';
  if (!name || !namespace || !serviceAccount || !labels || !env || cwd === undefined || !commandNodes || command.some((c) => c === undefined) || ports.length === 0 || ports.some((p) => !p)) return undefined;
  return {
    name,
    namespace,
    serviceAccount,
    labels: { app: name, ...labels },
    ports: ports as MeshPort[],
    command: command as string[],
    env,
    cwd: resolve(baseDir, cwd),
  };
}

/**
 * Parses the text of a mesh file read from `file`. Relative paths (config, cwd) are taken from the
 * file's directory. Every problem is reported, each with its line and field; unknown fields are
 * problems too.
 */
export function parseMeshFile(text: string, file: string): MeshFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const r = new Reader(file, lines);
  for (const e of doc.errors) r.issues.push({ file, line: e.linePos?.[0]?.line ?? 1, field: '', message: `YAML syntax error: ${e.message.split('\n')[0]}` });
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  const baseDir = dirname(resolve(file));
  const top = r.fields(doc.contents, '', TOP_FIELDS);
  if (!top) return { ok: false, issues: r.issues };
  if (top.has('apiVersion') && r.string(top.get('apiVersion'), 'apiVersion') !== MESH_API_VERSION) r.fail(top.get('apiVersion'), 'apiVersion', `must be ${MESH_API_VERSION}`);
  if (top.has('kind') && r.string(top.get('kind'), 'kind') !== MESH_KIND) r.fail(top.get('kind'), 'kind', `must be ${MESH_KIND}`);
  const configNode = top.get('config');
  let config: string[] = [];
  if (isSeq(configNode)) config = configNode.items.map((c, i) => r.string(c as Node, `config[${i}]`) ?? '');
  else if (configNode !== undefined) config = [r.string(configNode, 'config') ?? ''];
  const gateway = top.has('gateway') ? readGateway(r, top.get('gateway')!) : undefined;
  const workloadNodes = top.has('workloads') ? r.list(top.get('workloads'), 'workloads') : [];
  const workloads = (workloadNodes ?? []).map((w, i) => readWorkload(r, w, i, baseDir));
  const seen = new Map<string, number>();
  workloads.forEach((w, i) => {
    if (!w) return;
    const key = `${w.namespace}/${w.name}`;
    if (seen.has(key)) r.fail(workloadNodes![i], `workloads[${i}].name`, `workload ${key} is already defined by workloads[${seen.get(key)}]`);
    seen.set(key, i);
  });
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  return {
    ok: true,
    spec: {
      file: resolve(file),
      config: config.map((c) => resolve(baseDir, c)),
      ...(gateway ? { gateway } : {}),
      workloads: workloads as MeshWorkload[],
    },
  };
}
