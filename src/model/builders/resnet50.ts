/**
 * ResNet-50 exactly as torchvision's `resnet50()` (v1.5: the stride sits on the 3×3 conv of
 * each bottleneck), in eval mode. Initializer names are torchvision's state_dict keys, and
 * BatchNormalization keeps its four tensors unfolded so the names map one to one.
 * Initialisation as torchvision: kaiming_normal_(mode="fan_out", nonlinearity="relu") for
 * convolutions, BatchNorm weight 1 and bias 0 (running mean 0, variance 1), and the Linear
 * default uniform(±1/√fan_in) for the classifier's weight and bias.
 */
import { GraphBuilder } from "./graph-builder.js";
import { gemm } from "./layers.js";
import type { ArchitectureBuild } from "./architecture.js";
import { WeightSet } from "./weights.js";

export interface ResNetConfig {
  /** Bottleneck blocks per stage (torchvision resnet50: [3, 4, 6, 3]). */
  blocks: [number, number, number, number];
  /** Channels of the stem and of the first stage's bottleneck (torchvision: 64). */
  width: number;
  num_classes: number;
  image_size: number;
}

export const RESNET50_BASE: ResNetConfig = {
  blocks: [3, 4, 6, 3],
  width: 64,
  num_classes: 1000,
  image_size: 224,
};
export const RESNET50_TINY: ResNetConfig = {
  blocks: [1, 1, 1, 1],
  width: 8,
  num_classes: 1000,
  image_size: 224,
};

const EXPANSION = 4;
const BN_EPSILON = 1e-5;

export function buildResNet50(config: ResNetConfig): ArchitectureBuild {
  const w = new WeightSet();
  const conv = (name: string, outCh: number, inCh: number, k: number): string =>
    w.add(name, [outCh, inCh, k, k], { kind: "normal", std: Math.sqrt(2 / (outCh * k * k)) });
  const bn = (prefix: string, channels: number): void => {
    w.add(`${prefix}.weight`, [channels], { kind: "constant", value: 1 });
    w.add(`${prefix}.bias`, [channels], { kind: "constant", value: 0 });
    w.add(`${prefix}.running_mean`, [channels], { kind: "constant", value: 0 }, "buffer");
    w.add(`${prefix}.running_var`, [channels], { kind: "constant", value: 1 }, "buffer");
  };

  // Weights first, in torchvision's state_dict order.
  conv("conv1.weight", config.width, 3, 7);
  bn("bn1", config.width);
  const stages: Array<{ prefix: string; planes: number; stride: number; downsample: boolean }[]> = [];
  let inplanes = config.width;
  config.blocks.forEach((count, s) => {
    const planes = config.width * 2 ** s;
    const blocks = [];
    for (let i = 0; i < count; i++) {
      const prefix = `layer${s + 1}.${i}`;
      const stride = i === 0 && s > 0 ? 2 : 1;
      const downsample = i === 0 && (stride !== 1 || inplanes !== planes * EXPANSION);
      conv(`${prefix}.conv1.weight`, planes, inplanes, 1);
      bn(`${prefix}.bn1`, planes);
      conv(`${prefix}.conv2.weight`, planes, planes, 3);
      bn(`${prefix}.bn2`, planes);
      conv(`${prefix}.conv3.weight`, planes * EXPANSION, planes, 1);
      bn(`${prefix}.bn3`, planes * EXPANSION);
      if (downsample) {
        conv(`${prefix}.downsample.0.weight`, planes * EXPANSION, inplanes, 1);
        bn(`${prefix}.downsample.1`, planes * EXPANSION);
      }
      inplanes = planes * EXPANSION;
      blocks.push({ prefix, planes, stride, downsample });
    }
    stages.push(blocks);
  });
  const bound = 1 / Math.sqrt(inplanes);
  w.add("fc.weight", [config.num_classes, inplanes], { kind: "uniform", bound });
  w.add("fc.bias", [config.num_classes], { kind: "uniform", bound });

  const b = new GraphBuilder("resnet50", w.names());
  const convOp = (x: string, weight: string, k: number, stride: number): string =>
    b.op("Conv", [x, weight], {
      kernel_shape: { ints: [k, k] },
      strides: { ints: [stride, stride] },
      pads: { ints: Array(4).fill(Math.floor(k / 2)) },
    });
  const bnOp = (x: string, prefix: string): string =>
    b.op(
      "BatchNormalization",
      [x, `${prefix}.weight`, `${prefix}.bias`, `${prefix}.running_mean`, `${prefix}.running_var`],
      { epsilon: { f: BN_EPSILON }, momentum: { f: 0.9 } },
    );
  const relu = (x: string): string => b.op("Relu", [x]);

  const pixels = b.input("pixel_values", "float32", ["batch", 3, config.image_size, config.image_size]);
  let x = b.scoped("stem", () => {
    const y = relu(bnOp(convOp(pixels, "conv1.weight", 7, 2), "bn1"));
    return b.op("MaxPool", [y], {
      kernel_shape: { ints: [3, 3] },
      strides: { ints: [2, 2] },
      pads: { ints: [1, 1, 1, 1] },
    });
  });
  for (const blocks of stages) {
    for (const blk of blocks) {
      x = b.scoped(blk.prefix, () => {
        const p = blk.prefix;
        let y = relu(bnOp(convOp(x, `${p}.conv1.weight`, 1, 1), `${p}.bn1`));
        y = relu(bnOp(convOp(y, `${p}.conv2.weight`, 3, blk.stride), `${p}.bn2`));
        y = bnOp(convOp(y, `${p}.conv3.weight`, 1, 1), `${p}.bn3`);
        const identity = blk.downsample
          ? bnOp(convOp(x, `${p}.downsample.0.weight`, 1, blk.stride), `${p}.downsample.1`)
          : x;
        return relu(b.op("Add", [y, identity]));
      });
    }
  }
  const logits = b.scoped("head", () => {
    const pooled = b.op("Flatten", [b.op("GlobalAveragePool", [x])], { axis: { i: 1 } });
    return gemm(b, pooled, "fc.weight", "fc.bias", true);
  });
  b.output("logits", "float32", ["batch", config.num_classes], logits);

  return {
    weights: w,
    graphs: [{ file: "model.onnx", graph: b.finish() }],
    task: "image-classification",
    preprocessing: {
      kind: "imagenet",
      resize: 256,
      crop: config.image_size,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    },
    config: { ...config, blocks: [...config.blocks] },
    ...(config.num_classes === 1000 ? { labels: "imagenet-1k" as const } : {}),
  };
}
