// Asks the control plane (/debug/syncz) whether the proxies have what it serves: every one
// connected, none with a push it has not acknowledged.
export interface SyncWait {
  /** How many proxies must be connected. */
  readonly proxies?: number;
  /** Every proxy must have been pushed at least this config snapshot version. */
  readonly minVersion?: number;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

export type SyncResult = { readonly ok: true; readonly proxies: number } | { readonly ok: false; readonly reason: string };

interface SynczBody {
  proxies: { proxy: string; version?: string; xds: Record<string, { state: string; nack?: { message: string } }> }[];
}

/** Why the proxies are not in sync yet, or undefined when they are. */
export function notSyncedReason(body: SynczBody, wait: Omit<SyncWait, 'timeoutMs'>): string | undefined {
  if (wait.proxies !== undefined && body.proxies.length < wait.proxies) return `${body.proxies.length} of ${wait.proxies} proxies connected`;
  for (const p of body.proxies) {
    const snapshot = Number((p.version ?? '0').split('.')[0]);
    if (wait.minVersion !== undefined && snapshot < wait.minVersion) return `${p.proxy} has config version ${p.version ?? 'none'}, not yet ${wait.minVersion}`;
    for (const [type, status] of Object.entries(p.xds)) {
      if (status.state === 'STALE') return `${p.proxy} has not acknowledged its ${type} push`;
      if (status.state === 'NACKED') return `${p.proxy} rejected its ${type} push: ${status.nack?.message ?? 'no reason given'}`;
    }
  }
  return undefined;
}

/** Polls `<monitoring>/debug/syncz` until the proxies are in sync, or the timeout. */
export async function waitForProxiesSynced(monitoring: string, wait: SyncWait): Promise<SyncResult> {
  const deadline = Date.now() + wait.timeoutMs;
  let reason: string;
  for (;;) {
    try {
      const res = await fetch(`${monitoring}/debug/syncz`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as SynczBody;
      const why = notSyncedReason(body, wait);
      if (why === undefined) return { ok: true, proxies: body.proxies.length };
      reason = why;
    } catch (err) {
      reason = `the control plane did not answer: ${(err as Error).message}`;
    }
    if (Date.now() >= deadline) return { ok: false, reason: `proxies not in sync within ${wait.timeoutMs / 1000} s: ${reason}` };
    await new Promise((r) => setTimeout(r, wait.intervalMs ?? 100));
  }
}
