/**
 * The last runs of one model (input size, session.run ms), fitted to T(n) on demand: the
 * latency prediction of last resort when nothing was configured or calibrated, so the
 * queue-wait estimate has numbers for every model that has run at least once.
 */
import { fitLatency } from "./budgets.js";
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

  /** The least-squares T(n) over the window, or null before the first run. */
  fit(): LatencyCoefficients | null {
    if (this.stale) {
      this.fitted = fitLatency(this.sizes.map((n, i) => ({ n, ms: this.times[i]! })));
      this.stale = false;
    }
    return this.fitted;
  }
}
