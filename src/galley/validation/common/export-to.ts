// `exportTo`: the namespaces a resource is visible to.
import type { FieldPath } from '../../../api/index.js';
import type { Reporter } from '../reporter.js';
import { checkDns1123Label } from './names.js';

/**
 * Reports invalid `exportTo` entries at `path`: each must be `.` (this namespace), `*` (all) or a
 * namespace name, without duplicates, and `*` stands alone. `~` (no one) is accepted only when
 * `allowNone` is set, as ServiceEntry allows, and then it also stands alone.
 */
export function checkExportTo(
  exportTo: readonly unknown[] | undefined,
  namespace: string,
  path: FieldPath,
  report: Reporter,
  opts: { allowNone?: boolean } = {},
): void {
  if (!exportTo) return;
  const seen = new Map<string, string>();
  exportTo.forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    const at = [...path, i];
    const key = entry === '.' ? namespace : entry;
    const first = seen.get(key);
    if (first !== undefined) {
      report.error(at, first === entry ? `duplicate entry "${entry}"` : `"." and "${namespace}" both name this namespace: list it once`);
      return;
    }
    seen.set(key, entry);
    if (entry === '.' || entry === '*') return;
    if (entry === '~') {
      if (!opts.allowNone) report.error(at, `"~" (visible to no one) is not allowed here: use ".", "*" or a namespace name`);
      return;
    }
    const bad = checkDns1123Label(entry);
    if (bad) report.error(at, `invalid exportTo entry: use ".", "*" or a namespace name; ${bad}`);
  });
  if (exportTo.length > 1) {
    if (exportTo.includes('*')) report.error(path, `"*" already exports to every namespace, so it must be the only entry`);
    if (opts.allowNone && exportTo.includes('~')) report.error(path, `"~" exports to no one, so it must be the only entry`);
  }
}
