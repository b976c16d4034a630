// The slim entry for `heddle sidecar` and `heddle gateway`: the data plane's commands only, so a
// proxy process never loads the control plane's modules (Galley's schemas, Pilot's generators).
import { registerSidecar } from './commands/sidecar.js';
import { createProgram, runProgram } from './program.js';

const program = createProgram();
registerSidecar(program);
await runProgram(program);
