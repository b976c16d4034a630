// Checks each path of the proxy rig once with curl before it is measured, so a broken path is
// reported as such instead of as a fast stream of errors.
import { spawnSync } from 'node:child_process';

export interface SmokeResult {
  readonly ok: boolean;
  /** Status line and body, or curl's error. */
  readonly detail: string;
}

/** `curl -x PROXY URL` (or without a proxy when `proxy` is empty): 200 with the upstream's body passes. */
export function smokeHttp(proxy: string, url: string, extra: readonly string[] = []): SmokeResult {
  const args = ['-sS', '-i', '--max-time', '5', ...(proxy ? ['-x', proxy] : []), ...extra, url];
  const r = spawnSync('curl', args, { encoding: 'utf8', timeout: 10_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  const status = /^HTTP\/[\d.]+ (\d+)/.exec(out)?.[1];
  return { ok: r.status === 0 && status === '200' && out.endsWith('hello world'), detail: out.split('\r\n')[0]! + (out.includes('hello world') ? ' (body ok)' : ` ${out.slice(-200)}`) };
}
