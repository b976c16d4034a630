// What a user reads about the local mesh: the plan (`--dry-run`), and the table of services and
// URLs printed once everything is ready.
import { buildCaptureRules } from '../interception/capture-rules.js';
import { renderRuleCommands } from '../interception/rules-render.js';
import type { MeshPlan, PlannedProcess } from './mesh-plan.js';
import { POD_CAPTURE_OPTIONS } from './pod-network.js';
import { podNetworkCommands, type PodNetworkPlan } from './pod-network-plan.js';

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

/** Capture mode's network: the bridge, each pod's namespace and address, the `ip` commands, and the rules every pod gets. */
function describePodNetwork(net: PodNetworkPlan): string[] {
  const rules = POD_CAPTURE_OPTIONS.families.flatMap((f) => renderRuleCommands(buildCaptureRules(POD_CAPTURE_OPTIONS, f)));
  return [
    `pod network ${net.cidr.text}: bridge ${net.bridge} with ${net.bridgeIp}/24 on the host (the control plane and the gateway listen there)`,
    ...net.pods.map((p) => `  ${p.workload}: namespace ${p.ns}, ${p.podVeth} ${p.ip}/24 (host end ${p.hostVeth}), default route via ${net.bridgeIp}, hosts file /etc/netns/${p.ns}/hosts`),
    '  created with:',
    ...podNetworkCommands(net).map((args) => `    ip ${args.map(shellQuote).join(' ')}`),
    '  capture rules in each pod namespace (ip netns exec <namespace> ...), as istio-init installs them:',
    ...rules.map((r) => `    ${r}`),
  ];
}

/** The processes `heddle up` would start, in order, with their commands, environment, addresses and ports. */
export function formatPlan(plan: MeshPlan): string {
  const parts = [
    `mode: ${plan.mode}`,
    ...(plan.podNetwork ? describePodNetwork(plan.podNetwork) : []),
    `state directory: ${plan.stateDir} (generated config in ${plan.generatedDir})`,
    `control plane: xDS ${plan.xdsAddress}, monitoring http://${plan.monitoringAddress}`,
    describeProcess(plan.controlPlane),
  ];
  for (const w of plan.workloads) {
    const where = w.netns ? `0.0.0.0:` : '127.0.0.1:';
    const pod = w.netns ? ` in namespace ${w.netns}` : '';
    parts.push(`${w.workload.namespace}/${w.workload.name}: address ${w.ip}${pod}, ports ${w.ports.map((p) => `${p.name}:${p.port} (app on ${where}${p.appPort})`).join(', ')}, admin 127.0.0.1:${w.adminPort}`);
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
      // The sidecar's inbound side binds the workload address on the app's port (capture: the pod's port).
      rows.push([`${labels.app}.${namespace}:${p.port}`, labels.version ?? '-', name, `${w.ip}:${p.appPort}`, w.netns ? `0.0.0.0:${p.appPort} in ${w.netns}` : `127.0.0.1:${p.appPort}`]);
    }
  }
  const lines = [table(rows)];
  if (plan.gateway) {
    for (const p of plan.gateway.ports) lines.push(`gateway ${plan.gateway.gateway.name}: http://localhost:${p.published}/ (port ${p.port} of ${plan.gateway.ip})`);
  }
  lines.push(`control plane: http://${plan.monitoringAddress}/debug/configz; heddle apply -f FILE --control-plane ${plan.monitoringAddress}`);
  const net = plan.podNetwork;
  if (net) lines.push(`pod network ${net.cidr.text} on bridge ${net.bridge}; step into a pod with: ip netns exec ${net.pods[0]?.ns ?? `${net.nsPrefix}<workload>`} curl http://127.0.0.1:15090/stats/prometheus`);
  return `${lines.join('\n')}\n`;
}
