// The control plane's apply API on the monitoring port: `POST /apply` and `POST /delete` take
// Istio YAML (the file's name in `?file=`) and answer with what was done, as `heddle apply` prints it.
import { renameSync } from 'node:fs';
import type { Galley } from '../galley/index.js';
import type { Logger } from '../log/index.js';
import { createAppliedConfig, type AppliedStore, type ApplyOutcome } from './applied-config.js';
import { createAppliedFile } from './applied-file.js';
import type { ActionHandler } from './monitoring.js';

function answer(outcome: ApplyOutcome): { status: number; body: unknown } {
  return outcome.ok ? { status: 200, body: { version: outcome.version, results: outcome.results } } : { status: 400, body: { issues: outcome.issues } };
}

/** `store`, whose failed saves are logged: the config is served already, only keeping it failed. */
function loggedStore(store: AppliedStore, log: Logger): AppliedStore {
  return {
    name: store.name,
    load: () => store.load(),
    save(yaml) {
      try {
        store.save(yaml);
      } catch (err) {
        log.error({ err, file: store.name }, `applied config is served but could not be kept in ${store.name}; a restart will lose it`);
      }
    },
  };
}

/**
 * The `/apply` and `/delete` actions over an applied-config overlay of `galley`; with `file`, what
 * was applied is kept there and served again after a restart.
 */
export function appliedConfigActions(galley: Galley, file: string | undefined, log: Logger): Record<string, ActionHandler> {
  const applied = createAppliedConfig(galley, file === undefined ? undefined : loggedStore(createAppliedFile(file), log), (loaded) => {
    if (loaded.ok) {
      log.info({ file, resources: loaded.count }, `serving ${loaded.count} applied resources kept in ${file}`);
      return;
    }
    // The next apply rewrites the file; keep what was refused for the user to look at.
    const aside = `${file}.refused-${Date.now()}`;
    let kept = `; it is kept as ${aside}`;
    try {
      renameSync(file!, aside);
    } catch (err) {
      kept = `; moving it to ${aside} failed (${(err as Error).message})`;
    }
    log.error({ file, issues: loaded.issues }, `the applied config kept in ${file} was not accepted whole${kept}:\n${loaded.issues.join('\n')}`);
  });
  return {
    '/apply': (body, query) => answer(applied.apply(body, query.get('file') ?? 'apply')),
    '/delete': (body, query) => answer(applied.delete(body, query.get('file') ?? 'delete')),
  };
}
