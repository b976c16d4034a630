// A histogram family with plain-number series, read by a prom-client Registry only when it is scraped.
import type { Metric, Registry } from 'prom-client';
import { labelsOf } from './metric-counter.js';

/** One labelled series: per-bucket (not cumulative) counts, the last slot for +Inf. */
export interface HistogramSeries {
  readonly counts: Float64Array;
  sum: number;
  count: number;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A histogram family; see CounterFamily for why it bypasses prom-client's children. Observing is
 * a scan of the bucket bounds and three additions.
 */
export class HistogramFamily {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    /** Upper bounds (`le`), ascending. */
    readonly buckets: readonly number[],
  ) {}

  /** The series for `labelValues` (in label-name order), created empty the first time. */
  seriesFor(labelValues: readonly string[]): HistogramSeries {
    const key = labelValues.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0, labels: labelsOf(this.labelNames, labelValues) };
      this.series.set(key, s);
    }
    return s;
  }

  /** Records `value` in `series`, which must come from this family. */
  observe(series: HistogramSeries, value: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    series.counts[i]!++;
    series.sum += value;
    series.count++;
  }

  /** Registers the family in `registry`, which reads only `name`, `help`, `type`, `get()` and `reset()`. */
  registerIn(registry: Registry): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  /** The family in prom-client's metric-object shape: cumulative `_bucket` rows, then `_sum` and `_count`. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string | number>; value: number; metricName: string }[] }> {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ labels: { ...s.labels, le: i < this.buckets.length ? this.buckets[i]! : '+Inf' }, value: cumulative, metricName: bucket });
      }
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Empties every series (cached series stay valid). */
  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
