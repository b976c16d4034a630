// Workload selectors (`selector.matchLabels`, `workloadSelector.labels`).
import type { FieldPath } from '../../../api/index.js';
import type { Reporter } from '../reporter.js';
import { checkLabelKey, checkLabelValue } from './names.js';

/** Reports invalid label keys and values of a selector's label map at `path`. */
export function checkSelectorLabels(labels: Readonly<Record<string, unknown>> | undefined, path: FieldPath, report: Reporter): void {
  if (!labels) return;
  for (const [key, value] of Object.entries(labels)) {
    const badKey = checkLabelKey(key);
    if (badKey) report.error([...path, key], badKey);
    if (typeof value === 'string') {
      const badValue = checkLabelValue(value);
      if (badValue) report.error([...path, key], badValue);
    }
  }
}
