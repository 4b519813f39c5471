// Names of the fixed values a citizen or officer reads (target group, verdict), in one place for every
// flow. Each key is written out so that the locale test finds it.
import type { ScoreResult, TargetGroup } from "../../rules/index.ts";
import type { Lang, Translate } from "../types.ts";

export function groupName(t: Translate, lang: Lang, group: TargetGroup): string {
  switch (group) {
    case "worker":
      return t(lang, "group.worker");
    case "public_servant":
      return t(lang, "group.public_servant");
    case "student":
      return t(lang, "group.student");
    case "resident":
      return t(lang, "group.resident");
  }
}

export function verdictName(t: Translate, lang: Lang, verdict: ScoreResult["verdict"]): string {
  switch (verdict) {
    case "dat":
      return t(lang, "result.verdict_dat");
    case "chua_dat":
      return t(lang, "result.verdict_chua_dat");
    case "incomplete":
      return t(lang, "result.verdict_incomplete");
  }
}
