// The locale tests' common reading: which translation keys the code under a folder uses (a pattern
// whose first group is the key) and the keys a locale file defines, flattened to dotted paths.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The texts of the source files below dir whose names match, skipping folders named in skip. */
export function sourceTexts(dir: string, match: RegExp, skip: readonly string[] = []): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (skip.includes(name)) return [];
    return statSync(path).isDirectory() ? sourceTexts(path, match, skip) : match.test(name) ? [readFileSync(path, "utf8")] : [];
  });
}

/** The keys the code uses: the first group of every match of the pattern. */
export function usedKeys(code: readonly string[], pattern: RegExp): Set<string> {
  return new Set(code.flatMap((text) => [...text.matchAll(pattern)].map((m) => m[1]!)));
}

/** A locale tree as dotted key → text. */
export function flattenKeys(tree: Record<string, unknown>, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out[path] = value;
    else Object.assign(out, flattenKeys(value as Record<string, unknown>, path));
  }
  return out;
}
