// Builders for the Istio YAML the proxyless e2e tests apply, and a helper that applies it to a
// running control plane's config directory and waits until it is served.
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** An Echo service with one endpoint per version, all on loopback. */
export function echoServiceEntry(host: string, port: number, endpoints: Record<string, number>): string {
  const eps = Object.entries(endpoints)
    .map(([version, p]) => `  - address: 127.0.0.1\n    ports: {grpc: ${p}}\n    labels: {app: echo, version: ${version}}`)
    .join('\n');
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: echo}
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {number: ${port}, name: grpc, protocol: GRPC}
  endpoints:
${eps}
`;
}

/** Writes `files` into `dir` atomically (write then rename), so a watcher never sees half a file. */
export async function writeConfig(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const tmp = join(dir, `.${name}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(dir, name));
  }
}

/** Polls `check` every 50 ms for at most `ms`; resolves with its first truthy result. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
