import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { sha256Hex } from "../../../src/core/hash.js";
import { normalizeLevel } from "../../../src/preprocess/image/normalize.js";
import { preprocessImage } from "../../../src/preprocess/image/preprocess-image.js";
import { assertRejectsWith } from "../assert-code.js";

const fixturesDir = fileURLToPath(new URL("../../fixtures/images/", import.meta.url));
const reference = JSON.parse(readFileSync(join(fixturesDir, "torchvision-reference.json"), "utf8")) as {
  sha256: Record<string, string>;
};
const fixtureNames = readdirSync(fixturesDir).filter((n) => /\.(png|jpg)$/.test(n));
const PLANE = 224 * 224;

function rawImage(
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  f: (x: number, y: number, c: number) => number,
) {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) raw[(y * width + x) * channels + c] = f(x, y, c);
  return sharp(raw, { raw: { width, height, channels } });
}

function bytesOf(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

test("fixtures give torchvision's tensors bit for bit (SHA-256 recorded from torchvision 0.14 + Pillow 9.4)", async () => {
  assert.equal(fixtureNames.length, Object.keys(reference.sha256).length);
  for (const name of fixtureNames) {
    const { data, dims } = await preprocessImage(readFileSync(join(fixturesDir, name)));
    assert.deepEqual(dims, [1, 3, 224, 224]);
    assert.equal(sha256Hex(bytesOf(data)), reference.sha256[name], name);
  }
});

test("live comparison with torchvision when Debian's Python has it", async (t) => {
  const python = "/usr/bin/python3";
  const probe = existsSync(python)
    ? spawnSync(python, ["-c", "import torchvision, PIL"], { encoding: "utf8" })
    : undefined;
  if (!probe || probe.status !== 0) {
    const why =
      "SKIPPED: /usr/bin/python3 with torchvision and Pillow is not available; the recorded SHA-256 test still ran";
    t.diagnostic(why);
    console.warn(why);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), "zeq-tv-"));
  try {
    const run = spawnSync(python, [join(fixturesDir, "torchvision_reference.py"), "--raw", out], {
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    for (const name of fixtureNames) {
      const ref = readFileSync(join(out, `${name}.f32`));
      const ours = (await preprocessImage(readFileSync(join(fixturesDir, name)))).data;
      assert.deepEqual(Buffer.from(bytesOf(ours)), ref, name);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("a solid colour gives the exact normalised value everywhere", async () => {
  const png = await sharp({
    create: { width: 300, height: 401, channels: 3, background: { r: 10, g: 200, b: 77 } },
  })
    .png()
    .toBuffer();
  const { data } = await preprocessImage(png);
  const expected = [normalizeLevel(10, 0), normalizeLevel(200, 1), normalizeLevel(77, 2)];
  for (let i = 0; i < data.length; i++)
    assert.equal(data[i], expected[Math.floor(i / PLANE)], `element ${i}`);
  // ToTensor + Normalize of level 0 and 255 in red, by hand: (0/255 − 0.485)/0.229, (1 − 0.485)/0.229.
  assert.equal(normalizeLevel(0, 0), Math.fround(Math.fround(-0.485) / Math.fround(0.229)));
  assert.equal(normalizeLevel(255, 0), Math.fround(Math.fround(1 - Math.fround(0.485)) / Math.fround(0.229)));
});

test("centre crop of an asymmetric image takes the middle, pixel for pixel", async () => {
  // 512×256 needs no resize (shorter side already 256): the crop starts at column
  // (512 − 224) / 2 = 144 and row (256 − 224) / 2 = 16.
  const landscape = await rawImage(512, 256, 3, (x, y, c) => (c === 0 ? x % 256 : c === 1 ? y : x >> 8))
    .png()
    .toBuffer();
  const a = (await preprocessImage(landscape)).data;
  for (const [x, y] of [
    [0, 0],
    [223, 0],
    [0, 223],
    [111, 57],
    [223, 223],
  ] as const) {
    const sx = x + 144;
    const sy = y + 16;
    assert.equal(a[y * 224 + x], normalizeLevel(sx % 256, 0), `red at ${x},${y}`);
    assert.equal(a[PLANE + y * 224 + x], normalizeLevel(sy, 1), `green at ${x},${y}`);
    assert.equal(a[2 * PLANE + y * 224 + x], normalizeLevel(sx >> 8, 2), `blue at ${x},${y}`);
  }
  // Portrait, and an odd margin: 256×481 → top = round(257 / 2 = 128.5) = 128 (ties to even,
  // as Python's round; rounding half up would take 129).
  const portrait = await rawImage(256, 481, 3, (x, y, c) => (c === 0 ? y % 256 : c === 1 ? y >> 8 : x))
    .png()
    .toBuffer();
  const b = (await preprocessImage(portrait)).data;
  assert.equal(b[0], normalizeLevel(128, 0));
  assert.equal(b[223 * 224], normalizeLevel((128 + 223) % 256, 0));
  assert.equal(b[2 * PLANE], normalizeLevel(16, 2));
});

test("alpha is dropped, not composited: colour under a transparent pixel is kept", async () => {
  const png = await rawImage(256, 256, 4, (_x, _y, c) => (c === 3 ? 0 : ([30, 60, 90][c] as number)))
    .png()
    .toBuffer();
  const { data } = await preprocessImage(png);
  assert.equal(data[0], normalizeLevel(30, 0));
  assert.equal(data[PLANE], normalizeLevel(60, 1));
  assert.equal(data[2 * PLANE], normalizeLevel(90, 2));
});

test("reducing antialiases: alternate black/white columns average to grey", async () => {
  const png = await rawImage(512, 512, 1, (x) => (x % 2 ? 255 : 0))
    .png()
    .toBuffer();
  const { data } = await preprocessImage(png);
  // Triangle weights 1/8, 3/8, 3/8, 1/8 over two black and two white columns: 127.5 → 128.
  assert.equal(data[5000], normalizeLevel(128, 0));
});

test("corrupt, truncated, empty and foreign bytes are coded errors", async () => {
  const png = await rawImage(64, 64, 3, (x, y) => (x * y) % 256)
    .png()
    .toBuffer();
  const jpg = await rawImage(320, 240, 3, (x, y, c) => (x + y * c) % 256)
    .jpeg()
    .toBuffer();
  await assertRejectsWith(
    preprocessImage(png.subarray(0, png.length - 40)),
    "PREPROCESS_IMAGE_INVALID",
    "truncated PNG",
  );
  await assertRejectsWith(
    preprocessImage(jpg.subarray(0, jpg.length / 2)),
    "PREPROCESS_IMAGE_INVALID",
    "truncated JPEG",
  );
  const flipped = Buffer.from(png);
  for (let i = 60; i < flipped.length - 20; i += 7) flipped[i] = (flipped[i] as number) ^ 0x5a;
  await assertRejectsWith(preprocessImage(flipped), "PREPROCESS_IMAGE_INVALID", "corrupted PNG");
  await assertRejectsWith(preprocessImage(new Uint8Array(0)), "PREPROCESS_IMAGE_INVALID", "empty");
  await assertRejectsWith(
    preprocessImage(Buffer.from("not an image at all")),
    "PREPROCESS_IMAGE_INVALID",
    "text",
  );
  await assertRejectsWith(
    preprocessImage("abc" as unknown as Uint8Array),
    "PREPROCESS_IMAGE_INVALID",
    "string",
  );
  const gif = await rawImage(8, 8, 3, () => 9)
    .gif()
    .toBuffer();
  const webp = await rawImage(8, 8, 3, () => 9)
    .webp()
    .toBuffer();
  await assertRejectsWith(preprocessImage(gif), "PREPROCESS_IMAGE_UNSUPPORTED", "GIF");
  await assertRejectsWith(preprocessImage(webp), "PREPROCESS_IMAGE_UNSUPPORTED", "WebP");
  await assertRejectsWith(
    preprocessImage(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>")),
    "PREPROCESS_IMAGE_UNSUPPORTED",
    "SVG",
  );
});

/** CRC-32 (ISO-HDLC), for crafting a PNG header. */
function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A PNG that claims width × height: a crafted IHDR followed by a tiny image's other chunks. */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const tiny = await sharp({ create: { width: 2, height: 2, channels: 3, background: "red" } })
    .png()
    .toBuffer();
  return Buffer.concat([pngHeader(width, height), tiny.subarray(33)]);
}

function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(17);
  ihdr.write("IHDR", 0, "latin1");
  ihdr.writeUInt32BE(width, 4);
  ihdr.writeUInt32BE(height, 8);
  ihdr.set([8, 2, 0, 0, 0], 12);
  const chunk = Buffer.alloc(25);
  chunk.writeUInt32BE(13, 0);
  ihdr.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(ihdr), 21);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
}

test("more pixels than the limit is PREPROCESS_IMAGE_TOO_LARGE, before any decoding", async () => {
  await assertRejectsWith(
    preprocessImage(await pngClaiming(8000, 6000)),
    "PREPROCESS_IMAGE_TOO_LARGE",
    "48 MP header",
  );
  await assertRejectsWith(
    preprocessImage(await pngClaiming(65000, 65000)),
    "PREPROCESS_IMAGE_TOO_LARGE",
    "4 GP header",
  );
  const small = await rawImage(100, 100, 3, () => 1)
    .png()
    .toBuffer();
  await assertRejectsWith(
    preprocessImage(small, { maxPixels: 9_999 }),
    "PREPROCESS_IMAGE_TOO_LARGE",
    "option",
  );
  await assertRejectsWith(
    preprocessImage(small, { crop: 300 }),
    "PREPROCESS_OPTION_INVALID",
    "crop > resize",
  );
  await assertRejectsWith(preprocessImage(small, { maxPixels: 0 }), "PREPROCESS_OPTION_INVALID", "maxPixels");
});

test("other sizes: resize 64, crop 56", async () => {
  const png = await rawImage(128, 64, 3, (x) => x)
    .png()
    .toBuffer();
  const { data, dims } = await preprocessImage(png, { resize: 64, crop: 56 });
  assert.deepEqual(dims, [1, 3, 56, 56]);
  assert.equal(data.length, 3 * 56 * 56);
  assert.equal(data[0], normalizeLevel(36, 0)); // left = (128 − 56) / 2 = 36
});
