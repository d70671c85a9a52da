/**
 * Regenerates onnx-descriptor.generated.ts from onnx.proto. Run after replacing onnx.proto:
 *   node --import tsx src/model/onnx/generate-descriptor.ts && npx prettier --write src/model/onnx
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { descriptorFromProtoSource } from "./proto-descriptor.js";

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
const descriptor = descriptorFromProtoSource(readFileSync(here("./onnx.proto"), "utf8"));
const text =
  "// Generated from onnx.proto by generate-descriptor.ts; do not edit by hand.\n" +
  'import type { INamespace } from "protobufjs";\n\n' +
  `export const ONNX_DESCRIPTOR: INamespace = ${JSON.stringify(descriptor, null, 2)};\n`;
writeFileSync(here("./onnx-descriptor.generated.ts"), text);
