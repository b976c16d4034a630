// bench/RESULTS.md across partial runs: a run of some benchmarks replaces their sections where they
// stood and keeps the sections of the benchmarks it did not run.
import { existsSync, readFileSync } from 'node:fs';

/** Sections (`### title` to the next `### `) of the Markdown at `path`, keyed by title; none if absent. */
function previousSections(path: string): Map<string, string> {
  const sections = new Map<string, string>();
  if (!existsSync(path)) return sections;
  const parts = readFileSync(path, 'utf8').split(/^(?=### )/m).slice(1);
  // Trailing blank lines are the separator the writer adds back; dropped so reruns do not grow them.
  for (const part of parts) sections.set(part.slice(4, part.indexOf('\n')), `${part.trimEnd()}\n`);
  return sections;
}

/** The title's family: the text before its first parenthesis, so a retitled run still replaces it. */
const family = (title: string) => title.split('(')[0]!.trim();

/**
 * The sections to write: the previous sections in their order, each replaced in place by the new
 * sections of its family when there are any, then the new sections of families not seen before.
 */
export function mergeSections(path: string, fresh: readonly { title: string; text: string }[]): string[] {
  const freshFamilies = new Set(fresh.map((s) => family(s.title)));
  const placed = new Set<string>();
  const merged: string[] = [];
  const place = (f: string) => {
    if (placed.has(f)) return;
    placed.add(f);
    merged.push(...fresh.filter((s) => family(s.title) === f).map((s) => s.text));
  };
  for (const [title, text] of previousSections(path)) {
    const f = family(title);
    if (freshFamilies.has(f)) place(f);
    else merged.push(text);
  }
  for (const s of fresh) place(family(s.title));
  return merged;
}
