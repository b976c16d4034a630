// Galley's metrics: how much config passed and failed validation, and the snapshot it serves.
import { Counter, Gauge, type Registry } from 'prom-client';
import { KINDS } from '../api/index.js';
import type { Galley } from '../galley/index.js';

/** Registers Galley's metrics on `registry` and keeps them current. Returns an unsubscribe function. */
export function instrumentGalley(galley: Galley, registry: Registry): () => void {
  const rejected = new Counter({
    name: 'galley_validation_failed',
    help: 'Resources rejected by validation, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const version = new Gauge({ name: 'galley_snapshot_version', help: 'Version of the config snapshot being served.', registers: [registry] });
  const resources = new Gauge({
    name: 'galley_resources',
    help: 'Valid resources in the served snapshot, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const update = (): void => {
    const snap = galley.snapshot();
    version.set(snap.version);
    // Every kind keeps a series, at 0 when it has no resources, so dashboards see it drop.
    for (const kind of Object.keys(KINDS)) resources.set({ kind }, 0);
    for (const e of snap.all()) resources.inc({ kind: e.resource.kind });
  };
  update();
  const unsubscribeSnapshots = galley.subscribe(update);
  const unsubscribeRejections = galley.onRejection((r) => rejected.inc({ kind: r.resource?.kind ?? 'unknown' }));
  return () => {
    unsubscribeSnapshots();
    unsubscribeRejections();
  };
}
