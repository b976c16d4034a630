// Test helpers for analyzers: YAML in, a snapshot with source lines, and findings out.
import { formatIssue, type ConfigIssue } from '../issue.js';
import { parseConfigText } from '../parse/index.js';
import { createSnapshot, type ConfigEntry, type ConfigSnapshot } from '../snapshot.js';
import { analyze, type AnalysisOptions, type Analyzer } from './index.js';

/**
 * A snapshot of every resource in the YAML text, read from `file`, with the line of each field.
 * Throws when a document is not a valid resource, so that a broken fixture cannot pass quietly.
 */
export function snapshotOf(yaml: string, file = 'mesh.yaml'): ConfigSnapshot {
  const parsed = parseConfigText(yaml, file);
  const entries: ConfigEntry[] = [];
  for (const result of parsed.results) {
    if (result.status === 'ignored') continue;
    if (result.status === 'invalid') throw new Error(`invalid fixture:\n${result.issues.map(formatIssue).join('\n')}`);
    entries.push({ resource: result.resource, location: result.location, lineOf: result.lineOf });
  }
  if (parsed.fileIssues.length > 0) throw new Error(`invalid fixture:\n${parsed.fileIssues.map(formatIssue).join('\n')}`);
  return createSnapshot(1, entries);
}

/** The findings for the YAML text, from `analyzers` (all by default). */
export function findingsOf(yaml: string, options: AnalysisOptions = {}, analyzers?: readonly Analyzer[]): ConfigIssue[] {
  return analyze(snapshotOf(yaml), options, analyzers);
}

/** The parts of a finding that tests compare: code, severity, field, `Kind ns/name` and line. */
export function summaryOf(issue: ConfigIssue): { code?: string; severity: string; field: string; resource: string; line?: number } {
  const r = issue.resource;
  return {
    code: issue.code,
    severity: issue.severity,
    field: issue.field,
    resource: r ? `${r.kind} ${r.namespace}/${r.name}` : '',
    line: issue.location?.line,
  };
}
