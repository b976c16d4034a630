// hey at a fixed request rate: the latency figures at 1,000 rps. hey goes through the path's entry
// as an HTTP proxy (`-x`), so every path receives absolute-form requests, as with wrk.
import { execFile } from 'node:child_process';

export interface HeyResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly errors: number;
}

/** Parses hey's default report. */
export function parseHey(out: string): HeyResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p = (q: string) => Number(new RegExp(`^\\s+${q}%+ in ([\\d.]+) secs`, 'm').exec(out)?.[1] ?? NaN) * 1000;
  let ok = 0;
  let errors = 0;
  for (const m of out.matchAll(/\[(\d+)\]\s+(\d+) responses/g)) {
    if (m[1] === '200') ok += Number(m[2]);
    else errors += Number(m[2]);
  }
  const errorSection = out.split('Error distribution:')[1];
  if (errorSection) for (const m of errorSection.matchAll(/\[(\d+)\]/g)) errors += Number(m[1]);
  return { rps, p50Ms: p('50'), p99Ms: p('99'), ok, errors };
}

/**
 * Sends `GET url` through the proxy `proxyHostPort` at `rate` rps in total for `seconds`, over
 * `workers` keep-alive connections (hey's `-q` is per worker).
 */
export function runHey(proxyHostPort: string, url: string, rate: number, workers: number, seconds: number): Promise<HeyResult> {
  const args = ['-z', `${seconds}s`, '-c', String(workers), '-q', String(rate / workers), '-x', `http://${proxyHostPort}`, url];
  return new Promise((resolve, reject) => {
    execFile('hey', args, { timeout: (seconds + 30) * 1000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`hey ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      resolve(parseHey(stdout));
    });
  });
}
