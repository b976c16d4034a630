// `heddle apply -f FILE` and `heddle delete -f FILE`: validate Istio YAML as `heddle validate`
// does, hand it to the running control plane (POST /apply or /delete on its monitoring port), and
// wait until the connected proxies have the result.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createFileSource, hasErrors, issuesOf, STDIN } from '../../galley/index.js';
import { waitForProxiesSynced } from '../../local/proxy-sync.js';
import { collect } from '../options.js';
import { printIssues } from '../report.js';
import { DEFAULT_CONTROL_PLANE } from './debug-api.js';

interface ApplyFlags {
  file: string[];
  controlPlane: string;
  delete: boolean;
  wait: boolean;
  timeout: number;
}

interface ApplyResponse {
  version?: number;
  results?: { resource: string; namespace: string; action: string; note?: string }[];
  issues?: string[];
}

/** `127.0.0.1:15014` or `http://127.0.0.1:15014/` → `http://127.0.0.1:15014`. */
function baseUrl(value: string): string {
  const url = /^[a-z]+:\/\//.test(value) ? value : `http://${value}`;
  return url.replace(/\/+$/, '');
}

async function post(base: string, path: string, file: string, body: string): Promise<ApplyResponse> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}?file=${encodeURIComponent(file)}`, { method: 'POST', body, headers: { 'content-type': 'application/yaml' }, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`cannot reach the control plane at ${base} (${cause}); is \`heddle up\` or \`heddle control-plane\` running? Point at it with --control-plane`, { cause: err });
  }
  if (res.status === 404) throw new Error(`the control plane at ${base} has no ${path} endpoint; is it a Heddle control plane of this version?`);
  return (await res.json()) as ApplyResponse;
}

async function run(flags: ApplyFlags, remove: boolean): Promise<void> {
  if (flags.file.length === 0) throw new Error('give the config to apply with -f FILE (a file, a directory, or - for stdin)');
  let stdinText = '';
  const readStdin = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    stdinText = Buffer.concat(chunks).toString('utf8');
    return stdinText;
  };
  const units = await createFileSource({ paths: flags.file, readStdin }).list();
  if (units.length === 0) throw new Error(`no config files (*.yaml, *.yml, *.json) found in ${flags.file.join(', ')}`);
  const issues = units.flatMap((u) => (u.parsed ? issuesOf(u.parsed) : []));
  if (hasErrors(issues)) {
    printIssues(issues, 'text', {});
    process.stderr.write('nothing was applied: the config above is not valid\n');
    process.exitCode = 1;
    return;
  }
  const base = baseUrl(flags.controlPlane);
  let version = 0;
  for (const unit of units) {
    const text = unit.id === STDIN ? stdinText : await readFile(unit.id, 'utf8');
    const answer = await post(base, remove ? '/delete' : '/apply', unit.id, text);
    if (answer.issues) {
      for (const line of answer.issues) process.stderr.write(`${line}\n`);
      process.exitCode = 1;
      return;
    }
    version = Math.max(version, answer.version ?? 0);
    for (const r of answer.results ?? []) {
      process.stdout.write(`${r.resource} ${r.action}${r.namespace === 'default' ? '' : ` (namespace ${r.namespace})`}${r.note ? `: ${r.note}` : ''}\n`);
    }
  }
  if (!flags.wait) return;
  const synced = await waitForProxiesSynced(base, { minVersion: version, timeoutMs: flags.timeout * 1000 });
  if (!synced.ok) process.stderr.write(`warning: ${synced.reason}\n`);
}

function register(program: Command, name: 'apply' | 'delete'): void {
  const cmd = program
    .command(name)
    .description(name === 'apply'
      ? 'validate Istio config and apply it to the running control plane (created/configured/unchanged), taking precedence over its config files'
      : 'remove config applied with `heddle apply` from the running control plane')
    .option('-f, --file <path>', 'a file or directory of Istio YAML, or - for stdin (repeatable)', collect, [])
    .option('--control-plane <address>', 'the control plane\'s monitoring address', DEFAULT_CONTROL_PLANE)
    .option('--no-wait', 'return once the control plane has accepted the config, without waiting for the proxies')
    .option('--timeout <seconds>', 'how long to wait for the proxies to have the new config', (v) => Number(v), 10);
  if (name === 'apply') cmd.option('--delete', 'remove the applied resources instead (as `heddle delete`)', false);
  cmd.action((flags: ApplyFlags) => run(flags, name === 'delete' || flags.delete === true));
}

/** Adds `heddle apply` and `heddle delete`. */
export function registerApply(program: Command): void {
  register(program, 'apply');
  register(program, 'delete');
}
