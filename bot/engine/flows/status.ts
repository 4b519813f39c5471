// /status: where the citizen is.
import { assessmentSet, visible } from "../answers.ts";
import type { Step } from "../state.ts";
import { tr, type Turn } from "../turn.ts";
import { verdictText } from "./review.ts";

function stepName(turn: Turn, step: Step): string {
  const { t, lang } = tr(turn);
  switch (step.kind) {
    case "group":
      return t(lang, "status.step_group");
    case "unit":
    case "unit_suggest":
    case "unit_pick":
      return t(lang, "status.step_unit");
    case "name":
      return t(lang, "status.step_name");
    case "guardian":
      return t(lang, "status.step_guardian");
    default:
      return t(lang, "status.step_birth_year");
  }
}

export function statusText(turn: Turn): string {
  const { t, lang } = tr(turn);
  const { s } = turn;
  const lines: string[] = [];
  const a = s.assessment;
  switch (s.step.kind) {
    case "new":
    case "consent":
    case "declined":
      lines.push(t(lang, "status.not_started"));
      break;
    case "group":
    case "unit":
    case "unit_suggest":
    case "unit_pick":
    case "name":
    case "birth_year":
    case "guardian":
      lines.push(t(lang, "status.onboarding", { step: stepName(turn, s.step) }));
      break;
    case "question":
    case "evidence": {
      const set = assessmentSet(turn);
      if (!set || !a) {
        lines.push(t(lang, "status.set_gone"));
        break;
      }
      // Counted as announced: main questions only (follow-ups such as 6a belong to their question).
      const main = visible(set, a.answers).filter((q) => q.showIf === undefined);
      const answered = main.filter((q) => Object.hasOwn(a.answers, q.id)).length;
      lines.push(t(lang, "status.in_progress", { answered, total: main.length, left: main.length - answered }));
      break;
    }
    case "review":
      lines.push(t(lang, "status.review"));
      break;
    case "submitted":
      if (a?.submitted) {
        const { verdict, total, max } = a.submitted;
        lines.push(t(lang, "status.submitted", { year: a.year, verdict: verdictText(turn, verdict), total, max }));
      }
      break;
    case "set_gone":
      lines.push(t(lang, "status.set_gone"));
      break;
  }
  if (s.profile.unitName && s.consentVersion !== undefined) {
    lines.push(t(lang, "status.unit", { name: s.profile.unitName, code: s.profile.unitCode ?? "" }));
  }
  if (s.optedOut) lines.push(t(lang, "status.reminders_off"));
  return lines.join("\n");
}
