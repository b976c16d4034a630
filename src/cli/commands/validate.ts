// `heddle validate PATH...`: schema and semantic validation of Istio config files.
import type { Command } from 'commander';
import { createFileSource, hasErrors, issuesOf } from '../../galley/index.js';
import { plural, printIssues, type OutputFormat } from '../report.js';
import { outputOption } from '../options.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate Istio config files or directories (- for stdin); exit 1 if any resource is invalid')
    .argument('<paths...>', 'files, directories, or - for stdin')
    .addOption(outputOption())
    .action(async (paths: string[], opts: { output: OutputFormat }) => {
      const units = await createFileSource({ paths }).list();
      if (units.length === 0) throw new Error(`no config files (*.yaml, *.yml, *.json) found in ${paths.join(', ')}`);
      // Each resource is checked on its own, as istioctl validate does; resources defined twice
      // across files are a cross-resource finding, reported by analyze.
      const issues = units.flatMap((u) => (u.parsed ? issuesOf(u.parsed) : []));
      const results = units.flatMap((u) => u.parsed?.results ?? []);
      const checked = results.filter((r) => r.status !== 'ignored').length;
      const invalid = results.filter((r) => r.status === 'invalid').length;
      const valid = !hasErrors(issues);
      printIssues(issues, opts.output, { valid, files: units.length, resources: checked, invalid });
      if (opts.output === 'text') {
        const summary = `${plural(checked, 'resource')} in ${plural(units.length, 'file')}`;
        process.stderr.write(valid ? `${summary}: all valid\n` : `${summary}: ${invalid} invalid\n`);
      }
      process.exitCode = valid ? 0 : 1;
    });
}
