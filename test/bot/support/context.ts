// Test doubles built from plain data: a unit directory, a criteria catalog, a fake clock and a
// translate function that shows the key and its parameters instead of wording.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCriteriaSet, type CriteriaSet, type TargetGroup } from "../../../rules/index.ts";
import { matchUnitsByName } from "../../../bot/engine/text.ts";
import type { CriteriaCatalog, Lang, StepContext, Translate, UnitDirectory, UnitInfo } from "../../../bot/types.ts";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const TRANSCRIPTS = fileURLToPath(new URL("../transcripts/", import.meta.url));

/**
 * "key" in Vietnamese, "en:key" in English, followed by "|" and the JSON of the parameters. The form of
 * address ({{you}}, {{You}}) that every text receives is left out; test/bot/engine/address.test.ts checks it
 * with the real texts.
 */
export const keyTranslate: Translate = (lang: Lang, key: string, params?: Record<string, unknown>) => {
  const { you: _you, You: _You, ...rest } = params ?? {};
  const shown = Object.keys(rest).length > 0 ? rest : undefined;
  return `${lang === "en" ? "en:" : ""}${key}${shown ? `|${JSON.stringify(shown)}` : ""}`;
};

export function loadSetFile(name: string): CriteriaSet {
  const outcome = parseCriteriaSet(JSON.parse(readFileSync(`${FIXTURES}sets/${name}`, "utf8")));
  if (!outcome.ok) throw new Error(`${name}: ${JSON.stringify(outcome.problems)}`);
  return outcome.set;
}

/** Every set is available by id and version; the current set of a group is the last one listed. */
export function catalogOf(sets: readonly CriteriaSet[]): CriteriaCatalog {
  return {
    current: (group: TargetGroup) => [...sets].reverse().find((s) => s.targetGroup === group),
    get: (id: string, version: string) => sets.find((s) => s.id === id && s.version === version),
  };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Exact codes; suggests the closest code within two edits. */
export function directoryOf(units: readonly UnitInfo[]): UnitDirectory {
  return {
    byCode: (code) => units.find((u) => u.code === code),
    suggest(code) {
      let best: UnitInfo | undefined;
      let bestDistance = 3;
      for (const unit of units) {
        const d = distance(code, unit.code);
        if (d < bestDistance) [best, bestDistance] = [unit, d];
      }
      return best;
    },
    byName: (text) => matchUnitsByName(units, text),
  };
}

export const DEFAULT_UNITS: UnitInfo[] = [
  { id: "unit-1", code: "PHUONG1", name: "Phường 1" },
  { id: "unit-2", code: "CTYABC", name: "Công ty ABC" },
];

export interface ContextOptions {
  sets?: CriteriaSet[];
  units?: UnitInfo[];
  now?: string;
  timeZone?: string;
  consentVersion?: string;
  t?: Translate;
  personId?: string;
}

export function makeContext(o: ContextOptions = {}): StepContext {
  return {
    now: new Date(o.now ?? "2025-10-02T03:00:00Z"),
    t: o.t ?? keyTranslate,
    units: directoryOf(o.units ?? DEFAULT_UNITS),
    criteria: catalogOf(o.sets ?? [loadSetFile("small.json")]),
    consentVersion: o.consentVersion ?? "consent-2025-01",
    timeZone: o.timeZone ?? "Asia/Ho_Chi_Minh",
    ...(o.personId !== undefined ? { personId: o.personId } : {}),
  };
}
