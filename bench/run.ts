// `npm run bench`: runs the benchmarks and writes bench/RESULTS.md. Each benchmark compares
// Heddle with a baseline measured in the same run, and reports medians and ratios.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runGenerationBench } from './xds-generation.js';
import { runPushBench } from './xds-push.js';
import { runProxyBenches } from './proxy-suite.js';
import { mergeSections } from './results-file.js';
import { toMarkdown, type BenchTable } from './report.js';

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const log = (line: string) => process.stderr.write(`${line}\n`);

const tables: BenchTable[] = [];
if (wanted('xds-generation')) {
  log('xds-generation: building push contexts and sidecar configs');
  tables.push(runGenerationBench(log));
}
if (wanted('xds-push')) {
  log('xds-push: timing one config change to ACK at 100 and 500 ADS clients');
  tables.push(await runPushBench(log));
}
tables.push(...(await runProxyBenches(wanted, log)));

const out = fileURLToPath(new URL('../../bench/RESULTS.md', import.meta.url));
const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}).`,
  'The machine is shared and noisy: read medians and ratios, not single figures.',
  '',
].join('\n');
writeFileSync(out, `${header}\n${mergeSections(out, tables.map((t) => ({ title: t.title, text: toMarkdown(t) }))).join('\n')}`);
log(`wrote ${out}`);
