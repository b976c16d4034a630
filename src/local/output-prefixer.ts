// Each process's output, line by line, behind its name: `productpage-v1  | listening on 9080`,
// the names coloured when the output is a terminal.
const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92, 94];

export interface OutputPrefixer {
  /** A writer of one line for the process called `name`. */
  forProcess(name: string): (line: string) => void;
  /** A line from `heddle up` itself. */
  note(line: string): void;
}

/** Writes to `write`, names padded to `width`; `colour` adds ANSI colours (one per process). */
export function createOutputPrefixer(write: (text: string) => void, opts: { colour: boolean; width: number }): OutputPrefixer {
  let next = 0;
  const paint = (code: number, text: string) => (opts.colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    forProcess(name) {
      const code = COLOURS[next++ % COLOURS.length]!;
      const prefix = `${paint(code, name.padEnd(opts.width))} | `;
      return (line) => write(`${prefix}${line}\n`);
    },
    note(line) {
      write(`${paint(1, 'heddle up'.padEnd(opts.width))} | ${line}\n`);
    },
  };
}
