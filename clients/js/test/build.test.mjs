// The committed build is what the sources compile to, and the sources' types are what
// openapi.yaml says: `npm run generate` fixes both.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);

it("src/schema.ts is generated from the current openapi.yaml", () => {
  // openapi-typescript --check exits non-zero when the file differs from what it would write.
  execFileSync(bin("openapi-typescript"), ["../../openapi.yaml", "--default-non-nullable", "false", "--output", "src/schema.ts", "--check"], {
    cwd: root, stdio: "pipe",
  });
});

it("dist/ is what tsc builds from src/", () => {
  const out = mkdtempSync(join(tmpdir(), "kb-client-dist-"));
  try {
    execFileSync(bin("tsc"), ["-p", "tsconfig.json", "--outDir", out], { cwd: root, stdio: "pipe" });
    const built = readdirSync(out).sort();
    assert.deepEqual(readdirSync(join(root, "dist")).sort(), built);
    for (const name of built) {
      assert.equal(readFileSync(join(root, "dist", name), "utf8"), readFileSync(join(out, name), "utf8"), `dist/${name} is stale: run npm run build`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

it("the web console's kb-client.js is the bundle of src/ (npm run build writes it)", () => {
  const out = mkdtempSync(join(tmpdir(), "kb-client-bundle-"));
  try {
    const bundle = join(out, "kb-client.js");
    const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts;
    const args = scripts.bundle.split(" ").slice(1).map((arg) => (arg.startsWith("--outfile=") ? `--outfile=${bundle}` : arg));
    execFileSync(bin("esbuild"), args, { cwd: root, stdio: "pipe" });
    const served = join(root, "..", "..", "functions", "console", "static", "kb-client.js");
    assert.equal(readFileSync(served, "utf8"), readFileSync(bundle, "utf8"), "the console's bundle is stale: run npm run build");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
