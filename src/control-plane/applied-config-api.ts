// The control plane's apply API on the monitoring port: `POST /apply` and `POST /delete` take
// Istio YAML (the file's name in `?file=`) and answer with what was done, as `heddle apply` prints it.
import type { Galley } from '../galley/index.js';
import type { Logger } from '../log/index.js';
import { createAppliedConfig, type ApplyOutcome } from './applied-config.js';
import { createAppliedFile } from './applied-file.js';
import type { ActionHandler } from './monitoring.js';

function answer(outcome: ApplyOutcome): { status: number; body: unknown } {
  return outcome.ok ? { status: 200, body: { version: outcome.version, results: outcome.results } } : { status: 400, body: { issues: outcome.issues } };
}

/**
 * The `/apply` and `/delete` actions over an applied-config overlay of `galley`; with `file`, what
 * was applied is kept there and served again after a restart.
 */
export function appliedConfigActions(galley: Galley, file: string | undefined, log: Logger): Record<string, ActionHandler> {
  const applied = createAppliedConfig(galley, file === undefined ? undefined : createAppliedFile(file), (loaded) => {
    if (loaded.ok) log.info({ file, resources: loaded.count }, `serving ${loaded.count} applied resources kept in ${file}`);
    // Nothing of it is served; the file is replaced at the next successful apply or delete.
    else log.error({ file, issues: loaded.issues }, `the applied config kept in ${file} was refused; serving none of it:\n${loaded.issues.join('\n')}`);
  });
  return {
    '/apply': (body, query) => answer(applied.apply(body, query.get('file') ?? 'apply')),
    '/delete': (body, query) => answer(applied.delete(body, query.get('file') ?? 'delete')),
  };
}
