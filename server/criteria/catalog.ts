// The criteria sets the engine may use: the newest version per target group starts new assessments;
// every loaded version stays available so that an assessment finishes on the version it began with.
import type { CriteriaCatalog } from "../../bot/types.ts";
import type { CriteriaSet, TargetGroup } from "../../rules/index.ts";

function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

export function catalogOf(sets: CriteriaSet[]): CriteriaCatalog {
  const byKey = new Map(sets.map((s) => [`${s.id}@${s.version}`, s]));
  const current = new Map<TargetGroup, CriteriaSet>();
  for (const set of sets) {
    const seen = current.get(set.targetGroup);
    if (!seen || compareVersions(set.version, seen.version) > 0) current.set(set.targetGroup, set);
  }
  return {
    current: (group) => current.get(group),
    get: (id, version) => byKey.get(`${id}@${version}`),
  };
}
