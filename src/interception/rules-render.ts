// Capture rules as text: the iptables-restore input that installs them atomically, and the
// equivalent one-rule-per-line commands that `heddle iptables apply --dry-run` prints.
import type { IpFamily } from './capture-options.js';
import type { NatRuleSet } from './capture-rules.js';

/** The binary that manages a family's tables. */
export function iptablesBinary(family: IpFamily): 'iptables' | 'ip6tables' {
  return family === 'ipv4' ? 'iptables' : 'ip6tables';
}

/**
 * The input for `iptables-restore --noflush`: declaring each capture chain creates it or, when it
 * exists, empties it; `removeFirst` (jumps found installed, as iptables-save printed them, `-A`
 * form) are deleted before the new jumps are appended, so applying twice duplicates nothing.
 */
export function renderRestoreInput(set: NatRuleSet, removeFirst: readonly (readonly string[])[] = []): string {
  const lines = ['*nat'];
  for (const chain of set.chains) lines.push(`:${chain} - [0:0]`);
  for (const rule of removeFirst) lines.push(['-D', ...rule.slice(1)].map(quote).join(' '));
  for (const rule of set.rules) lines.push(['-A', rule.chain, ...rule.spec].map(quote).join(' '));
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** The rules as shell commands (`iptables -t nat -N ISTIO_INBOUND`, then `-A ...`), one per line. */
export function renderRuleCommands(set: NatRuleSet): string[] {
  const bin = iptablesBinary(set.family);
  return [
    ...set.chains.map((chain) => `${bin} -t nat -N ${chain}`),
    ...set.rules.map((rule) => [bin, '-t', 'nat', '-A', rule.chain, ...rule.spec].map(quote).join(' ')),
  ];
}

function quote(token: string): string {
  return /^[\w@%+=:,./!-]+$/.test(token) ? token : `"${token.replace(/(["\\])/g, '\\$1')}"`;
}
