// `heddle version`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Heddle's version, from package.json. */
export const VERSION = pkg.version;

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`heddle ${VERSION}\n`);
    });
}
