// The `heddle` program both entries share: the global logging flags and how a run ends.
import { Command, CommanderError, Option } from 'commander';
import { PARENT_PID_ENV } from '../local/parent-lifeline.js';
import { watchParent } from '../local/parent-watch.js';
import { configureLogging, LOG_LEVELS, type LogFormat, type LogLevel } from '../log/index.js';
import { VERSION } from './commands/version.js';

/** A `heddle` command with `--version`, `--log-level` and `--log-format`, logging configured before any action. */
export function createProgram(): Command {
  return new Command('heddle')
    .description('Heddle: a service mesh in TypeScript that speaks Istio\'s API')
    .version(VERSION, '-v, --version')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'log format').choices(['text', 'json']).default('text'))
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .hook('preAction', (cmd) => {
      const opts = cmd.optsWithGlobals() as { logLevel: LogLevel; logFormat: LogFormat };
      configureLogging({ level: opts.logLevel, format: opts.logFormat, name: 'heddle' });
    });
}

/** Parses the command line and runs it; an error is printed to stderr and sets a non-zero exit code. */
export async function runProgram(program: Command): Promise<void> {
  const watched = watchParent({
    parentPid: process.env[PARENT_PID_ENV],
    onOrphaned: (pid) => process.stderr.write(`heddle: the heddle up that started this process (pid ${pid}) is gone; stopping\n`),
  });
  // Our output goes to pipes that `heddle up` reads; once it is gone a write fails with EPIPE,
  // which must not cut the graceful stop short.
  if (watched) for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`heddle: ${(err as Error).message}\n`);
      process.exitCode = 1;
      // A command that failed half-started (a port taken after others were bound) may still hold
      // sockets or timers; it must not linger. The timer itself keeps nothing alive.
      setTimeout(() => process.exit(), 1000).unref();
    }
  }
}
