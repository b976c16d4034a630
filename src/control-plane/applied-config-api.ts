// The control plane's apply API on the monitoring port: `POST /apply` and `POST /delete` take
// Istio YAML (the file's name in `?file=`) and answer with what was done, as `heddle apply` prints it.
import type { Galley } from '../galley/index.js';
import { createAppliedConfig, type ApplyOutcome } from './applied-config.js';
import type { ActionHandler } from './monitoring.js';

function answer(outcome: ApplyOutcome): { status: number; body: unknown } {
  return outcome.ok ? { status: 200, body: { version: outcome.version, results: outcome.results } } : { status: 400, body: { issues: outcome.issues } };
}

/** The `/apply` and `/delete` actions over an applied-config overlay of `galley`. */
export function appliedConfigActions(galley: Galley): Record<string, ActionHandler> {
  const applied = createAppliedConfig(galley);
  return {
    '/apply': (body, query) => answer(applied.apply(body, query.get('file') ?? 'apply')),
    '/delete': (body, query) => answer(applied.delete(body, query.get('file') ?? 'delete')),
  };
}
