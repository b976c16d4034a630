// The slim entry for `heddle sidecar`, `heddle gateway` and `heddle agent`: the data plane's
// commands only, so a proxy process never loads the control plane's modules (Galley's schemas,
// Pilot's generators).
import { registerAgent } from './commands/agent.js';
import { registerSidecar } from './commands/sidecar.js';
import { createProgram, runProgram } from './program.js';

const program = createProgram();
registerSidecar(program);
registerAgent(program);
await runProgram(program);
