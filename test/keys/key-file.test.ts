import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSigningKey, readSigningKeyFile, writeSigningKeyFile } from "../../src/keys/index.js";

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "zeq-keys-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const posix = process.platform !== "win32";

test("writeSigningKeyFile creates a 0600 file that reads back to the same key", () => {
  withDir((dir) => {
    const path = join(dir, "log.key");
    const text = generateSigningKey("log.example/zeq");
    writeSigningKeyFile(path, text);
    assert.equal(readFileSync(path, "utf8"), `${text}\n`);
    if (posix) assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readSigningKeyFile(path).verifierKey.startsWith("log.example/zeq+"), true);
  });
});

test("writeSigningKeyFile never overwrites: KEY_FILE_EXISTS, old key intact", () => {
  withDir((dir) => {
    const path = join(dir, "log.key");
    const first = generateSigningKey("a");
    writeSigningKeyFile(path, first);
    assert.throws(() => writeSigningKeyFile(path, generateSigningKey("a")), { code: "KEY_FILE_EXISTS" });
    assert.equal(readFileSync(path, "utf8"), `${first}\n`);
  });
});

test("writeSigningKeyFile checks the text before creating anything", () => {
  withDir((dir) => {
    const path = join(dir, "bad.key");
    assert.throws(() => writeSigningKeyFile(path, "PRIVATE+KEY+nope"), { code: "KEY_MALFORMED" });
    assert.throws(() => statSync(path), { code: "ENOENT" });
  });
});

test("readSigningKeyFile refuses group/world-accessible files unless told otherwise", (t) => {
  if (!posix) {
    t.diagnostic("SKIPPED: POSIX permissions do not exist on this platform");
    console.warn("SKIPPED: POSIX permissions do not exist on this platform");
    return;
  }
  withDir((dir) => {
    const path = join(dir, "log.key");
    writeSigningKeyFile(path, generateSigningKey("a"));
    for (const mode of [0o640, 0o604, 0o620, 0o644]) {
      chmodSync(path, mode);
      assert.throws(() => readSigningKeyFile(path), { code: "KEY_FILE_PERMISSIONS" }, mode.toString(8));
    }
    assert.equal(readSigningKeyFile(path, { allowInsecurePermissions: true }).name, "a");
    chmodSync(path, 0o400);
    assert.equal(readSigningKeyFile(path).name, "a");
  });
});

test("readSigningKeyFile: missing file, directory, garbage are coded errors", () => {
  withDir((dir) => {
    assert.throws(() => readSigningKeyFile(join(dir, "missing")), { code: "KEY_FILE_IO" });
    assert.throws(() => readSigningKeyFile(dir), { code: "KEY_FILE_IO" });
    const path = join(dir, "garbage.key");
    writeFileSync(path, "hello\n", { mode: 0o600 });
    assert.throws(() => readSigningKeyFile(path), { code: "KEY_MALFORMED" });
  });
});
