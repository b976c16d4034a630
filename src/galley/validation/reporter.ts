// The reporter that semantic validators write their findings to.
import type { FieldPath } from '../../api/index.js';
import type { Severity } from '../issue.js';

/** One semantic finding, at a field path from the resource root (`['spec', 'http', 0]`). */
export interface FieldProblem {
  readonly severity: Severity;
  readonly path: FieldPath;
  readonly message: string;
}

/** Collects every finding of a validator instead of stopping at the first. */
export class Reporter {
  readonly problems: FieldProblem[] = [];

  error(path: FieldPath, message: string): void {
    this.problems.push({ severity: 'error', path, message });
  }

  warning(path: FieldPath, message: string): void {
    this.problems.push({ severity: 'warning', path, message });
  }
}
