// Picks the upstream cluster of a route action: its lone cluster, or one of its weighted clusters
// with probability proportional to the relative weights.
import type { RouteAction, WeightedCluster } from '../config/route.js';

/**
 * The cluster for one request. A lone cluster is returned without drawing; otherwise `random`
 * (uniform in [0, 1)) is drawn once and the weights, which need not sum to 100, split [0, total).
 * Zero-weight clusters never win unless every weight is zero, when the first cluster is used.
 * Throws when the action has no cluster: the decoder must not produce one.
 */
export function pickWeightedCluster(action: RouteAction, random: () => number): WeightedCluster {
  const clusters = action.clusters;
  if (clusters.length === 1) return clusters[0]!;
  if (clusters.length === 0) throw new Error('route action has no cluster');
  const total = action.totalWeight;
  if (!(total > 0)) return clusters[0]!;
  let point = Math.floor(random() * total);
  for (let i = 0; i < clusters.length; i++) {
    const c = clusters[i]!;
    if (point < c.weight) return c;
    point -= c.weight;
  }
  // Only reachable when totalWeight overstates the weights; the last one with weight takes the rest.
  for (let i = clusters.length - 1; i >= 0; i--) if (clusters[i]!.weight > 0) return clusters[i]!;
  return clusters[0]!;
}
