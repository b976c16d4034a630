// Test helpers for validators: YAML in, formatted problems out.
import { parseConfigText, issuesOf } from '../parse/index.js';
import type { ConfigIssue } from '../issue.js';

/** Every issue for the YAML text, as `field: message` strings (warnings prefixed `warning: `). */
export function problemsOf(yaml: string): string[] {
  return issuesOf(parseConfigText(yaml, 'test.yaml')).map(describe);
}

/** Only the errors for the YAML text, as `field: message` strings. */
export function errorsOf(yaml: string): string[] {
  return issuesOf(parseConfigText(yaml, 'test.yaml'))
    .filter((i) => i.severity === 'error')
    .map(describe);
}

function describe(i: ConfigIssue): string {
  return `${i.severity === 'warning' ? 'warning: ' : ''}${i.field}: ${i.message}`;
}
