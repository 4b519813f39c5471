// A content hash of a parsed criteria set, so that a published set changed without a new version is
// detected. Canonical JSON: object keys sorted, no whitespace, undefined members left out.
import { createHash } from "node:crypto";
import type { CriteriaSet } from "./types.ts";

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member !== undefined && typeof member !== "function") members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
    }
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** sha256 (hex) of the canonical JSON of the set. */
export function contentHash(set: CriteriaSet): string {
  return createHash("sha256").update(canonicalJson(set)).digest("hex");
}
