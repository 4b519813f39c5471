// /status: where the citizen is.
import type { Button } from "../../types.ts";
import { assessmentSet, questionLabels, visible } from "../answers.ts";
import type { Step } from "../state.ts";
import { column, recordButton, tr, type Turn } from "../turn.ts";
import { reasonLabel } from "./officer-decide.ts";
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

/** The officers' decision on the submitted assessment, as the server read it for this /status. */
function decisionLines(turn: Turn): string[] | undefined {
  const mine = turn.ctx.review?.mine;
  const a = turn.s.assessment;
  if (!mine || !a) return undefined;
  const { t, lang } = tr(turn);
  const reason = mine.reason ?? (mine.reasonCode ? reasonLabel(t, lang, mine.reasonCode) : "");
  switch (mine.status) {
    case "confirmed":
      return [t(lang, "status.confirmed", { year: a.year })];
    case "rejected":
      return [t(lang, "status.rejected", { year: a.year, reason })];
    case "needs_more": {
      const set = assessmentSet(turn);
      const labels = set ? questionLabels(set).labels : new Map<string, string>();
      const named = mine.questions.map((q) => labels.get(q) ?? q);
      return [
        t(lang, "status.needs_more", { year: a.year, request: reason || t(lang, "officer.citizen_more_no_note") }),
        ...(named.length > 0 ? [t(lang, "status.needs_more_questions", { questions: named.join(", ") })] : []),
        t(lang, "status.needs_more_edit"),
      ];
    }
    default:
      return undefined;
  }
}

/** The buttons under /status: "Sửa bài" when the officers asked for more. */
export function statusButtons(turn: Turn): Button[][] | undefined {
  const mine = turn.ctx.review?.mine;
  if (turn.s.step.kind !== "submitted" || mine?.status !== "needs_more") return undefined;
  const { t, lang } = tr(turn);
  return column([recordButton(t(lang, "officer.citizen_more_edit"), "ed", mine.assessmentId)]);
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
        const decided = decisionLines(turn);
        if (decided) {
          lines.push(...decided);
          break;
        }
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
