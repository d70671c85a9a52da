/** Ed25519 signing and verifier keys, key ids (C2SP signed-note), trusted key sets, key files. */
export { KeyError, type KeyErrorCode } from "./errors.js";
export { ALG_ED25519, formatKeyId, isValidKeyName, keyHashHex, keyHashOf } from "./key-id.js";
export { parseVerifierKey, verifierFromPublicKey, type Verifier } from "./verifier.js";
export {
  encodeSigningKey,
  generateSigningKey,
  parseSigningKey,
  signerFromSeed,
  type Signer,
} from "./signer.js";
export { VerifierSet } from "./verifier-set.js";
export { readSigningKeyFile, writeSigningKeyFile, type ReadSigningKeyOptions } from "./key-file.js";
