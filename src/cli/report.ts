// Printing config issues for the validate and analyze commands, as text lines or JSON.
import { formatIssue, type ConfigIssue } from '../galley/index.js';

export type OutputFormat = 'text' | 'json';

/** The JSON form of one issue, flat and stable for scripts. */
export function issueToJson(issue: ConfigIssue) {
  return {
    severity: issue.severity,
    ...(issue.code ? { code: issue.code } : {}),
    file: issue.location?.file ?? null,
    line: issue.location?.line ?? null,
    kind: issue.resource?.kind ?? null,
    namespace: issue.resource?.namespace ?? null,
    name: issue.resource?.name ?? null,
    field: issue.field,
    message: issue.message,
  };
}

/** Writes the issues to stdout: one line each, or one JSON document with `extra` merged in. */
export function printIssues(unsorted: readonly ConfigIssue[], format: OutputFormat, extra: Record<string, unknown>): void {
  quietOnClosedPipe();
  const issues = sortByLocation(unsorted);
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ ...extra, issues: issues.map(issueToJson) }, null, 2)}\n`);
    return;
  }
  for (const issue of issues) process.stdout.write(`${formatIssue(issue)}\n`);
}

/** The issues in file order, then line order (a stable sort: one line's issues keep their order). */
export function sortByLocation(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const files = new Map<string, number>();
  for (const i of issues) if (i.location && !files.has(i.location.file)) files.set(i.location.file, files.size);
  const rank = (i: ConfigIssue) => (i.location ? files.get(i.location.file)! : files.size);
  return [...issues].sort((a, b) => rank(a) - rank(b) || (a.location?.line ?? 0) - (b.location?.line ?? 0));
}

/** "1 file", "2 files". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

let pipeGuarded = false;

/** When stdout is a pipe that closes early (`| head`), stop quietly instead of crashing on EPIPE. */
export function quietOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
