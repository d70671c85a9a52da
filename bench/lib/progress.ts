/**
 * Progress of a long benchmark step on stderr: a cli-progress bar on a terminal, a line
 * every few seconds otherwise (logs, CI), so a run never looks hung.
 */
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function progress(title: string): Progress {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update(done, total, label) {
        const now = Date.now();
        if (now - last < 3000 && done < total) return;
        last = now;
        process.stderr.write(`${title}: ${done}/${total} ${label}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% {value}/{total} {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(Math.max(total, 1), done, { label });
        started = true;
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { label });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
