// Loads the control plane's `--mesh-config` file: Istio's MeshConfig YAML into Pilot's MeshConfig.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { MeshConfig } from '../pilot/model/mesh-config.js';
import { parseMeshConfig } from '../pilot/model/parse-mesh-config.js';

/**
 * Reads and parses the MeshConfig YAML at `path` over Istio's defaults. Throws, naming the file
 * and every bad field (`mesh.yaml: extensionProviders[0].port: ...`), when it cannot be read, is
 * not YAML, or holds an unknown or invalid field.
 */
export function readMeshConfigFile(path: string): MeshConfig {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read the mesh config: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const result = parseMeshConfig(doc);
  if (!result.ok) {
    throw new Error(`invalid mesh config ${path}:\n${result.issues.map((i) => `${path}: ${i.path || '(document)'}: ${i.message}`).join('\n')}`);
  }
  return result.config;
}
