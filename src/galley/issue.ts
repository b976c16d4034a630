// Config issues: what Galley reports about a resource, with where and why.
import { formatPath, type FieldPath } from '../api/index.js';

export type Severity = 'error' | 'warning';

/** Where in the input a problem is: a file (`-` for stdin, a URI for other sources) and 1-based line. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** The resource a problem belongs to. */
export interface ResourceRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** One problem in the config: where, in which resource, at which field, and why. */
export interface ConfigIssue {
  readonly severity: Severity;
  /** A stable code for analysis findings (`IST0101`); absent for validation problems. */
  readonly code?: string;
  readonly message: string;
  /** The field path, such as `spec.http[0].timeout`; empty when the problem is the whole document. */
  readonly field: string;
  readonly location?: SourceLocation;
  readonly resource?: ResourceRef;
}

/** Builds an issue from a field path. */
export function createIssue(
  severity: Severity,
  path: FieldPath,
  message: string,
  extra: { location?: SourceLocation; resource?: ResourceRef; code?: string } = {},
): ConfigIssue {
  return { severity, message, field: formatPath(path), ...extra };
}

/**
 * Formats an issue as one line: `PATH:LINE: Kind namespace/name: field.path: message`. Parts that
 * are unknown are left out, and warnings and analysis codes are marked.
 */
export function formatIssue(issue: ConfigIssue): string {
  const parts: string[] = [];
  if (issue.location) parts.push(`${issue.location.file}:${issue.location.line}`);
  if (issue.resource) {
    const name = issue.resource.name || '<unnamed>';
    parts.push(`${issue.resource.kind} ${issue.resource.namespace}/${name}`);
  }
  if (issue.field) parts.push(issue.field);
  let message = issue.message;
  if (issue.code) message = `${message} [${issue.code}]`;
  if (issue.severity === 'warning') message = `warning: ${message}`;
  parts.push(message);
  return parts.join(': ');
}

/** True when any issue is an error. */
export function hasErrors(issues: readonly ConfigIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
