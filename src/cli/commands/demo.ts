// `heddle demo`: `heddle up` on the bundled Bookinfo sample, then the URL and Istio's task commands to try.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { MeshPlan } from '../../local/mesh-plan.js';
import { runLocalMesh } from '../../local/run-local-mesh.js';
import { addUpOptions, upRunOptions, type UpFlags } from './up.js';

/** The sample's mesh file, found from this module (dist/src/cli/commands/) up to the package root. */
const SAMPLE_MESH = fileURLToPath(new URL('../../../../samples/bookinfo/mesh.yaml', import.meta.url));
const NETWORKING = fileURLToPath(new URL('../../../../samples/bookinfo/networking/', import.meta.url));

/** Istio's Bookinfo tasks, in the order its docs walk through them. */
const TASKS: readonly (readonly [string, string])[] = [
  ['request routing: everything to v1', 'virtual-service-all-v1.yaml'],
  ['request routing: jason (log in) sees reviews v2', 'virtual-service-reviews-test-v2.yaml'],
  ['fault injection: 7 s delay for jason', 'virtual-service-ratings-test-delay.yaml'],
  ['fault injection: HTTP 500 for jason', 'virtual-service-ratings-test-abort.yaml'],
  ['traffic shifting: 50% to v3', 'virtual-service-reviews-50-v3.yaml'],
  ['traffic shifting: all to v3', 'virtual-service-reviews-v3.yaml'],
  ['request timeouts: 0.5 s on reviews, 2 s delay on ratings', 'virtual-service-reviews-timeout.yaml'],
  ['retries: 3 attempts on ratings v1', 'virtual-service-ratings-retries.yaml'],
  ['circuit breaking: 1 connection, 1 pending request to ratings', 'destination-rule-circuit-breaking.yaml'],
  ['mirroring: v1 serves, v2 gets a copy', 'virtual-service-reviews-mirror-v2.yaml'],
  ['mutual TLS: STRICT for the namespace', 'peer-authentication-strict.yaml'],
  ['authorization: allow-nothing, then GET along the call graph', 'authorization-policy-http.yaml'],
];

function banner(plan: MeshPlan, monitoring: string): string {
  const port = plan.gateway?.ports[0]?.published ?? 8080;
  const cp = monitoring === '127.0.0.1:15014' ? '' : ` --control-plane ${monitoring}`;
  const dir = relative(process.cwd(), NETWORKING) || '.';
  const lines = [
    `Bookinfo is up: open http://localhost:${port}/productpage (reload to see reviews v1, v2 and v3; "Sign in" as jason for the user tasks)`,
    '',
    'Try Istio\'s tasks from another terminal:',
    ...TASKS.map(([what, file]) => `  heddle apply${cp} -f ${dir}/${file}    # ${what}`),
    `  heddle delete${cp} -f ${dir}/virtual-service-reviews-v3.yaml    # undo an applied file`,
    `  heddle proxy-status${cp === '' ? '' : ` --control-plane http://${monitoring}`}`,
  ];
  return lines.join('\n');
}

/** Adds `heddle demo`. */
export function registerDemo(program: Command): void {
  addUpOptions(
    program
      .command('demo')
      .description('run the Bookinfo sample as a local mesh (heddle up on samples/bookinfo/mesh.yaml) and show Istio\'s tasks to try'),
  ).action(async (flags: UpFlags, cmd: Command) => {
    const { logLevel } = cmd.optsWithGlobals<{ logLevel: string }>();
    const options = upRunOptions(SAMPLE_MESH, flags, logLevel);
    await runLocalMesh({ ...options, banner: (plan) => banner(plan, plan.monitoringAddress) });
  });
}
