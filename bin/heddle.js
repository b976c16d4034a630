#!/usr/bin/env node
// The heddle command. The TypeScript sources are compiled to dist/ by `npm run build`
// (which `npm ci` runs through the prepare script). Proxy commands take a slim entry that never
// loads the control plane.
const args = process.argv.slice(2);
let command;
for (let i = 0; i < args.length && command === undefined; i++) {
  if (args[i] === '--log-level' || args[i] === '--log-format') i++;
  else if (!args[i].startsWith('-')) command = args[i];
}
if (command === 'sidecar' || command === 'gateway' || command === 'agent') await import('../dist/src/cli/proxy-main.js');
else await import('../dist/src/cli/main.js');
