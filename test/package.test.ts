// The lock file against the runtime: every package installed by `npm ci` supports the Node.js version
// that runs the tests (Node 20 on development machines), so the install prints no EBADENGINE warning.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// semver comes with fastify and bullmq; npm itself judges engines with it.
const semver = createRequire(import.meta.url)("semver") as { satisfies(version: string, range: string): boolean };

const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8")) as {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[]; dev?: boolean; optional?: boolean }>;
};

describe("package-lock.json", () => {
  it("installs only packages whose engines accept this Node.js", () => {
    const node = process.versions.node;
    const refused = Object.entries(lock.packages)
      .filter(([path, p]) => path !== "" && p.engines && !Array.isArray(p.engines) && p.engines.node !== undefined)
      .filter(([, p]) => !semver.satisfies(node, (p.engines as Record<string, string>).node!))
      .map(([path, p]) => `${path}@${p.version}: node ${(p.engines as Record<string, string>).node}`);
    expect(refused).toEqual([]);
    expect(Object.keys(lock.packages).length).toBeGreaterThan(100);
  });

  it("has the runtime's major version in the supported range", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { engines: { node: string } };
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
