// Label selectors as Istio applies them: every selector label present with the same value.

/** A label selector; an empty or missing one selects everything. */
export type LabelSelector = Readonly<Record<string, string>>;

/** True when every label of `selector` is on `labels` with the same value. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const key in selector) {
    if (labels[key] !== selector[key]) return false;
  }
  return true;
}
