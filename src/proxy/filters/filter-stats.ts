// Counters of the policy filters (`http.<prefix>.rbac.denied`, `tcp.rbac.allowed`, ...), published
// on a diagnostics channel so that stats sinks subscribe and the hot path pays nothing otherwise.
import diagnosticsChannel from 'node:diagnostics_channel';

/** One counter increment, named as Envoy names the stat. */
export interface FilterStatEvent {
  readonly name: string;
}

/** Published once per counter increment. */
export const filterStatChannel = diagnosticsChannel.channel('heddle:proxy:filter-stat');

/** Counts one occurrence of `name`. */
export function countFilterStat(name: string): void {
  if (filterStatChannel.hasSubscribers) filterStatChannel.publish({ name } satisfies FilterStatEvent);
}
