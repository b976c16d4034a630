// Installs and removes the capture rules with the real iptables tools: iptables-save to see what
// is there, iptables-restore --noflush to install atomically, iptables -D/-F/-X to clean.
import type { CaptureOptions, IpFamily } from './capture-options.js';
import { runCommand, type CommandRunner } from './command-runner.js';
import { buildCaptureRules } from './capture-rules.js';
import { parseCaptureState, planCleanup } from './rules-cleanup.js';
import { iptablesBinary, renderRestoreInput } from './rules-render.js';

export type CaptureErrorCode = 'NOT_ROOT' | 'IPTABLES_MISSING' | 'COMMAND_FAILED';

/** Why the rules could not be installed or removed; `code` is stable. */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(readonly code: CaptureErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** What one family's clean removed. */
export interface CleanReport {
  readonly family: IpFamily;
  readonly jumps: number;
  readonly chains: readonly string[];
}

export interface IptablesClient {
  /** Installs the rules for each of `options.families`, replacing any earlier install (idempotent). */
  apply(options: CaptureOptions): Promise<void>;
  /** Removes the capture chains and the jumps into them, and nothing else. */
  clean(families: readonly IpFamily[]): Promise<CleanReport[]>;
}

export interface IptablesClientDeps {
  readonly run?: CommandRunner;
  /** The effective uid; only root may change the nat table. */
  readonly uid?: () => number;
}

/** Creates the client; it checks for root before every change, and names the missing tool. */
export function createIptablesClient(deps: IptablesClientDeps = {}): IptablesClient {
  const run = deps.run ?? runCommand;
  const uid = deps.uid ?? (() => process.geteuid?.() ?? 0);

  const must = async (file: string, args: readonly string[], input?: string): Promise<string> => {
    const outcome = await run(file, args, input);
    if (outcome.missing) throw new CaptureError('IPTABLES_MISSING', `${file} not found: install the iptables package (Debian: apt-get install iptables)`);
    if (outcome.code !== 0) throw new CaptureError('COMMAND_FAILED', `${file} ${args.join(' ')} failed (exit ${outcome.code}): ${outcome.stderr.trim()}`);
    return outcome.stdout;
  };
  const requireRoot = (what: string): void => {
    if (uid() !== 0) throw new CaptureError('NOT_ROOT', `${what} changes the nat table and must run as root (uid 0); this is uid ${uid()}`);
  };
  const stateOf = async (family: IpFamily) => parseCaptureState(await must(`${iptablesBinary(family)}-save`, ['-t', 'nat']));

  return {
    async apply(options) {
      requireRoot('heddle iptables apply');
      for (const family of options.families) {
        const state = await stateOf(family);
        const input = renderRestoreInput(buildCaptureRules(options, family), state.jumps);
        await must(`${iptablesBinary(family)}-restore`, ['--noflush'], input);
      }
    },
    async clean(families) {
      requireRoot('heddle iptables clean');
      const reports: CleanReport[] = [];
      for (const family of families) {
        const state = await stateOf(family);
        for (const args of planCleanup(state)) await must(iptablesBinary(family), args);
        reports.push({ family, jumps: state.jumps.length, chains: state.chains });
      }
      return reports;
    },
  };
}
