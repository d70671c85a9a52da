/**
 * Private key files. A key file holds one private key text and a newline. Writing never
 * replaces an existing file (a lost key cannot be recovered, and a log must never sign with
 * two keys believing they are one) and creates the file with mode 0600. Reading refuses a
 * file that group or others may read or write, as ssh does: a signing key that others can
 * read is no longer a proof of anything, so we fail closed rather than warn. The check is
 * skipped on Windows, where POSIX mode bits mean nothing.
 */
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from "node:fs";
import { KeyError } from "./errors.js";
import { parseSigningKey, type Signer } from "./signer.js";

export interface ReadSigningKeyOptions {
  /** Accept a file with group/other permission bits (tests, containers with odd umasks). */
  allowInsecurePermissions?: boolean;
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String(err.code) : undefined;
}

/**
 * Writes a private key text to a new file with mode 0600.
 * @throws {KeyError} KEY_FILE_EXISTS when the path exists; KEY_FILE_IO on other I/O failures;
 *   any parse error of the key text (it is checked before anything is written)
 */
export function writeSigningKeyFile(path: string, text: string): void {
  parseSigningKey(text);
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (cause) {
    if (errnoCode(cause) === "EEXIST") {
      throw new KeyError("KEY_FILE_EXISTS", `${path} exists; refusing to overwrite a key file`, { cause });
    }
    throw new KeyError("KEY_FILE_IO", `cannot create key file ${path}`, { cause });
  }
  try {
    writeSync(fd, `${text}\n`);
  } catch (cause) {
    throw new KeyError("KEY_FILE_IO", `cannot write key file ${path}`, { cause });
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses a private key file (one key text, optional trailing newline).
 * @throws {KeyError} KEY_FILE_IO (missing, unreadable, not a regular file),
 *   KEY_FILE_PERMISSIONS (group/other bits set), or any parse error of the key text
 */
export function readSigningKeyFile(path: string, options: ReadSigningKeyOptions = {}): Signer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (cause) {
    throw new KeyError("KEY_FILE_IO", `cannot open key file ${path}`, { cause });
  }
  let text: string;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new KeyError("KEY_FILE_IO", `${path} is not a regular file`);
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0 && !options.allowInsecurePermissions) {
      throw new KeyError(
        "KEY_FILE_PERMISSIONS",
        `key file ${path} has mode ${(stat.mode & 0o777).toString(8)}: run chmod 600 ${path}`,
      );
    }
    text = readFileSync(fd, "utf8");
  } catch (cause) {
    if (cause instanceof KeyError) throw cause;
    throw new KeyError("KEY_FILE_IO", `cannot read key file ${path}`, { cause });
  } finally {
    closeSync(fd);
  }
  return parseSigningKey(text.endsWith("\n") ? text.slice(0, -1) : text);
}
