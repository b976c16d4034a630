// Plain-text tables for the CLI, laid out as istioctl lays out its own: left-aligned columns.

/** A table: a header row and data rows of the same width. */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Formats `table` with columns padded to their widest cell and separated by `gap` spaces. */
export function formatTable(table: Table, gap = 3): string {
  const all = [table.headers, ...table.rows];
  const widths = table.headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + gap)))
      .join('')
      .trimEnd();
  return `${all.map(line).join('\n')}\n`;
}
