/**
 * The baseline: onnxruntime-node used directly, as a user who wants no audit would, with
 * onnxruntime's default session options except the thread count under test. Nothing of
 * zeq-np runs on this path.
 */
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { InputTensor, OutputTensor } from "../../src/execute/types.js";
import type { TensorData, TensorDtype } from "../../src/record/tensor-digest.js";

export class BareSession {
  private constructor(private readonly session: InferenceSession) {}

  /** @throws whatever onnxruntime throws for an unreadable model */
  static async open(path: string, threads: number): Promise<BareSession> {
    return new BareSession(await InferenceSession.create(path, { intraOpNumThreads: threads }));
  }

  /** Runs once; `ms` is the wall time of session.run alone. */
  async run(feeds: readonly InputTensor[]): Promise<{ ms: number; outputs: OutputTensor[] }> {
    const ort: Record<string, Tensor> = {};
    for (const f of feeds) ort[f.name] = new Tensor(f.dtype, f.data as never, f.shape);
    const start = performance.now();
    const result = await this.session.run(ort);
    const ms = performance.now() - start;
    const outputs: OutputTensor[] = this.session.outputNames.map((name) => {
      const t = result[name]!;
      return { name, dtype: t.type as TensorDtype, shape: [...t.dims], data: t.data as TensorData };
    });
    return { ms, outputs };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
