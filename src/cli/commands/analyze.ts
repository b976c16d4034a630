// `heddle analyze PATH...`: cross-resource checks over a set of Istio config.
import { Option, type Command } from 'commander';
import { ANALYZERS, analyze, knownFromKubernetesObjects } from '../../galley/analysis/index.js';
import { createFileSource, createSnapshot, findDuplicates, issuesOf, type ConfigEntry, type ConfigIssue } from '../../galley/index.js';
import { collect, outputOption } from '../options.js';
import { plural, printIssues, type OutputFormat } from '../report.js';

interface AnalyzeOptions {
  output: OutputFormat;
  failOn: 'error' | 'warning';
  knownService: string[];
  listAnalyzers?: boolean;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('validate Istio config and check it across resources; exit 1 on errors (or warnings with --fail-on warning)')
    .argument('[paths...]', 'files, directories, or - for stdin')
    .addOption(outputOption())
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run').choices(['error', 'warning']).default('error'))
    .option('--known-service <host>', 'a service that exists outside these files (repeatable)', collect, [])
    .option('--list-analyzers', 'list the analyzers and their codes, and exit')
    .action(async (paths: string[], opts: AnalyzeOptions) => {
      if (opts.listAnalyzers) {
        for (const a of ANALYZERS) process.stdout.write(`${a.code}\t${a.name}\t${a.description}\n`);
        return;
      }
      if (paths.length === 0) throw new Error('analyze needs at least one path (or - for stdin)');
      const units = await createFileSource({ paths }).list();
      if (units.length === 0) throw new Error(`no config files (*.yaml, *.yml, *.json) found in ${paths.join(', ')}`);
      const validation: ConfigIssue[] = [...units.flatMap((u) => (u.parsed ? issuesOf(u.parsed) : [])), ...findDuplicates(units)];
      const entries: ConfigEntry[] = [];
      const kubernetesObjects: Array<Readonly<Record<string, unknown>>> = [];
      for (const u of units) {
        for (const r of u.parsed?.results ?? []) {
          if (r.status === 'valid') entries.push({ resource: r.resource, location: r.location, lineOf: r.lineOf });
          else if (r.status === 'ignored') kubernetesObjects.push(r.value);
        }
      }
      const fromKubernetes = knownFromKubernetesObjects(kubernetesObjects);
      const findings = analyze(createSnapshot(1, entries), {
        knownServices: [...fromKubernetes.knownServices, ...opts.knownService],
        knownWorkloads: fromKubernetes.knownWorkloads,
      });
      const issues = [...validation, ...findings];
      const errors = issues.filter((i) => i.severity === 'error').length;
      const warnings = issues.length - errors;
      const failed = errors > 0 || (opts.failOn === 'warning' && warnings > 0);
      printIssues(issues, opts.output, { failed, resources: entries.length, errors, warnings });
      if (opts.output === 'text') {
        process.stderr.write(
          `analyzed ${plural(entries.length, 'resource')} in ${plural(units.length, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`,
        );
      }
      process.exitCode = failed ? 1 : 0;
    });
}
