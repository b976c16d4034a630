// The heddle command line: thin commands over the parts, with shared logging flags.
import { Command, CommanderError, Option } from 'commander';
import { configureLogging, LOG_LEVELS, type LogFormat, type LogLevel } from '../log/index.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerControlPlane } from './commands/control-plane.js';
import { registerProxyConfig } from './commands/proxy-config.js';
import { registerProxyStatus } from './commands/proxy-status.js';
import { registerSidecar } from './commands/sidecar.js';
import { registerValidate } from './commands/validate.js';
import { registerVersion, VERSION } from './commands/version.js';

const program = new Command('heddle')
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

registerValidate(program);
registerAnalyze(program);
registerControlPlane(program);
registerProxyStatus(program);
registerProxyConfig(program);
registerSidecar(program);
registerVersion(program);

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
