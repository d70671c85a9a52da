export {
  PULSE_HZ,
  pulseAt,
  readPulse,
  systemClock,
  ManualClock,
  type Clock,
  type PulseReading,
} from "./hulya-pulse.js";
