// The source address of the proxy's inbound forwards: 127.0.0.6 (always on lo, inside 127/8) or
// ::6, which must be added to lo first; the capture rules let traffic from it pass.
import { runCommand, type CommandRunner } from './command-runner.js';

/** Istio's inbound passthrough source addresses. */
export const INBOUND_SOURCE = { ipv4: '127.0.0.6', ipv6: '::6' } as const;

export type LoopbackSourceOutcome = { readonly ok: true; readonly added: boolean } | { readonly ok: false; readonly reason: string };

/**
 * Makes sure `::6/128` is on lo (`ip -6 addr add`); an address already there is success with
 * `added: false`. Needs CAP_NET_ADMIN, so call it before dropping privileges.
 */
export async function ensureIpv6InboundSource(run: CommandRunner = runCommand): Promise<LoopbackSourceOutcome> {
  const outcome = await run('ip', ['-6', 'addr', 'add', `${INBOUND_SOURCE.ipv6}/128`, 'dev', 'lo']);
  if (outcome.missing) return { ok: false, reason: 'the ip tool (iproute2) is not installed' };
  if (outcome.code === 0) return { ok: true, added: true };
  if (/exists/i.test(outcome.stderr)) return { ok: true, added: false };
  return { ok: false, reason: `ip -6 addr add ${INBOUND_SOURCE.ipv6}/128 dev lo failed: ${outcome.stderr.trim()}` };
}
