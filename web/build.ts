/**
 * Bundles the live page: web/src/main.ts → web/dist/main.js (one ES module, minified, with
 * a source map), and copies uPlot's stylesheet to web/dist/uplot.min.css. Everything the
 * page loads comes from the package itself (no CDN).
 *
 *   node --import tsx web/build.ts [--watch]
 */
import { build, context, type BuildOptions } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const webDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(webDir, "dist");
const require = createRequire(import.meta.url);

const options: BuildOptions = {
  entryPoints: [join(webDir, "src", "main.ts")],
  outfile: join(outDir, "main.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  // WebCrypto Ed25519 is needed anyway; these targets have it or fail with a clear message.
  target: ["chrome120", "firefox130", "safari17"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "info",
};

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await copyFile(require.resolve("uplot/dist/uPlot.min.css"), join(outDir, "uplot.min.css"));
  if (process.argv.includes("--watch")) {
    const ctx = await context(options);
    await ctx.watch();
    return;
  }
  await build(options);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
