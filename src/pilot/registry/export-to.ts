// Istio's exportTo: which namespaces see a service, VirtualService or DestinationRule.

/**
 * The namespaces a resource of `namespace` is exported to: `*` for all (the default when the list
 * is missing or empty), `.` becomes `namespace`, and `~` (exported nowhere) is dropped, so `['~']`
 * gives an empty list.
 */
export function normalizeExportTo(exportTo: readonly string[] | undefined, namespace: string): readonly string[] {
  if (!exportTo || exportTo.length === 0) return PUBLIC;
  const out = new Set<string>();
  for (const e of exportTo) {
    if (e === '~') continue;
    out.add(e === '.' ? namespace : e);
  }
  return Object.freeze([...out]);
}

/** True when a normalized exportTo list lets `namespace` see the resource. */
export function isExportedTo(exportTo: readonly string[], namespace: string): boolean {
  for (const e of exportTo) if (e === '*' || e === namespace) return true;
  return false;
}

const PUBLIC: readonly string[] = Object.freeze(['*']);
