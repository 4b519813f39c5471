// The review of all answers, edits, the submission and its result; the locked state afterwards.
import { localText, score, type CriteriaSet, type Reason, type ScoreResult } from "../../../rules/index.ts";
import { assessmentSet, findIndicator, firstMissing, pruneAnswers, pruneEvidence, visible } from "../answers.ts";
import { indexArg } from "../buttons.ts";
import { questionModule } from "../questions/registry.ts";
import type { Step } from "../state.ts";
import { formatNumber, normaliseInput, truncate } from "../text.ts";
import { button, column, emit, reprompt, rows, say, sayLines, setStep, tr, type Turn } from "../turn.ts";
import { REVIEW_PAGE_SIZE, goToQuestion, restartAssessment, setGone } from "./assessment.ts";
import { noticeStep } from "./notice.ts";
import { tellOfficersSubmitted } from "./officers.ts";
import type { StepHandler } from "./types.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

const PROMPT_MAX = 50;
const ANSWER_MAX = 40;
const EDIT_BUTTONS_PER_ROW = 3;

function pages(set: CriteriaSet, turn: Turn): number {
  return Math.max(1, Math.ceil(visible(set, turn.s.assessment!.answers).length / REVIEW_PAGE_SIZE));
}

function renderReview(turn: Turn, step: Of<"review">): void {
  const set = assessmentSet(turn);
  const a = turn.s.assessment;
  if (!set || !a) return setGone(turn);
  const { t, lang } = tr(turn);
  const questions = visible(set, a.answers);
  const count = pages(set, turn);
  const page = Math.min(step.page, count - 1);
  const first = page * REVIEW_PAGE_SIZE;
  const shown = questions.slice(first, first + REVIEW_PAGE_SIZE);
  const lines = shown.map((q, i) => {
    const answer = Object.hasOwn(a.answers, q.id)
      ? truncate(questionModule(q).summary(q, a.answers[q.id]!, { t, lang }), ANSWER_MAX)
      : q.required
        ? t(lang, "review.unanswered")
        : t(lang, "review.skipped");
    return `${first + i + 1}. ${truncate(localText(q.prompt, lang), PROMPT_MAX)}\n→ ${answer}`;
  });
  const edits = shown.map((_q, i) => button(turn, t(lang, "review.edit", { n: first + i + 1 }), `e.${first + i + 1}`, String(first + i + 1)));
  const nav = [];
  if (page > 0) nav.push(button(turn, t(lang, "review.prev"), `p.${page - 1}`));
  if (page < count - 1) nav.push(button(turn, t(lang, "review.next"), `p.${page + 1}`));
  say(turn, {
    title: count > 1 ? t(lang, "review.title_paged", { page: page + 1, pages: count }) : t(lang, "review.title"),
    text: [t(lang, "review.intro"), "", ...lines].join("\n"),
    buttons: [
      ...rows(edits, EDIT_BUTTONS_PER_ROW),
      ...(nav.length > 0 ? [nav] : []),
      [button(turn, t(lang, "review.submit"), "s")],
    ],
  });
}

function edit(turn: Turn, n: number): boolean {
  const set = assessmentSet(turn);
  if (!set) {
    setGone(turn);
    return true;
  }
  const q = visible(set, turn.s.assessment!.answers)[n - 1];
  if (!q) return false;
  goToQuestion(turn, q, true);
  return true;
}

export const reviewStep: StepHandler<Of<"review">> = {
  prompt: renderReview,
  text(turn, _step, text) {
    const typed = normaliseInput(text);
    if (/^\d{1,3}$/.test(typed) && edit(turn, Number(typed))) return;
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "review.hint") });
    reprompt(turn);
  },
  button(turn, _step, action) {
    const [name, arg] = action;
    if (name === "s" && action.length === 1) {
      submit(turn);
      return true;
    }
    const n = action.length === 2 ? indexArg(arg) : null;
    if (n === null) return false;
    if (name === "e") return edit(turn, n);
    const set = assessmentSet(turn);
    if (name === "p" && set && n < pages(set, turn)) {
      setStep(turn, { kind: "review", page: n });
      return true;
    }
    return false;
  },
};

function submit(turn: Turn): void {
  const set = assessmentSet(turn);
  const a = turn.s.assessment;
  if (!set || !a) return setGone(turn);
  const { t, lang } = tr(turn);
  const missing = firstMissing(set, a.answers);
  if (missing) {
    say(turn, { text: t(lang, "review.missing") });
    return goToQuestion(turn, missing, true);
  }
  const answers = pruneAnswers(set, a.answers);
  const outcome = score(set, answers);
  if (!outcome.ok) {
    // Cannot happen with answers checked by checkAnswer; ask again rather than submit a broken one.
    for (const error of outcome.errors) delete a.answers[error.questionId];
    say(turn, { text: t(lang, "review.invalid") });
    const next = firstMissing(set, a.answers);
    return next ? goToQuestion(turn, next, true) : setStep(turn, { kind: "review", page: 0 });
  }
  const evidence = pruneEvidence(set, a);
  const result = outcome.result;
  emit(turn, { type: "assessment.submit", answers, evidence, result });
  a.answers = answers;
  a.evidence = evidence;
  a.submitted = { verdict: result.verdict, total: result.total, max: result.max };
  setStep(turn, { kind: "submitted" }, false);
  sayResult(turn, set, result);
  tellOfficersSubmitted(turn);
}

export function verdictText(turn: Turn, verdict: ScoreResult["verdict"]): string {
  const { t, lang } = tr(turn);
  switch (verdict) {
    case "dat":
      return t(lang, "result.verdict_dat");
    case "chua_dat":
      return t(lang, "result.verdict_chua_dat");
    case "incomplete":
      return t(lang, "result.verdict_incomplete");
  }
}

function reasonText(turn: Turn, set: CriteriaSet, reason: Reason): string {
  const { t, lang } = tr(turn);
  const n = (x: number) => formatNumber(x, lang);
  switch (reason.code) {
    case "total_below_min":
      return t(lang, "result.reason_total", { total: n(reason.total), min: n(reason.min) });
    case "indicator_below_min": {
      const indicator = findIndicator(set, reason.indicatorId);
      const title = indicator ? localText(indicator.title, lang) : reason.indicatorId;
      return t(lang, "result.reason_indicator", { title, points: n(reason.points), min: n(reason.min) });
    }
    case "group_below_min": {
      const group = set.groups.find((g) => g.id === reason.groupId);
      const title = group ? localText(group.title, lang) : reason.groupId;
      return t(lang, "result.reason_group", { title, points: n(reason.points), min: n(reason.min) });
    }
  }
}

function sayResult(turn: Turn, set: CriteriaSet, result: ScoreResult): void {
  const { t, lang } = tr(turn);
  const n = (x: number) => formatNumber(x, lang);
  const groups = result.groups.map((g) => {
    const group = set.groups.find((x) => x.id === g.id);
    const title = group ? localText(group.title, lang) : g.id;
    return t(lang, "result.group_line", { title, points: n(g.points), max: n(g.max) });
  });
  say(turn, {
    title: t(lang, "result.title", { verdict: verdictText(turn, result.verdict) }),
    text: [t(lang, "result.total", { total: n(result.total), max: n(result.max) }), ...groups, "", t(lang, "result.pending")].join("\n"),
  });
  const reasons = result.reasons.map((r) => `• ${reasonText(turn, set, r)}`);
  if (reasons.length > 0) sayLines(turn, [t(lang, "result.reasons_heading"), ...reasons]);
  const advice = result.advice.map((x) => {
    const indicator = findIndicator(set, x.indicatorId);
    const title = indicator ? localText(indicator.title, lang) : x.indicatorId;
    return `• ${t(lang, "result.advice_line", { title, advice: localText(x.text, lang) })}`;
  });
  if (advice.length > 0) sayLines(turn, [t(lang, "result.advice_heading"), ...advice]);
}

export const submittedStep = noticeStep<Of<"submitted">>((t, lang) => t(lang, "assessment.locked"));

export const setGoneStep: StepHandler<Of<"set_gone">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, {
      text: t(lang, "assessment.set_gone"),
      buttons: column([button(turn, t(lang, "assessment.restart_button"), "R")]),
    });
  },
  button(turn, _step, action) {
    if (action.length !== 1 || action[0] !== "R") return false;
    restartAssessment(turn);
    return true;
  },
};
