/** What an architecture builder hands to the model writer. */
import type { BuiltGraph } from "./graph-builder.js";
import type { WeightSet } from "./weights.js";
import type { ArchitectureConfig, Preprocessing, Task } from "../metadata.js";
import type { LabelList } from "./label-files.js";

export interface ArchitectureBuild {
  /** Every initializer, in external-data order; shared by all graphs of the model. */
  weights: WeightSet;
  /** The ONNX files to write; the first is model.onnx. */
  graphs: Array<{ file: string; graph: BuiltGraph }>;
  task: Task;
  preprocessing: Preprocessing;
  /** The architecture's hyper-parameters, recorded in model.json. */
  config: ArchitectureConfig;
  /** Class names copied into the model folder as labels.txt, if the task has classes. */
  labels?: LabelList;
}
