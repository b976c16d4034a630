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
export function printIssues(issues: readonly ConfigIssue[], format: OutputFormat, extra: Record<string, unknown>): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ ...extra, issues: issues.map(issueToJson) }, null, 2)}\n`);
    return;
  }
  for (const issue of issues) process.stdout.write(`${formatIssue(issue)}\n`);
}

/** "1 file", "2 files". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
