// Istio's MeshConfig YAML (the subset Heddle uses) parsed into the MeshConfig Pilot runs with.
import { parseDuration } from '../../galley/validation/common/duration.js';
import { DEFAULT_MESH_CONFIG, type EnvoyExtAuthzHttpProvider, type ExtensionProvider, type MeshConfig } from './mesh-config.js';

/** One problem with a mesh config document, at a field path such as `extensionProviders[0].name`. */
export interface MeshConfigIssue {
  readonly path: string;
  readonly message: string;
}

export type MeshConfigResult =
  | { readonly ok: true; readonly config: MeshConfig }
  | { readonly ok: false; readonly issues: readonly MeshConfigIssue[] };

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

const TOP_FIELDS = ['rootNamespace', 'trustDomain', 'enableAutoMtls', 'connectTimeout', 'outboundTrafficPolicy', 'extensionProviders'];
const PROVIDER_FIELDS = ['name', 'envoyExtAuthzHttp'];
const EXT_AUTHZ_HTTP_FIELDS = [
  'service', 'port', 'pathPrefix', 'timeout', 'failOpen', 'statusOnError',
  'includeRequestHeadersInCheck', 'headersToUpstreamOnAllow', 'headersToDownstreamOnDeny',
];

/** Reports every key of `obj` not in `known`; Istio's other fields are not implemented, so they are errors rather than silently ignored. */
function unknownFields(obj: Obj, known: readonly string[], path: string, issues: MeshConfigIssue[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) issues.push({ path: join(path, key), message: `unknown field (Heddle knows ${known.join(', ')})` });
  }
}

function str(obj: Obj, key: string, path: string, issues: MeshConfigIssue[]): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v !== '') return v;
  issues.push({ path: join(path, key), message: 'must be a non-empty string' });
  return undefined;
}

function bool(obj: Obj, key: string, path: string, issues: MeshConfigIssue[]): boolean | undefined {
  const v = obj[key];
  if (v === undefined || typeof v === 'boolean') return v;
  issues.push({ path: join(path, key), message: 'must be true or false' });
  return undefined;
}

function duration(obj: Obj, key: string, path: string, issues: MeshConfigIssue[]): string | undefined {
  const v = str(obj, key, path, issues);
  if (v !== undefined && parseDuration(v) === undefined) {
    issues.push({ path: join(path, key), message: `"${v}" is not a duration (such as 1s or 500ms)` });
    return undefined;
  }
  return v;
}

function strings(obj: Obj, key: string, path: string, issues: MeshConfigIssue[]): string[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '')) return v as string[];
  issues.push({ path: join(path, key), message: 'must be a list of non-empty strings' });
  return undefined;
}

function parseExtAuthzHttp(raw: unknown, path: string, issues: MeshConfigIssue[]): EnvoyExtAuthzHttpProvider | undefined {
  if (!isObject(raw)) {
    issues.push({ path, message: 'must be a mapping' });
    return undefined;
  }
  unknownFields(raw, EXT_AUTHZ_HTTP_FIELDS, path, issues);
  const service = str(raw, 'service', path, issues);
  if (raw.service === undefined) issues.push({ path: join(path, 'service'), message: 'is required' });
  const port = raw.port;
  if (!(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535)) {
    issues.push({ path: join(path, 'port'), message: 'must be a port number (1-65535)' });
  }
  const statusOnError = raw.statusOnError === undefined ? undefined : String(raw.statusOnError as string | number);
  if (statusOnError !== undefined && !/^[1-5][0-9][0-9]$/.test(statusOnError)) {
    issues.push({ path: join(path, 'statusOnError'), message: 'must be an HTTP status code' });
  }
  const optional = {
    pathPrefix: str(raw, 'pathPrefix', path, issues),
    timeout: duration(raw, 'timeout', path, issues),
    failOpen: bool(raw, 'failOpen', path, issues),
    statusOnError,
    includeRequestHeadersInCheck: strings(raw, 'includeRequestHeadersInCheck', path, issues),
    headersToUpstreamOnAllow: strings(raw, 'headersToUpstreamOnAllow', path, issues),
    headersToDownstreamOnDeny: strings(raw, 'headersToDownstreamOnDeny', path, issues),
  };
  if (service === undefined || typeof port !== 'number') return undefined;
  const defined = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return { service, port, ...defined };
}

function parseProviders(raw: unknown, issues: MeshConfigIssue[]): ExtensionProvider[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) {
    issues.push({ path: 'extensionProviders', message: 'must be a list' });
    return undefined;
  }
  const names = new Set<string>();
  const out: ExtensionProvider[] = [];
  raw.forEach((item: unknown, i) => {
    const path = `extensionProviders[${i}]`;
    if (!isObject(item)) {
      issues.push({ path, message: 'must be a mapping' });
      return;
    }
    unknownFields(item, PROVIDER_FIELDS, path, issues);
    const name = str(item, 'name', path, issues);
    if (item.name === undefined) issues.push({ path: `${path}.name`, message: 'is required' });
    if (name !== undefined && names.has(name)) issues.push({ path: `${path}.name`, message: `duplicate provider name "${name}"` });
    if (name !== undefined) names.add(name);
    if (item.envoyExtAuthzHttp === undefined) issues.push({ path, message: 'needs envoyExtAuthzHttp, the only provider kind Heddle implements' });
    const http = item.envoyExtAuthzHttp === undefined ? undefined : parseExtAuthzHttp(item.envoyExtAuthzHttp, `${path}.envoyExtAuthzHttp`, issues);
    if (name !== undefined && http) out.push({ name, envoyExtAuthzHttp: http });
  });
  return out;
}

/**
 * Parses a MeshConfig document (`rootNamespace`, `trustDomain`, `enableAutoMtls`,
 * `connectTimeout`, `outboundTrafficPolicy.mode`, `extensionProviders` with `envoyExtAuthzHttp`)
 * over Istio's defaults. Every problem is reported with its field path; unknown fields are
 * problems. An empty document (null) gives the defaults.
 */
export function parseMeshConfig(doc: unknown, defaults: MeshConfig = DEFAULT_MESH_CONFIG): MeshConfigResult {
  if (doc === null || doc === undefined) return { ok: true, config: defaults };
  if (!isObject(doc)) return { ok: false, issues: [{ path: '', message: 'a mesh config must be a mapping' }] };
  const issues: MeshConfigIssue[] = [];
  unknownFields(doc, TOP_FIELDS, '', issues);
  const rootNamespace = str(doc, 'rootNamespace', '', issues);
  const trustDomain = str(doc, 'trustDomain', '', issues);
  const enableAutoMtls = bool(doc, 'enableAutoMtls', '', issues);
  const connectTimeout = duration(doc, 'connectTimeout', '', issues);
  let outboundTrafficPolicy: MeshConfig['outboundTrafficPolicy'] | undefined;
  if (doc.outboundTrafficPolicy !== undefined) {
    const otp = doc.outboundTrafficPolicy;
    if (!isObject(otp)) issues.push({ path: 'outboundTrafficPolicy', message: 'must be a mapping' });
    else {
      unknownFields(otp, ['mode'], 'outboundTrafficPolicy', issues);
      if (otp.mode === 'ALLOW_ANY' || otp.mode === 'REGISTRY_ONLY') outboundTrafficPolicy = otp.mode;
      else if (otp.mode !== undefined) issues.push({ path: 'outboundTrafficPolicy.mode', message: 'must be ALLOW_ANY or REGISTRY_ONLY' });
    }
  }
  const extensionProviders = parseProviders(doc.extensionProviders, issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    config: Object.freeze({
      ...defaults,
      ...(rootNamespace !== undefined ? { rootNamespace } : {}),
      ...(trustDomain !== undefined ? { trustDomain } : {}),
      ...(enableAutoMtls !== undefined ? { enableAutoMtls } : {}),
      ...(connectTimeout !== undefined ? { connectTimeoutMs: parseDuration(connectTimeout) ?? defaults.connectTimeoutMs } : {}),
      ...(outboundTrafficPolicy !== undefined ? { outboundTrafficPolicy } : {}),
      ...(extensionProviders !== undefined ? { extensionProviders } : {}),
    }),
  };
}
