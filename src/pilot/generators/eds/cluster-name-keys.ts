// Parsed cluster names kept between requests: a proxy asks for the same thousands of EDS names
// every push, and a parsed name's host is then one string whose hash is worked out once.
import { parseClusterName, type ClusterKey } from '../../../xds/index.js';

/** How many names are kept; past that the table starts again, as the mesh has changed that much. */
export const MAX_CLUSTER_NAMES = 100_000;

const keys = new Map<string, ClusterKey | null>();

/** parseClusterName's answer for `name`, kept per name (null for a name that is no service cluster). */
export function clusterKeyOf(name: string): ClusterKey | undefined {
  let key = keys.get(name);
  if (key === undefined) {
    if (keys.size >= MAX_CLUSTER_NAMES) keys.clear();
    key = parseClusterName(name) ?? null;
    keys.set(name, key && Object.freeze(key));
  }
  return key ?? undefined;
}
