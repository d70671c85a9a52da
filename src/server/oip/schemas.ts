/** Open Inference Protocol V2 REST schemas (field names as the protocol's REST document gives them). */
import { Type } from "@sinclair/typebox";

/** $parameters: name → string | number | boolean. */
export const OipParameters = Type.Record(
  Type.String({ maxLength: 128 }),
  Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
);

export const OipServerMetadata = Type.Object({
  name: Type.String(),
  version: Type.String(),
  extensions: Type.Array(Type.String()),
});

export const OipLive = Type.Object({ live: Type.Boolean() });
export const OipReady = Type.Object({ ready: Type.Boolean() });
export const OipModelReady = Type.Object({ name: Type.String(), ready: Type.Boolean() });

const MetadataTensor = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer()),
});

export const OipModelMetadata = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String()),
  platform: Type.String(),
  inputs: Type.Array(MetadataTensor),
  outputs: Type.Array(MetadataTensor),
});

export const OipInferRequest = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: "^[^\\u0000-\\u001f\\u007f]+$" })),
    parameters: Type.Optional(OipParameters),
    inputs: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 256 }),
          shape: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 16 }),
          datatype: Type.String({ maxLength: 16 }),
          parameters: Type.Optional(OipParameters),
          data: Type.Array(Type.Unknown()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 256 },
    ),
    outputs: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 256 }), parameters: Type.Optional(OipParameters) },
          { additionalProperties: false },
        ),
        { maxItems: 256 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const OipInferResponse = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.String(),
  parameters: OipParameters,
  outputs: Type.Array(
    Type.Object({
      name: Type.String(),
      shape: Type.Array(Type.Integer()),
      datatype: Type.String(),
      // number | string ("NaN", "Infinity", 64-bit integers beyond 2^53) | boolean; left untyped so large
      // outputs serialise at JSON.stringify speed.
      data: Type.Array(Type.Unknown()),
    }),
  ),
});
