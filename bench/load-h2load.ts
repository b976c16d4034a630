// h2load, the HTTP/2 load tool: one cleartext (h2c, prior knowledge) run and its figures.
import { execFile } from 'node:child_process';

export interface H2loadResult {
  readonly rps: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The tool's own summary when nothing succeeded, to quote in the report. */
  readonly failure?: string;
}

/** Parses h2load's report. */
export function parseH2load(out: string): H2loadResult {
  const rps = Number(/finished in [\d.]+\w*, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN);
  const m = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  const succeeded = Number(m?.[1] ?? 0);
  const failed = Number(m?.[2] ?? 0) + Number(m?.[3] ?? 0) + Number(m?.[4] ?? 0);
  const status = /status codes: .*/.exec(out)?.[0] ?? '';
  return succeeded > 0 ? { rps, succeeded, failed } : { rps: 0, succeeded, failed, failure: `${m?.[0] ?? 'no requests'}; ${status}`.trim() };
}

/**
 * Runs h2load against `http://HOST:PORT/` with `:authority` set to `authority`, `connections`
 * connections with `streams` concurrent streams each, for `seconds` after a 1 s warm-up.
 */
export function runH2load(host: string, port: number, authority: string, connections: number, streams: number, seconds: number): Promise<H2loadResult> {
  const args = ['-c', String(connections), '-m', String(streams), '-D', String(seconds), '--warm-up-time=1', '-H', `:authority: ${authority}`, `http://${host}:${port}/`];
  return new Promise((resolve) => {
    execFile('h2load', args, { timeout: (seconds + 30) * 1000 }, (err, stdout, stderr) => {
      const parsed = parseH2load(stdout);
      if (err && parsed.succeeded === 0) resolve({ ...parsed, failure: `${parsed.failure ?? ''} ${err.message.split('\n')[0]} ${stderr.trim().slice(0, 200)}`.trim() });
      else resolve(parsed);
    });
  });
}
