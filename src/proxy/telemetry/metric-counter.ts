// A counter family with plain-number series, read by a prom-client Registry only when it is scraped.
import type { Metric, Registry } from 'prom-client';

/** One labelled series of a counter; add to `value` directly on the hot path. */
export interface CounterSeries {
  value: number;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A counter family. prom-client's own children re-validate and re-hash every label on each
 * increment, which costs microseconds with Istio's 25 labels; here a series is found once (the
 * caller caches it) and an increment is an addition. The registry renders it like any counter.
 */
export class CounterFamily {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, CounterSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  /** The series for `labelValues` (in label-name order), created at zero the first time. */
  seriesFor(labelValues: readonly string[]): CounterSeries {
    const key = labelValues.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { value: 0, labels: labelsOf(this.labelNames, labelValues) };
      this.series.set(key, s);
    }
    return s;
  }

  /** Registers the family in `registry`, which reads only `name`, `help`, `type`, `get()` and `reset()`. */
  registerIn(registry: Registry): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  /** The family in prom-client's metric-object shape. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string>; value: number }[] }> {
    const values = [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Zeroes every series (cached series stay valid). */
  reset(): void {
    for (const s of this.series.values()) s.value = 0;
  }
}

/** The label object for `values` in `names` order. */
export function labelsOf(names: readonly string[], values: readonly string[]): Readonly<Record<string, string>> {
  const labels: Record<string, string> = {};
  names.forEach((n, i) => (labels[n] = values[i] ?? ''));
  return Object.freeze(labels);
}
