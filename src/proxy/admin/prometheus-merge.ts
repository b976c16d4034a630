// Joins several Prometheus text expositions into one (the agent's merged metrics on 15020), so that
// each metric family appears once, with one HELP and one TYPE line.

/** The sample suffixes that belong to a family declared under its base name. */
const FAMILY_SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

/** The metric name a sample line starts with: everything before `{` or the first blank. */
function sampleName(line: string): string {
  let end = 0;
  while (end < line.length && line[end] !== '{' && line[end] !== ' ' && line[end] !== '\t') end++;
  return line.slice(0, end);
}

function belongsTo(sample: string, family: string): boolean {
  if (sample === family) return true;
  if (!sample.startsWith(family)) return false;
  return FAMILY_SUFFIXES.includes(sample.slice(family.length));
}

/** The family a `# HELP name …` or `# TYPE name …` line declares; undefined for other comments. */
function declaredFamily(line: string): string | undefined {
  if (!line.startsWith('# HELP ') && !line.startsWith('# TYPE ')) return undefined;
  const rest = line.slice(7);
  const blank = rest.indexOf(' ');
  return blank < 0 ? rest : rest.slice(0, blank);
}

/**
 * Concatenates `sections` in order, one line per line, ending with a newline. A metric family
 * (its HELP and TYPE lines and its samples) that an earlier section already holds is left out
 * of the later one, so the result never declares a family twice. Blank lines are dropped; other
 * comments stay with the family they follow.
 */
export function mergePrometheusText(sections: readonly string[]): string {
  const earlier = new Set<string>();
  let out = '';
  for (const section of sections) {
    const here = new Set<string>();
    let family: string | undefined;
    let keep = true;
    for (const line of section.split('\n')) {
      if (line.trim() === '') continue;
      let name: string | undefined;
      if (line.startsWith('#')) name = declaredFamily(line);
      else {
        const sample = sampleName(line);
        name = family !== undefined && belongsTo(sample, family) ? family : sample;
      }
      if (name !== undefined && name !== family) {
        family = name;
        keep = !earlier.has(name);
        here.add(name);
      }
      if (keep) out += `${line}\n`;
    }
    for (const name of here) earlier.add(name);
  }
  return out;
}
