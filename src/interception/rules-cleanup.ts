// What capture left in a nat table, read from `iptables-save -t nat`, and the commands that remove
// exactly that: the jumps into the capture chains, then the chains themselves, nothing else.
import { CAPTURE_CHAINS } from './capture-rules.js';

/** The capture chains that exist, and every rule elsewhere that jumps into one, as saved (`-A CHAIN ...`). */
export interface CaptureState {
  readonly chains: readonly string[];
  readonly jumps: readonly (readonly string[])[];
}

const OURS: ReadonlySet<string> = new Set(CAPTURE_CHAINS);

/** Reads the nat table section of iptables-save output; other tables are ignored. */
export function parseCaptureState(saveOutput: string): CaptureState {
  const chains: string[] = [];
  const jumps: string[][] = [];
  let table = '';
  for (const raw of saveOutput.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    if (table !== 'nat') continue;
    if (line.startsWith(':')) {
      const name = line.slice(1).split(/\s+/)[0] ?? '';
      if (OURS.has(name) && !chains.includes(name)) chains.push(name);
    } else if (line.startsWith('-A ')) {
      const tokens = tokenize(line);
      const chain = tokens[1] ?? '';
      if (OURS.has(chain)) continue;
      const target = targetOf(tokens);
      if (target !== undefined && OURS.has(target)) jumps.push(tokens);
    }
  }
  return { chains, jumps };
}

/**
 * The argument lists (for `iptables`/`ip6tables`) that remove what `state` found: each jump by
 * `-D`, then `-F` and `-X` for each chain. Empty when nothing is installed.
 */
export function planCleanup(state: CaptureState): string[][] {
  return [
    ...state.jumps.map((rule) => ['-t', 'nat', '-D', ...rule.slice(1)]),
    ...state.chains.map((chain) => ['-t', 'nat', '-F', chain]),
    ...state.chains.map((chain) => ['-t', 'nat', '-X', chain]),
  ];
}

function targetOf(tokens: readonly string[]): string | undefined {
  for (let i = 0; i < tokens.length - 1; i++) {
    if (tokens[i] === '-j' || tokens[i] === '-g' || tokens[i] === '--jump' || tokens[i] === '--goto') return tokens[i + 1];
  }
  return undefined;
}

/** Splits a saved rule into arguments; iptables-save double-quotes arguments with spaces. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) current += line[++i];
      else if (c === '"') quoted = false;
      else current += c;
    } else if (c === '"') {
      quoted = true;
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (inToken) tokens.push(current);
  return tokens;
}
