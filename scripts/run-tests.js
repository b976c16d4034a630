#!/usr/bin/env node
// Runs every compiled test (unit tests beside the code, e2e tests in test/e2e) with node:test.
// Pass file or directory names to run only those; they are looked up under dist/.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const args = process.argv.slice(2);
const targets = args.length > 0 ? args.map((a) => join(dist, a.replace(/\.ts$/, '.js'))) : [dist];
const files = targets.flatMap((t) => (statSync(t).isDirectory() ? collect(t, []) : [t])).sort();
console.log(`running ${files.length} test files`);
const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', ...files.map((f) => relative(root, f))],
  // Strict xDS encoding: every generated message is checked field by field (src/xds/any.ts).
  { cwd: root, stdio: 'inherit', env: { ...process.env, HEDDLE_XDS_STRICT: '1' } },
);
process.exit(result.status ?? 1);
