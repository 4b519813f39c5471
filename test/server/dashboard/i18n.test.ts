// The admin side's texts (locales/<lang>/admin.json) against the code under server/: every key used
// exists in Vietnamese and English, none is unused, and every call passes a literal key.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adminResources, adminUsedKeyPattern } from "../../../server/dashboard/i18n.ts";

const SERVER = fileURLToPath(new URL("../../../server/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated" || name === "node_modules") return [];
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|html|js)$/.test(name) ? [path] : [];
  });
}

function flatten(tree: Record<string, unknown>, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out[path] = value;
    else Object.assign(out, flatten(value as Record<string, unknown>, path));
  }
  return out;
}

const code = sources(SERVER).map((path) => readFileSync(path, "utf8"));
const used = new Set(code.flatMap((text) => [...text.matchAll(adminUsedKeyPattern)].map((m) => m[1]!)));
const vi = flatten(adminResources.vi.admin);
const en = flatten(adminResources.en.admin);

describe("admin locales", () => {
  it("every key used exists in vi and en, and no key is unused", () => {
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((k) => !(k in vi))).toEqual([]);
    expect(Object.keys(vi).filter((k) => !used.has(k))).toEqual([]);
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it("every call passes a literal key", () => {
    const calls = code.flatMap((text) => [...text.matchAll(/(?<!function )\badminT\(\s*[^,]+,\s*([^\s])/g)].map((m) => m[1]));
    expect(calls.filter((c) => c !== '"')).toEqual([]);
  });
});
