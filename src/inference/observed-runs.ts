/**
 * The last runs of one model (input size, session.run ms). Fitted to T(n) on demand, they are
 * the latency prediction of last resort when nothing was configured or calibrated, so the
 * queue-wait estimate has numbers for every model that has run at least once. Against a
 * configured or calibrated T(n), they say how far this machine, now, is from it.
 */

/** Fewer runs than this say nothing reliable about a high percentile. */
export const MIN_RUNS_FOR_QUANTILE = 8;
import { fitLatency, latencyAt } from "./budgets.js";
import type { LatencyCoefficients } from "./types.js";

export class ObservedRuns {
  private readonly sizes: number[] = [];
  private readonly times: number[] = [];
  private next = 0;
  private fitted: LatencyCoefficients | null = null;
  private stale = false;

  constructor(private readonly window: number) {}

  add(n: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.sizes.length < this.window) {
      this.sizes.push(n);
      this.times.push(ms);
    } else {
      this.sizes[this.next] = n;
      this.times[this.next] = ms;
      this.next = (this.next + 1) % this.window;
    }
    this.stale = true;
  }

  /**
   * The q-quantile of observed ÷ predicted run time over the window, or null with fewer than
   * MIN_RUNS_FOR_QUANTILE runs. Admission plans with T(n) times the 0.9-quantile: runs vary
   * (a shared machine, cache state), and a plan from the median would admit calls that then
   * miss their deadline about half the time the queue is tight.
   */
  ratioQuantile(cost: LatencyCoefficients, q: number): number | null {
    if (this.sizes.length < MIN_RUNS_FOR_QUANTILE) return null;
    const ratios: number[] = [];
    for (let i = 0; i < this.sizes.length; i++) {
      const predicted = latencyAt(cost, this.sizes[i]!);
      if (predicted > 0) ratios.push(this.times[i]! / predicted);
    }
    if (ratios.length < MIN_RUNS_FOR_QUANTILE) return null;
    ratios.sort((x, y) => x - y);
    return ratios[Math.min(ratios.length - 1, Math.ceil(q * ratios.length) - 1)]!;
  }

  /** The least-squares T(n) over the window, or null before the first run. */
  fit(): LatencyCoefficients | null {
    if (this.stale) {
      this.fitted = fitLatency(this.sizes.map((n, i) => ({ n, ms: this.times[i]! })));
      this.stale = false;
    }
    return this.fitted;
  }
}
