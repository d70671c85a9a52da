/** Errors of the key area: parsing key texts, key files, trusted-key sets. */
import { ZeqError } from "../core/errors.js";

export type KeyErrorCode =
  /** A key name is empty, contains a Unicode space or a '+', or is not well-formed text. */
  | "KEY_NAME_INVALID"
  /** A private or verifier key text does not have the `[PRIVATE+KEY+]name+hexid+base64` shape. */
  | "KEY_MALFORMED"
  /** The key id written in a key text is not the hash of its name and public key. */
  | "KEY_HASH_MISMATCH"
  /** The key's algorithm byte is not 0x01 (Ed25519), the only one we accept. */
  | "KEY_ALGORITHM_UNSUPPORTED"
  /** Two different keys with the same name and key id were given as trusted. */
  | "KEY_AMBIGUOUS"
  /** Refused to overwrite an existing private key file. */
  | "KEY_FILE_EXISTS"
  /** A private key file is readable or writable by group or others. */
  | "KEY_FILE_PERMISSIONS"
  /** A private key file could not be read or written. */
  | "KEY_FILE_IO";

export class KeyError extends ZeqError<KeyErrorCode> {}
