// parseCriteriaSet: the zod schema first, then the structural checks; every problem at once.
import { contentHash } from "./hash.ts";
import { criteriaSetSchema, issuesToProblems } from "./schema.ts";
import { setIndex } from "./set-index.ts";
import { structureProblems } from "./structure.ts";
import type { LoadOutcome } from "./types.ts";

export function parseCriteriaSet(json: unknown): LoadOutcome {
  const parsed = criteriaSetSchema.safeParse(json, { reportInput: true });
  const problems = parsed.success ? [] : issuesToProblems(parsed.error.issues, json);
  problems.push(...structureProblems(json));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const set = parsed.data;
  setIndex(set); // so that isVisible(question, answers) can follow showIf chains of this set
  return { ok: true, set, hash: contentHash(set) };
}
