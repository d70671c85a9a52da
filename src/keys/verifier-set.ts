/**
 * The set of keys a reader trusts. Several keys at once is how rotation works: a new key
 * signs from some day on, and the old key stays in the set so old records still verify.
 * Keys are looked up by (name, key id), as signed notes identify them, or by the DSSE keyid
 * `name+hexkeyid`; a lookup never falls back to a key with only the same name or only the
 * same id.
 */
import { KeyError } from "./errors.js";
import { formatKeyId } from "./key-id.js";
import { parseVerifierKey, type Verifier } from "./verifier.js";

export class VerifierSet implements Iterable<Verifier> {
  private readonly byId = new Map<string, Verifier>();

  /**
   * @param keys verifiers or verifier key texts; the same key given twice counts once.
   * @throws {KeyError} KEY_AMBIGUOUS when two different keys share a name and key id;
   *   any error of parseVerifierKey for a malformed key text
   */
  constructor(keys: Iterable<Verifier | string> = []) {
    for (const key of keys) this.add(typeof key === "string" ? parseVerifierKey(key) : key);
  }

  /**
   * Parses a list of verifier keys, one per line; blank lines and lines starting with '#'
   * are ignored, surrounding whitespace is trimmed.
   * @throws {KeyError} as the constructor
   */
  static fromText(text: string): VerifierSet {
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    return new VerifierSet(lines);
  }

  private add(v: Verifier): void {
    const existing = this.byId.get(v.keyId);
    if (existing === undefined) {
      this.byId.set(v.keyId, v);
    } else if (existing.verifierKey !== v.verifierKey) {
      throw new KeyError(
        "KEY_AMBIGUOUS",
        `two different trusted keys are both named ${v.keyId}: signatures could not be attributed`,
      );
    }
  }

  /** The trusted key with exactly this name and key id, if any. */
  get(name: string, keyHash: number): Verifier | undefined {
    return this.byId.get(formatKeyId(name, keyHash >>> 0));
  }

  /** The trusted key whose `name+hexkeyid` is `keyId` (lower-case hex), if any. */
  getByKeyId(keyId: string): Verifier | undefined {
    return this.byId.get(keyId);
  }

  get size(): number {
    return this.byId.size;
  }

  [Symbol.iterator](): Iterator<Verifier> {
    return this.byId.values();
  }
}
