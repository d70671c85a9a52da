/**
 * Response schemas as the serializer should see them. fast-json-stringify writes a union
 * (anyOf) by validating the value against each branch with Ajv, compiled on first use: for
 * the playground's answer (a compute record is full of nullable fields) that first compile
 * took ~560 ms, which the first caller of each route waited for, and every later answer paid
 * a validation per union. The same shapes without anyOf serialize to the same bytes and need
 * no validator:
 *
 *   - a union of branches with distinct plain types (T | null, integer | string) becomes one
 *     schema with a type array;
 *   - a union of constants of one type becomes an enum: the serializer writes the value
 *     (a `const` it would write as that constant, right for one branch only);
 *   - a union of objects becomes one object with every branch's properties, when no property
 *     name has two different schemas across branches (a discriminator such as `kind` becomes
 *     an enum); its required list is what every branch requires.
 *
 * Any other union is left as it is. This is for serialization only: fastify does not validate
 * responses against these schemas, and requests are still validated against the schemas as
 * written.
 */
import fastJson from "fast-json-stringify";

type Schema = Record<string, unknown>;

const isSchema = (x: unknown): x is Schema => x !== null && typeof x === "object" && !Array.isArray(x);

/** A union of constants of one JSON type, e.g. Type.Union([Type.Literal("a"), Type.Literal("b")]). */
function asEnum(branches: Schema[]): Schema | null {
  const constOnly = branches.every(
    (b) => "const" in b && Object.keys(b).every((k) => k === "const" || k === "type"),
  );
  if (!constOnly) return null;
  const types = new Set(branches.map((b) => b.type ?? typeof b.const));
  if (types.size !== 1) return null;
  return { type: [...types][0], enum: branches.map((b) => b.const) };
}

/** Branches each of one plain, different type (T | null): one schema with a type array. */
function asTypeArray(branches: Schema[]): Schema | null {
  const types = branches.map((b) => b.type);
  if (!types.every((t) => typeof t === "string") || new Set(types).size !== types.length) return null;
  if (branches.some((b) => "const" in b || "anyOf" in b || "oneOf" in b || "allOf" in b)) return null;
  // Keywords of different types never collide (properties are object-only, items array-only),
  // except ones that apply to several types; refuse those rather than guess.
  const seen = new Map<string, string>();
  const merged: Schema = {};
  for (const b of branches) {
    for (const [k, v] of Object.entries(b)) {
      if (k === "type") continue;
      const text = JSON.stringify(v);
      if (seen.has(k) && seen.get(k) !== text) return null;
      seen.set(k, text);
      merged[k] = v;
    }
  }
  return { ...merged, type: types };
}

/** Object branches whose properties do not conflict: one object with all of them. */
function asMergedObject(branches: Schema[]): Schema | null {
  if (!branches.every((b) => b.type === "object" && isSchema(b.properties))) return null;
  const byName = new Map<string, Schema[]>();
  for (const b of branches) {
    for (const [name, s] of Object.entries(b.properties as Schema)) {
      byName.set(name, [...(byName.get(name) ?? []), s as Schema]);
    }
  }
  const properties: Schema = {};
  for (const [name, schemas] of byName) {
    const texts = new Set(schemas.map((s) => JSON.stringify(s)));
    if (texts.size === 1) properties[name] = schemas[0];
    else {
      const discriminator = asEnum(schemas);
      if (discriminator === null) return null;
      properties[name] = discriminator;
    }
  }
  const required = branches
    .map((b) => (Array.isArray(b.required) ? (b.required as string[]) : []))
    .reduce((a, r) => a.filter((name) => r.includes(name)));
  // Whether unnamed properties are written must not depend on the branch: all say the same.
  const additional = new Set(branches.map((b) => JSON.stringify(b.additionalProperties)));
  if (additional.size !== 1) return null;
  const merged: Schema = { type: "object", properties, required };
  if (branches[0]!.additionalProperties !== undefined)
    merged.additionalProperties = branches[0]!.additionalProperties;
  return merged;
}

/** The schema with its unions rewritten where that is exact (see above), recursively. */
export function serializationSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serializationSchema);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = serializationSchema(v);
  const branches = out.anyOf;
  if (!Array.isArray(branches) || !branches.every(isSchema)) return out;
  const { anyOf: _union, ...rest } = out;
  const single =
    asEnum(branches) ??
    asTypeArray(branches) ??
    asMergedObject(branches) ??
    // A nullable object union: merge the objects, then allow null.
    (() => {
      const nonNull = branches.filter((b) => b.type !== "null");
      if (nonNull.length === branches.length || nonNull.length < 2) return null;
      const merged = asMergedObject(nonNull);
      return merged ? { ...merged, type: ["object", "null"] } : null;
    })();
  return single === null ? out : { ...rest, ...single };
}

/** fastify's serializer compiler: fast-json-stringify over the union-free schema. */
export function compileSerializer({ schema }: { schema: unknown }): (data: unknown) => string {
  return fastJson(serializationSchema(schema) as Parameters<typeof fastJson>[0]);
}
