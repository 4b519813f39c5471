import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash } from "../../rules/index.ts";
import { SETS_DIR, mustParse, readJson } from "./support.ts";

describe("canonicalJson", () => {
  it("sorts object keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: "x" } })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
  });
  it("leaves out undefined members like JSON does", () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson([undefined])).toBe("[null]");
  });
});

describe("contentHash", () => {
  const json = readJson(join(SETS_DIR, "worker.json")) as Record<string, any>;
  const set = mustParse(json);

  it("is a sha256 hex digest", () => {
    expect(contentHash(set)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores defaults being written out or not", () => {
    const explicit = structuredClone(json);
    explicit.groups[0].indicators[0].questions[0].required = true;
    expect(contentHash(mustParse(explicit))).toBe(contentHash(set));
  });

  it("changes with any text or version", () => {
    const text = structuredClone(json);
    text.groups[2].indicators[1].questions[1].options[0].label.en = "Often!";
    expect(contentHash(mustParse(text))).not.toBe(contentHash(set));
    const version = structuredClone(json);
    version.version = "2026.3";
    expect(contentHash(mustParse(version))).not.toBe(contentHash(set));
  });
});
