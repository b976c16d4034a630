// What a user reads about the local mesh: the plan (`--dry-run`), and the table of services and
// URLs printed once everything is ready.
import type { MeshPlan, PlannedProcess } from './mesh-plan.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function describeProcess(p: PlannedProcess): string {
  const env = Object.entries(p.env).map(([k, v]) => `    ${k}=${shellQuote(v)}`);
  return [
    `${p.name} (${p.role})`,
    `  run: ${[p.command, ...p.args].map(shellQuote).join(' ')}`,
    ...(p.role === 'app' ? [`  cwd: ${p.cwd}`] : []),
    ...(env.length > 0 ? ['  env:', ...env] : []),
  ].join('\n');
}

/** The processes `heddle up` would start, in order, with their commands, environment, addresses and ports. */
export function formatPlan(plan: MeshPlan): string {
  const parts = [
    `state directory: ${plan.stateDir} (generated config in ${plan.generatedDir})`,
    `control plane: xDS ${plan.xdsAddress}, monitoring http://${plan.monitoringAddress}`,
    describeProcess(plan.controlPlane),
  ];
  for (const w of plan.workloads) {
    parts.push(`${w.workload.namespace}/${w.workload.name}: address ${w.ip}, ports ${w.ports.map((p) => `${p.name}:${p.port} (app on 127.0.0.1:${p.appPort})`).join(', ')}, admin 127.0.0.1:${w.adminPort}`);
    parts.push(describeProcess(w.app), describeProcess(w.sidecar));
  }
  if (plan.gateway) {
    const g = plan.gateway;
    parts.push(`${g.gateway.namespace}/${g.gateway.name}: address ${g.ip}, ${g.ports.map((p) => `${g.ip}:${p.port} published on 127.0.0.1:${p.published}`).join(', ')}`);
    parts.push(describeProcess(g.process));
  }
  return `${parts.join('\n')}\n`;
}

/** The table of services, versions, addresses and URLs. */
export function formatReadyTable(plan: MeshPlan): string {
  const rows: string[][] = [['SERVICE', 'VERSION', 'WORKLOAD', 'ADDRESS', 'APP LISTENS ON']];
  for (const w of plan.workloads) {
    const { labels, namespace, name } = w.workload;
    for (const p of w.ports) {
      rows.push([`${labels.app}.${namespace}:${p.port}`, labels.version ?? '-', name, `${w.ip}:${p.port}`, `127.0.0.1:${p.appPort}`]);
    }
  }
  const lines = [table(rows)];
  if (plan.gateway) {
    for (const p of plan.gateway.ports) lines.push(`gateway ${plan.gateway.gateway.name}: http://localhost:${p.published}/ (port ${p.port} of ${plan.gateway.ip})`);
  }
  lines.push(`control plane: http://${plan.monitoringAddress}/debug/configz; heddle apply -f FILE --control-plane ${plan.monitoringAddress}`);
  return `${lines.join('\n')}\n`;
}
