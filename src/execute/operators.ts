/**
 * The "Limit: 3" rule: a call names one to three operators from KO42, CS43 and CS44.
 * KO42 (temporal binding) is mandatory and is applied whether named or not.
 */
import { OPERATORS, type Operator } from "../record/schema.js";
import { ExecuteError } from "./errors.js";

const VALID = OPERATORS.join(", ");

/**
 * Validates a caller's operator list and returns it in canonical order with KO42 present.
 * An absent list means KO42 alone.
 * @throws {ExecuteError} EXECUTE_OPERATOR_UNKNOWN (message lists the valid names),
 *   EXECUTE_OPERATORS_INVALID (not a list, empty, more than 3, or repeated)
 */
export function normalizeOperators(value: unknown): Operator[] {
  if (value === undefined) return ["KO42"];
  if (!Array.isArray(value)) {
    throw new ExecuteError("EXECUTE_OPERATORS_INVALID", `operators must be a list of names from: ${VALID}`);
  }
  if (value.length === 0 || value.length > 3) {
    throw new ExecuteError(
      "EXECUTE_OPERATORS_INVALID",
      `a call names 1 to 3 operators (got ${value.length}); valid operators: ${VALID}`,
    );
  }
  const seen = new Set<Operator>();
  for (const name of value) {
    if (typeof name !== "string" || !(OPERATORS as readonly string[]).includes(name)) {
      throw new ExecuteError(
        "EXECUTE_OPERATOR_UNKNOWN",
        `unknown operator ${JSON.stringify(name)}; valid operators: ${VALID}`,
      );
    }
    if (seen.has(name as Operator)) {
      throw new ExecuteError("EXECUTE_OPERATORS_INVALID", `operator ${name} is named twice`);
    }
    seen.add(name as Operator);
  }
  seen.add("KO42");
  return OPERATORS.filter((o) => seen.has(o));
}
