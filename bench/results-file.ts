// bench/RESULTS.md across partial runs: a run of some benchmarks replaces their sections and keeps
// the sections of the benchmarks it did not run.
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
 * The sections to write: every new section, plus each previous section whose family no new
 * section has, in their previous order first.
 */
export function mergeSections(path: string, fresh: readonly { title: string; text: string }[]): string[] {
  const freshFamilies = new Set(fresh.map((s) => family(s.title)));
  const kept = [...previousSections(path)].filter(([title]) => !freshFamilies.has(family(title))).map(([, text]) => text);
  return [...kept, ...fresh.map((s) => s.text)];
}
