import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { descriptorFromProtoSource } from "../../../src/model/onnx/proto-descriptor.js";
import { ONNX_DESCRIPTOR } from "../../../src/model/onnx/onnx-descriptor.generated.js";

const protoPath = new URL("../../../src/model/onnx/onnx.proto", import.meta.url);

test("the committed descriptor is exactly what onnx.proto parses to", () => {
  const fresh = descriptorFromProtoSource(readFileSync(protoPath, "utf8"));
  // On failure: node --import tsx src/model/onnx/generate-descriptor.ts
  assert.deepEqual(ONNX_DESCRIPTOR, JSON.parse(JSON.stringify(fresh)));
});

test("onnx.proto keeps its license header and is proto2 package onnx", () => {
  const text = readFileSync(protoPath, "utf8");
  assert.match(text, /SPDX-License-Identifier: Apache-2\.0/);
  assert.match(text, /syntax = "proto2";/);
  assert.match(text, /^package onnx;$/m);
});
