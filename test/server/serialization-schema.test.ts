/**
 * Response schemas rewritten without unions (src/server/serialization-schema.ts): the rewrite
 * rules, no union left in the answers that carry records, and byte-for-byte the same
 * serialization as fast-json-stringify over the schemas as written, for real answers of every
 * prediction kind and of the Open Inference Protocol.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fastJson from "fast-json-stringify";
import sharp from "sharp";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { compileSerializer, serializationSchema } from "../../src/server/serialization-schema.js";
import { PlaygroundResponse } from "../../src/server/playground/schemas.js";
import { OipInferResponse } from "../../src/server/oip/schemas.js";
import { ComputeRecordSchema } from "../../src/record/schema.js";
import { BERT, GPT2, RESNET, appFor, jsonHeaders, openTestInstance, type TestInstance } from "./helpers.js";

let ti: TestInstance;
let app: FastifyInstance;

before(async () => {
  ti = await openTestInstance({ models: [BERT, GPT2, RESNET] });
  app = await appFor(ti.instance);
});

after(async () => {
  await app.close();
  await ti.close();
});

const unions = (schema: unknown): number => JSON.stringify(schema).match(/"(anyOf|oneOf)"/g)?.length ?? 0;

test("rewrite rules: nullable types, constants, objects; a union it cannot rewrite exactly is kept", () => {
  assert.deepEqual(serializationSchema(Type.Union([Type.Number(), Type.Null()])), {
    type: ["number", "null"],
  });
  assert.deepEqual(
    serializationSchema(Type.Union([Type.Array(Type.Number(), { maxItems: 3 }), Type.Null()])),
    { type: ["array", "null"], items: { type: "number" }, maxItems: 3 },
  );
  assert.deepEqual(serializationSchema(Type.Union([Type.Literal("a"), Type.Literal("b")])), {
    type: "string",
    enum: ["a", "b"],
  });
  const kinds = Type.Union([
    Type.Object({ kind: Type.Literal("x"), a: Type.Integer() }),
    Type.Object({ kind: Type.Literal("y"), b: Type.String(), a: Type.Integer() }),
  ]);
  assert.deepEqual(serializationSchema(kinds), {
    type: "object",
    properties: { kind: { type: "string", enum: ["x", "y"] }, a: { type: "integer" }, b: { type: "string" } },
    required: ["kind", "a"],
  });
  // The same property name with two different schemas: merging would be a guess.
  const clash = Type.Union([
    Type.Object({ v: Type.Integer() }),
    Type.Object({ v: Type.Array(Type.Integer()) }),
  ]);
  assert.equal(unions(serializationSchema(clash)), 1);
  // Constants of different types are not one enum: kept as written.
  assert.equal(unions(serializationSchema(Type.Union([Type.Literal("a"), Type.Literal(1)]))), 1);
});

test("the answers that carry records serialize without any union", () => {
  assert.ok(unions(PlaygroundResponse) > 20, "the schema as written is full of unions");
  for (const schema of [PlaygroundResponse, OipInferResponse, ComputeRecordSchema]) {
    assert.equal(unions(serializationSchema(schema)), 0);
  }
});

/** fast-json-stringify over the schema as written: what fastify did before the rewrite. */
const asWritten = (schema: unknown) => fastJson(schema as Parameters<typeof fastJson>[0]);

test("real answers of every prediction kind serialize to the same bytes as over the schemas as written", async () => {
  const rewritten = compileSerializer({ schema: PlaygroundResponse });
  const written = asWritten(PlaygroundResponse);
  const png = await sharp({
    create: { width: 40, height: 30, channels: 3, background: { r: 9, g: 80, b: 200 } },
  })
    .png()
    .toBuffer();
  const image = png.toString("base64");
  const ids = (name: string, data: number[]) => ({ name, shape: [1, 3], datatype: "INT64", data });
  const inputs: Record<string, unknown>[] = [
    { model: BERT, text: "The quick brown [MASK]." },
    { model: RESNET, image },
    { model: GPT2, prompt: "The quick brown fox", max_tokens: 3 },
    {
      model: BERT,
      tensors: [
        ids("input_ids", [101, 2000, 102]),
        ids("attention_mask", [1, 1, 1]),
        ids("token_type_ids", [0, 0, 0]),
      ],
    },
    // A batch with a bad element: results of both forms, one with an error.
    { model: RESNET, batch: [image, "AAECAwQ="] },
  ];
  const kinds = new Set<string>();
  for (const body of inputs) {
    const res = await app.inject({
      method: "POST",
      url: "/api/playground/compute",
      headers: jsonHeaders(),
      payload: JSON.stringify({ operators: ["KO42"], inputs: body }),
    });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json() as {
      prediction?: { kind: string };
      results?: { prediction?: { kind: string } }[];
    };
    if (answer.prediction) kinds.add(answer.prediction.kind);
    for (const r of answer.results ?? []) if (r.prediction) kinds.add(r.prediction.kind);
    assert.equal(rewritten(answer), written(answer), JSON.stringify(body));
    assert.equal(res.body, written(answer));
  }
  assert.deepEqual([...kinds].sort(), ["classes", "generation", "tensors", "tokens"]);
});

test("an Open Inference Protocol answer serializes to the same bytes as over the schema as written", async () => {
  const res = await app.inject({
    method: "POST",
    url: `/v2/models/${BERT}/infer`,
    headers: jsonHeaders(),
    payload: JSON.stringify({
      inputs: [
        { name: "input_ids", shape: [1, 3], datatype: "INT64", data: [101, 2000, 102] },
        { name: "attention_mask", shape: [1, 3], datatype: "INT64", data: [1, 1, 1] },
        { name: "token_type_ids", shape: [1, 3], datatype: "INT64", data: [0, 0, 0] },
      ],
    }),
  });
  assert.equal(res.statusCode, 200, res.body);
  const answer = res.json() as { parameters: Record<string, unknown> };
  const types = new Set(Object.values(answer.parameters).map((v) => typeof v));
  assert.ok(types.has("string") && types.has("number"), "parameters of several types");
  assert.equal(compileSerializer({ schema: OipInferResponse })(answer), asWritten(OipInferResponse)(answer));
});

test("fields a schema does not name are still left out", () => {
  const schema = Type.Object({ a: Type.Union([Type.Integer(), Type.Null()]) });
  assert.equal(compileSerializer({ schema })({ a: null, secret: "x" }), '{"a":null}');
  assert.equal(compileSerializer({ schema })({ a: 2, secret: "x" }), '{"a":2}');
});
