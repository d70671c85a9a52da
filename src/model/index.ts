/**
 * The model area: the on-disk repository and its metadata, the ONNX file format, and the
 * builders of the seed's reference models.
 */
export { ModelError, type ModelErrorCode } from "./errors.js";
export {
  MODEL_METADATA_SCHEMA,
  parseModelMetadata,
  serializeModelMetadata,
  validateModelMetadata,
  type ArchitectureConfig,
  type ArchitectureInfo,
  type ModelFile,
  type ModelMetadata,
  type Preprocessing,
  type Task,
  type TensorSpec,
} from "./metadata.js";
export {
  METADATA_FILE,
  listModels,
  loadModelMetadata,
  resolveModelDir,
  validateModelName,
  validateModelVersion,
} from "./repository.js";
export {
  BUILDABLE_MODELS,
  DEFAULT_SEED,
  architectureOf,
  buildModel,
  type BuildModelOptions,
  type BuildableModel,
  type ModelSize,
} from "./builders/build.js";
export * from "./onnx/index.js";
