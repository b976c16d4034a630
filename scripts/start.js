#!/usr/bin/env node
// `npm start`: the demo mesh (`heddle demo`) is not built yet, so this runs the control plane on the
// bundled Bookinfo config instead, and says so.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/heddle.js', import.meta.url));
const config = fileURLToPath(new URL('../samples/bookinfo/networking', import.meta.url));
process.stderr.write(
  'npm start: the demo mesh (heddle demo) is not available yet; running `heddle control-plane` on\n' +
    `samples/bookinfo/networking instead. Its config is at http://127.0.0.1:15014/debug/configz. Ctrl-C stops it.\n`,
);
const child = spawn(process.execPath, [bin, 'control-plane', '--config', config, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
