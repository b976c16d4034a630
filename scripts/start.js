#!/usr/bin/env node
// `npm start`: the demo mesh (`heddle demo`) is not built yet, so this runs the control plane on a
// coherent slice of the bundled Bookinfo config instead, and says so. Extra arguments go to
// `heddle control-plane` (for example `npm start -- --monitoring-port 25014`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/heddle.js', import.meta.url));
const networking = (name) => fileURLToPath(new URL(`../samples/bookinfo/networking/${name}`, import.meta.url));
const files = ['bookinfo-gateway.yaml', 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml'];
const extra = process.argv.slice(2);
const portFlag = extra.indexOf('--monitoring-port');
const port = portFlag >= 0 ? extra[portFlag + 1] : '15014';

process.stderr.write(
  'npm start: the demo mesh (heddle demo) is not available yet, so this runs `heddle control-plane`\n' +
    `on samples/bookinfo/networking/{${files.join(',')}}.\n` +
    `The served config is at http://127.0.0.1:${port}/debug/configz. Ctrl-C stops it.\n`,
);
const args = [bin, 'control-plane', ...files.flatMap((f) => ['--config', networking(f)]), ...extra];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
