#!/usr/bin/env node
// `npm start`: the demo mesh, `heddle demo`: Bookinfo's apps, each with its sidecar, behind the
// ingress gateway at http://localhost:8080/productpage, with Istio's tasks to try printed once it is
// up. Extra arguments go to `heddle demo` (for example `npm start -- --gateway-port 18080`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/heddle.js', import.meta.url));
const child = spawn(process.execPath, [bin, 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the demo from the terminal too; it stops the mesh once, however often it is told.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
