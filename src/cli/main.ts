// The heddle command line: thin commands over the parts, with shared logging flags.
import { registerAnalyze } from './commands/analyze.js';
import { registerApply } from './commands/apply.js';
import { registerCa } from './commands/ca.js';
import { registerControlPlane } from './commands/control-plane.js';
import { registerDemo } from './commands/demo.js';
import { registerIptables } from './commands/iptables.js';
import { registerProxyConfig } from './commands/proxy-config.js';
import { registerProxyStatus } from './commands/proxy-status.js';
import { registerSidecar } from './commands/sidecar.js';
import { registerUp } from './commands/up.js';
import { registerValidate } from './commands/validate.js';
import { registerVersion } from './commands/version.js';
import { createProgram, runProgram } from './program.js';

const program = createProgram();
registerValidate(program);
registerAnalyze(program);
registerControlPlane(program);
registerCa(program);
registerProxyStatus(program);
registerProxyConfig(program);
registerSidecar(program);
registerIptables(program);
registerUp(program);
registerDemo(program);
registerApply(program);
registerVersion(program);
await runProgram(program);
