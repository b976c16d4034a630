// The slim entry for `heddle sidecar` and `heddle gateway`: the data plane's commands only, so a
// proxy process never loads the control plane's modules (Galley's schemas, Pilot's generators).
import { Command, CommanderError, Option } from 'commander';
import { configureLogging, LOG_LEVELS, type LogFormat, type LogLevel } from '../log/index.js';
import { registerSidecar } from './commands/sidecar.js';
import { VERSION } from './commands/version.js';

const program = new Command('heddle')
  .version(VERSION, '-v, --version')
  .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
  .addOption(new Option('--log-format <format>', 'log format').choices(['text', 'json']).default('text'))
  .showHelpAfterError()
  .exitOverride()
  .hook('preAction', (cmd) => {
    const opts = cmd.optsWithGlobals() as { logLevel: LogLevel; logFormat: LogFormat };
    configureLogging({ level: opts.logLevel, format: opts.logFormat, name: 'heddle' });
  });

registerSidecar(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`heddle: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
