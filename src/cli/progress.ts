/**
 * Progress on a terminal for long work (building models, hashing weights): a cli-progress
 * bar on a TTY, a line every few seconds otherwise (logs, CI).
 */
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function progress(title: string, unit: "bytes" | "items" = "bytes"): Progress {
  const fmt = (n: number) => (unit === "bytes" ? `${(n / 1048576).toFixed(1)} MiB` : String(n));
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update(done, total, label) {
        const now = Date.now();
        if (now - last < 2000 && done < total) return;
        last = now;
        process.stderr.write(`${title}: ${label} ${fmt(done)} / ${fmt(total)}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% {label} {doneText}/{totalText}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      const payload = { label, doneText: fmt(done), totalText: fmt(total) };
      if (!started) {
        bar.start(Math.max(total, 1), done, payload);
        started = true;
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
