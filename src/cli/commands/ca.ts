// `heddle ca token`: issues a workload's bootstrap token from a CA directory, for the CSR service.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { issueBootstrapToken, parseDurationSeconds } from '../../citadel/index.js';

/** `$HEDDLE_HOME/ca`, HEDDLE_HOME defaulting to `~/.heddle`: where the control plane keeps its CA. */
export function defaultCaDir(): string {
  return join(process.env.HEDDLE_HOME || join(homedir(), '.heddle'), 'ca');
}

/** Parses a duration flag (`24h`, `90d`, `30m`, seconds), naming the flag when the value is wrong. */
export function parseDurationFlag(flag: string): (value: string) => number {
  return (value) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined) throw new Error(`${flag} must be a duration such as 24h, 90d, 30m or 3600s, got "${value}"`);
    return seconds;
  };
}

interface TokenOptions {
  caDir: string;
  namespace: string;
  serviceAccount: string;
  ttl: number;
}

/** Adds `heddle ca` and its subcommands. */
export function registerCa(program: Command): void {
  const ca = program.command('ca').description("Citadel's certificate authority: bootstrap tokens for workloads");
  ca.command('token')
    .description('print a bootstrap token (a JWT signed by the control plane) that proves a workload\'s namespace and service account to the CA')
    .option('--ca-dir <dir>', 'the control plane\'s CA directory (holds token-key.pem)', defaultCaDir())
    .requiredOption('--namespace <ns>', 'the workload\'s namespace')
    .requiredOption('--service-account <sa>', 'the workload\'s service account')
    .option('--ttl <duration>', 'how long the token is valid (24h, 90d, 30m, seconds)', parseDurationFlag('--ttl'), 24 * 3600)
    .action(async (opts: TokenOptions) => {
      const token = await issueBootstrapToken(opts.caDir, { namespace: opts.namespace, serviceAccount: opts.serviceAccount }, opts.ttl);
      process.stdout.write(`${token}\n`);
    });
}
