/**
 * The compile step and what surrounds it: the signed model card, bring-your-own ONNX
 * models, conformance against PyTorch, and verification of compiled models. The card
 * format, the cost model and the calibration method are documented in docs/compile.md.
 */
export { CompileError, type CompileErrorCode } from "./errors.js";
export {
  compileModel,
  CONFORMANCE_TARGET,
  ERROR_BUDGET,
  type CompileOptions,
  type CompileProgress,
  type CompileResult,
  type CompileStage,
} from "./compile.js";
export { addModel, REFERENCE_FILE, type AddModelOptions } from "./add.js";
export {
  formatConformanceTable,
  runConformance,
  type ConformanceOptions,
  type ConformanceResult,
  type ConformanceRow,
} from "./conformance.js";
export { verifyCompiledModel, listCompiledModels, type VerifyReport, type ListedModel } from "./verify.js";
export { calibrateBudgets, defaultCalibrationSizes, type BudgetCalibrationOptions } from "./calibration.js";
export {
  parseReferenceVectors,
  readReferenceVectors,
  vectorsMatchWeights,
  REFERENCE_VECTORS_FORMAT,
  type ReferenceVectors,
  type RefInput,
  type RefTensor,
} from "./reference-vectors.js";
export { runReferenceCheck, type ReferenceCheck } from "./reference-check.js";
export {
  compareTensor,
  summarizePrecision,
  top5Of,
  type PrecisionSummary,
  type TensorComparison,
} from "./precision.js";
export { readGraphNodes, type GraphNode } from "./graph-nodes.js";
export { makeLiveVectors, pythonHasTorch, SYSTEM_PYTHON } from "./python-reference.js";
export { seededImage, type ImageGenerator } from "./seeded-image.js";
