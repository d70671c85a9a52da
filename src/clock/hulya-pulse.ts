/**
 * HulyaPulse, the reference clock of KO42 (temporal binding): a pulse at 1.287 Hz with
 * phase 0 at the Unix epoch. One pulse period is a Zeqond (1/1.287 s ≈ 0.777 s).
 *
 * - `zeqond`: the Unix time of the call in seconds, millisecond precision (1745123600.542);
 * - `zeqond_index`: floor(unix_s × 1.287), the number of whole pulses since the epoch;
 * - `phase_at_inference`: frac(unix_s × 1.287), in [0, 1).
 *
 * All three are derived from one integer millisecond reading, in integer arithmetic where
 * it matters, so a verifier recomputes exactly the values a record carries.
 */

/** Pulses per second. */
export const PULSE_HZ = 1.287;
/** PULSE_HZ as a ratio of integers: 1287 pulses every 1000 s. */
const PULSES_PER_KILOSECOND = 1287n;
const MS_PER_KILOSECOND = 1_000_000n;

export interface PulseReading {
  /** Unix milliseconds the reading was taken from. */
  unixMs: number;
  /** Unix seconds with millisecond precision. */
  zeqond: number;
  zeqondIndex: number;
  /** frac(unix_s × 1.287) in [0, 1); exact, since unix_ms × 1287 / 10^6 has at most six decimals. */
  phase: number;
}

/** A source of wall-clock time, injectable so tests and replays are deterministic. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that returns a fixed time, advanced explicitly; for tests. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  nowMs(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * The pulse reading at an instant.
 * @throws {RangeError} when unixMs is not a non-negative safe integer
 * @example pulseAt(1745123600542) // { unixMs: 1745123600542, zeqond: 1745123600.542, zeqondIndex: 2245974073, phase: 0.897554 }
 */
export function pulseAt(unixMs: number): PulseReading {
  if (!Number.isSafeInteger(unixMs) || unixMs < 0) {
    throw new RangeError(`unixMs must be a non-negative integer number of milliseconds, got ${unixMs}`);
  }
  // pulses = unix_ms × 1287 / 1_000_000, exactly, as a rational number.
  const scaled = BigInt(unixMs) * PULSES_PER_KILOSECOND;
  const index = scaled / MS_PER_KILOSECOND;
  const remainder = scaled % MS_PER_KILOSECOND; // phase = remainder / 1e6, exact to 1e-6
  return {
    unixMs,
    zeqond: unixMs / 1000,
    zeqondIndex: Number(index),
    phase: Number(remainder) / 1_000_000,
  };
}

/** Reads `clock` and returns the pulse reading for now. */
export function readPulse(clock: Clock = systemClock): PulseReading {
  return pulseAt(Math.floor(clock.nowMs()));
}
