/**
 * Inference: the only part of zeq-np that imports onnxruntime-node. Sessions live in worker
 * threads (session.run is synchronous native code); the engine checks inputs against the
 * model, applies the CS43 latency and CS44 memory budgets before running, and answers with
 * outputs, timings, memory and the numeric environment a compute record states.
 *
 * @example
 * ```ts
 * const engine = await InferenceEngine.start({ workers: 2 });
 * const info = await engine.load("bert", "models/bert-base-uncased/1/model.onnx", {
 *   budgets: { latencyMs: { a: 20, b: 0.01 }, memoryBytes: { c: 64 << 20, d: 65536 } },
 * });
 * engine.admit("bert", 128, ["CS43"]);            // pure prediction, for a fast 503
 * const r = await engine.run("bert", {
 *   input_ids: { dtype: "int64", dims: [1, 128], data: ids },
 *   attention_mask: { dtype: "int64", dims: [1, 128], data: mask },
 *   token_type_ids: { dtype: "int64", dims: [1, 128], data: types },
 * }, { operators: ["KO42", "CS43", "CS44"], inputSize: 128 });
 * r.outputs.logits; r.runMs; r.latency.held; r.memory.peakBytes; r.environment;
 * await engine.close();
 * ```
 *
 * Budgets: T(n) = a + b·n·log2(n+1) ms and S(n) = c + d·n bytes (docs/budgets.md says how
 * each number is measured, how admission predicts, and what happens at the deadline).
 */
export { InferenceEngine } from "./engine.js";
export { refusalError } from "./run-result.js";
export {
  DeadlineExceededError,
  InferenceError,
  type InferenceErrorCode,
  type InferenceErrorDetails,
} from "./errors.js";
export {
  latencyAt,
  memoryAt,
  fitLatency,
  fitMemoryEnvelope,
  latencyBudgetFrom,
  memoryBudgetFrom,
  parseCoefficients,
} from "./budgets.js";
export { decideAdmission, predictWaitMs, type AdmissionInput, type LoadSnapshot } from "./admission.js";
export type { Calibration, CalibrationOptions } from "./calibrate.js";
export type { CalibrationSample } from "./protocol.js";
export { physicalCores, serverWorkers } from "./settings.js";
export type {
  Admission,
  BudgetConfig,
  CostModel,
  EngineOptions,
  EngineStats,
  Feeds,
  GraphOptimizationLevel,
  IoInfo,
  LatencyCoefficients,
  LatencyReport,
  LoadOptions,
  MemoryCoefficients,
  MemoryMethod,
  MemoryReport,
  ModelInfo,
  NumericEnvironment,
  Operator,
  PredictionSource,
  RunOptions,
  RunResult,
  SessionSettings,
  TensorData,
  TensorDtype,
  TensorValue,
} from "./types.js";
