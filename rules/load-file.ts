// The edge of the rules module: reading criteria set files. The only file in rules/ doing I/O.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCriteriaSet } from "./load.ts";
import type { CriteriaSet, LoadOutcome } from "./types.ts";

export const SHIPPED_SETS_DIR = fileURLToPath(new URL("./sets", import.meta.url));

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads and parses one criteria set file; unreadable files and invalid JSON are problems at path "". */
export async function loadCriteriaFile(path: string): Promise<LoadOutcome> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return { ok: false, problems: [{ path: "", message: `cannot read ${path}: ${reason(error)}` }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return { ok: false, problems: [{ path: "", message: `invalid JSON in ${path}: ${reason(error)}` }] };
  }
  return parseCriteriaSet(json);
}

/**
 * Every rules/sets/*.json (or `dir`/*.json), in file-name order. Throws an Error listing every problem
 * when a file is broken, when two files share an id and version, or when there is no set at all.
 */
export async function loadShippedSets(dir: string = SHIPPED_SETS_DIR): Promise<CriteriaSet[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    throw new Error(`cannot read criteria sets directory ${dir}: ${reason(error)}`);
  }
  if (names.length === 0) throw new Error(`no criteria sets (*.json) in ${dir}`);
  const sets: CriteriaSet[] = [];
  const lines: string[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const outcome = await loadCriteriaFile(join(dir, name));
    if (!outcome.ok) {
      for (const problem of outcome.problems) lines.push(`${name}: ${problem.path || "(file)"}: ${problem.message}`);
      continue;
    }
    const key = `${outcome.set.id}@${outcome.set.version}`;
    const other = seen.get(key);
    if (other !== undefined) lines.push(`${name}: id: set ${key} is also defined in ${other}`);
    seen.set(key, name);
    sets.push(outcome.set);
  }
  if (lines.length > 0) throw new Error(`broken criteria sets in ${dir}:\n${lines.join("\n")}`);
  return sets;
}
