// The admin side's texts (locales/<lang>/admin.json) against the code under server/: every key used
// exists in Vietnamese and English, none is unused, and every call passes a literal key.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { flattenKeys, sourceTexts, usedKeys } from "../../support/locale-keys.ts";
import { adminResources, adminUsedKeyPattern } from "../../../server/dashboard/i18n.ts";

const SERVER = fileURLToPath(new URL("../../../server/", import.meta.url));

const code = sourceTexts(SERVER, /\.(ts|html|js)$/, ["generated", "node_modules"]);
const used = usedKeys(code, adminUsedKeyPattern);
const vi = flattenKeys(adminResources.vi.admin);
const en = flattenKeys(adminResources.en.admin);

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
