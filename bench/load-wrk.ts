// wrk, the saturating HTTP/1.1 load tool: one run and its figures. Every path gets the same Lua
// script, which sends absolute-form requests (`GET http://reviews:9080/`), as an HTTP-proxy client
// does; a plain server and nginx take them as well.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Socket errors plus non-2xx/3xx responses. */
  readonly errors: number;
  readonly requests: number;
}

/**
 * Writes the Lua script that makes wrk send `GET http://HOST:PORT/` with `Host: HOST:PORT`, and
 * returns its path (one file per authority and process; the caller removes it).
 */
export function writeAbsoluteFormScript(authority: string): string {
  const path = join(tmpdir(), `heddle-bench-wrk-${process.pid}-${authority.replace(/[^a-z0-9.-]/gi, '_')}.lua`);
  writeFileSync(path, `wrk.method = "GET"\nwrk.path = "http://${authority}/"\nwrk.headers["Host"] = "${authority}"\n`);
  return path;
}

function toMs(value: string, unit: string): number {
  const v = Number(value);
  return unit === 'us' ? v / 1000 : unit === 's' ? v * 1000 : unit === 'm' ? v * 60_000 : v;
}

/** Parses wrk's `--latency` report. */
export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p = (q: string) => {
    const m = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  return { rps, p50Ms: p('50'), p99Ms: p('99'), errors: socketErrors + non2xx, requests };
}

/** Runs `wrk -t1 -cCONNS -dSECONDS --latency -s SCRIPT http://HOST:PORT/`. */
export function runWrk(host: string, port: number, script: string, seconds: number, connections: number): Promise<WrkResult> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '2s', '-s', script, `http://${host}:${port}/`];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      resolve(parseWrk(stdout));
    });
  });
}
