// Readies a sidecar process for capture mode before it opens any socket: adds ::6 to lo for an
// IPv6 workload (needs root), then drops to the proxy uid/gid that the capture rules exclude.
import { isIPv6 } from 'node:net';
import type { Logger } from '../log/index.js';
import type { CommandRunner } from './command-runner.js';
import { ensureIpv6InboundSource } from './loopback-source.js';
import { dropPrivileges, type ProcessCredentials, type ProxyCredentials } from './privilege-drop.js';

export interface CaptureProcessOptions extends ProxyCredentials {
  /** The workload's instance IP; an IPv6 one needs ::6 on lo for inbound forwards. */
  readonly instanceIp: string;
}

export interface CaptureProcessDeps {
  readonly run?: CommandRunner;
  readonly credentials?: ProcessCredentials;
}

/**
 * Prepares the process; rejects with a clear message when it cannot run safely (::6 missing for
 * an IPv6 workload, or the switch to the proxy uid failed). A process that is neither root nor
 * the proxy uid is allowed, with a warning: its connections are captured unless the rules
 * exclude its uid (`heddle iptables apply -u <uid>`).
 */
export async function prepareCaptureProcess(options: CaptureProcessOptions, log: Logger, deps: CaptureProcessDeps = {}): Promise<void> {
  const credentials = deps.credentials ?? (process as unknown as ProcessCredentials);
  if (isIPv6(options.instanceIp) && credentials.getuid() === 0) {
    const source = await ensureIpv6InboundSource(deps.run);
    if (!source.ok) throw new Error(`capture mode: cannot add ::6 to lo for inbound forwards: ${source.reason}`);
    if (source.added) log.info('added ::6/128 to lo for inbound forwards');
  }
  const outcome = dropPrivileges(options, credentials);
  if (!outcome.ok) throw new Error(`capture mode: ${outcome.reason}`);
  if (outcome.action === 'dropped') log.info({ uid: options.uid, gid: options.gid }, 'dropped privileges to the proxy uid/gid');
  if (outcome.action === 'unprivileged') {
    log.warn({ uid: outcome.uid, proxyUid: options.uid }, `capture mode as uid ${outcome.uid}, not the proxy uid ${options.uid}: the capture rules must exclude this uid (heddle iptables apply -u ${outcome.uid}) or the proxy captures its own connections`);
  }
}
