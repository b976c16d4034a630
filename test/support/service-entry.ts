// Writes the ServiceEntry YAML that e2e tests register their services with: a STATIC, in-mesh
// service `<name>.default.svc.cluster.local` whose endpoints are listed inline.

/** The label that puts an inline endpoint in the mesh: clients reach it over mTLS, plaintext otherwise. */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

export interface ServiceEntryPort {
  readonly number: number;
  readonly name: string;
  /** `HTTP` by default. */
  readonly protocol?: string;
  /** The endpoints' port for it; none is written when absent (the endpoints' own `ports` or `number` apply). */
  readonly targetPort?: number;
}

export interface ServiceEntryEndpoint {
  readonly address: string;
  /** Port name to this endpoint's port; none is written when absent. */
  readonly ports?: Readonly<Record<string, number>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  /** Label the endpoint `security.istio.io/tlsMode: istio` after its other labels (default false). */
  readonly mtls?: boolean;
}

function flowMap(entries: Readonly<Record<string, string | number>>): string {
  return `{${Object.entries(entries).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

function endpointYaml(ep: ServiceEntryEndpoint): string {
  const labels = { ...ep.labels, ...(ep.mtls ? { [TLS_MODE_LABEL]: 'istio' } : {}) };
  const fields = [
    `address: ${ep.address}`,
    ...(ep.ports ? [`ports: ${flowMap(ep.ports)}`] : []),
    ...(Object.keys(labels).length > 0 ? [`labels: ${flowMap(labels)}`] : []),
    ...(ep.serviceAccount ? [`serviceAccount: ${ep.serviceAccount}`] : []),
  ];
  return `  - ${fields.join('\n    ')}`;
}

function portYaml(p: ServiceEntryPort): string {
  const fields: Record<string, string | number> = { number: p.number, name: p.name, protocol: p.protocol ?? 'HTTP' };
  if (p.targetPort !== undefined) fields.targetPort = p.targetPort;
  return `  - ${flowMap(fields)}`;
}

/**
 * A ServiceEntry named `name` for host `<name>.default.svc.cluster.local` (MESH_INTERNAL, STATIC)
 * with `ports` and the inline `endpoints`, each field written only when given.
 */
export function serviceEntry(name: string, ports: readonly ServiceEntryPort[], endpoints: readonly ServiceEntryEndpoint[]): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}}
spec:
  hosts: [${name}.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
${ports.map(portYaml).join('\n')}
  endpoints:
${endpoints.map(endpointYaml).join('\n')}
`;
}
