/**
 * Progress of long model operations (building, hashing hundreds of megabytes): a bar per
 * stage on a terminal, or a plain line per 10 % when stderr is not a TTY (logs, CI).
 * Progress goes to stderr so stdout stays the command's result (and `--json` stays JSON).
 */
import cliProgress from "cli-progress";

export interface ProgressReporter {
  /** Reports `done` of `total` for a stage; a new stage ends the previous one. */
  update(stage: string, done: number, total: number, detail?: string): void;
  /** Announces a stage that has no byte count (one line, bar or not). */
  step(stage: string, message: string): void;
  /** Ends the current bar or line. */
  done(): void;
}

function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** A reporter for stderr; `quiet` reports nothing. */
export function progressReporter(quiet = false): ProgressReporter {
  if (quiet) return { update: () => {}, step: () => {}, done: () => {} };
  return process.stderr.isTTY ? barReporter() : lineReporter();
}

function barReporter(): ProgressReporter {
  let bar: cliProgress.SingleBar | null = null;
  let current = "";
  const done = (): void => {
    bar?.stop();
    bar = null;
    current = "";
  };
  return {
    update(stage, value, total, detail = "") {
      if (stage !== current) {
        done();
        current = stage;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${stage.padEnd(22)} [{bar}] {percentage}% | {size} | {detail}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), 0, { size: megabytes(total), detail: "" });
      }
      bar?.update(Math.min(value, Math.max(total, 1)), {
        size: megabytes(total),
        detail: detail.slice(0, 40),
      });
    },
    step(stage, message) {
      done();
      process.stderr.write(`${stage}: ${message}\n`);
    },
    done,
  };
}

function lineReporter(): ProgressReporter {
  let current = "";
  let lastDecile = -1;
  return {
    update(stage, value, total) {
      if (stage !== current) {
        current = stage;
        lastDecile = -1;
      }
      const decile = total > 0 ? Math.floor((10 * value) / total) : 10;
      if (decile === lastDecile) return;
      lastDecile = decile;
      process.stderr.write(`${stage}: ${decile * 10}% of ${megabytes(total)}\n`);
    },
    step(stage, message) {
      current = "";
      process.stderr.write(`${stage}: ${message}\n`);
    },
    done() {
      current = "";
    },
  };
}
