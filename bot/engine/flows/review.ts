// The review of all answers, edits, the submission and its result; the locked state afterwards.
import { localText, score, type CriteriaSet, type Reason, type ScoreResult } from "../../../rules/index.ts";
import type { ReviewSummary } from "../../types.ts";
import {
  assessmentSet,
  findIndicator,
  firstMissing,
  indicatorNumber,
  pruneAnswers,
  pruneEvidence,
  questionLabels,
  visible,
} from "../answers.ts";
import { indexArg } from "../buttons.ts";
import { verdictName } from "../labels.ts";
import { questionModule } from "../questions/registry.ts";
import type { Step } from "../state.ts";
import { formatNumber, normaliseInput, truncate } from "../text.ts";
import { button, column, emit, openDialog, reprompt, rows, say, sayLines, setStep, setText, tr, type Turn } from "../turn.ts";
import { REVIEW_PAGE_SIZE, goToQuestion, restartAssessment, setGone } from "./assessment.ts";
import { tellOfficersSubmitted } from "./officers.ts";
import { statusText } from "./status.ts";
import type { StepHandler } from "./types.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

const PROMPT_MAX = 50;
const ANSWER_MAX = 40;
const SUMMARY_ANSWER_MAX = 300;
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
  const { labels } = questionLabels(set);
  const label = (q: (typeof shown)[number], i: number) => labels.get(q.id) ?? String(first + i + 1);
  const answerOf = (q: (typeof shown)[number], max: number) =>
    Object.hasOwn(a.answers, q.id)
      ? truncate(questionModule(q).summary(q, a.answers[q.id]!, { t, lang }), max)
      : q.required
        ? t(lang, "review.unanswered")
        : t(lang, "review.skipped");
  const lines = shown.map((q, i) => `${label(q, i)}. ${truncate(setText(turn, q.prompt), PROMPT_MAX)}\n→ ${answerOf(q, ANSWER_MAX)}`);
  const edits = shown.map((q, i) => button(turn, t(lang, "review.edit", { n: label(q, i) }), `e.${first + i + 1}`, label(q, i)));
  const nav = [];
  if (page > 0) nav.push(button(turn, t(lang, "review.prev"), `p.${page - 1}`));
  if (page < count - 1) nav.push(button(turn, t(lang, "review.next"), `p.${page + 1}`));
  // Sending is offered once the citizen has seen the last page.
  const last = page === count - 1;
  say(turn, {
    title: count > 1 ? t(lang, "review.title_paged", { page: page + 1, pages: count }) : t(lang, "review.title"),
    text: [last ? t(lang, "review.intro") : t(lang, "review.intro_more"), "", ...lines].join("\n"),
    buttons: [
      ...rows(edits, EDIT_BUTTONS_PER_ROW),
      ...(nav.length > 0 ? [nav] : []),
      ...(last ? [[button(turn, t(lang, "review.submit"), "s")]] : []),
    ],
    summary: summaryOf(turn, set, questions, labels, answerOf),
  });
}

/** Every visible question by competency group, with its answer, evidence and edit button; submit last. */
function summaryOf(
  turn: Turn,
  set: CriteriaSet,
  questions: ReturnType<typeof visible>,
  labels: Map<string, string>,
  answerOf: (q: ReturnType<typeof visible>[number], max: number) => string,
): ReviewSummary {
  const { t, lang } = tr(turn);
  const a = turn.s.assessment!;
  const number = new Map(questions.map((q, i) => [q.id, i + 1]));
  const groups = set.groups
    .map((group) => ({
      title: setText(turn, group.title),
      items: group.indicators
        .flatMap((indicator) => indicator.questions)
        .filter((q) => number.has(q.id))
        .map((q) => {
          const n = number.get(q.id)!;
          const label = labels.get(q.id) ?? String(n);
          return {
            label,
            prompt: setText(turn, q.prompt),
            answer: answerOf(q, SUMMARY_ANSWER_MAX),
            evidence: (a.evidence[q.id] ?? []).map((e) => e.ref),
            edit: button(turn, t(lang, "review.edit", { n: label }), `e.${n}`, label),
          };
        }),
    }))
    .filter((g) => g.items.length > 0);
  // "s.w": sent from the whole summary, which ends with it – valid on any page of the paged review.
  return { title: t(lang, "review.title"), intro: t(lang, "review.summary_intro"), groups, submit: button(turn, t(lang, "review.submit"), "s.w") };
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
    // A follow-up's label ("6a") as shown in the review.
    const set = assessmentSet(turn);
    if (set && /^\d{1,3}[a-z]$/.test(typed)) {
      const { labels } = questionLabels(set);
      const i = visible(set, turn.s.assessment!.answers).findIndex((q) => labels.get(q.id) === typed);
      if (i >= 0 && edit(turn, i + 1)) return;
    }
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "review.hint") });
    reprompt(turn);
  },
  button(turn, _step, action) {
    const [name, arg] = action;
    const set = assessmentSet(turn);
    if (name === "s" && action.length === 1) {
      if (set && _step.page < pages(set, turn) - 1) return false;
      submit(turn);
      return true;
    }
    if (name === "s" && action.length === 2 && arg === "w") {
      submit(turn);
      return true;
    }
    const n = action.length === 2 ? indexArg(arg) : null;
    if (n === null) return false;
    if (name === "e") return edit(turn, n);
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
  tellOfficersSubmitted(turn, result);
}

export function verdictText(turn: Turn, verdict: ScoreResult["verdict"]): string {
  const { t, lang } = tr(turn);
  return verdictName(t, lang, verdict);
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
      const number = indicatorNumber(set, reason.indicatorId);
      return t(lang, "result.reason_indicator", { number, title, points: n(reason.points), min: n(reason.min) });
    }
    case "group_below_min": {
      const group = set.groups.find((g) => g.id === reason.groupId);
      const title = group ? localText(group.title, lang) : reason.groupId;
      return t(lang, "result.reason_group", { title, points: n(reason.points), min: n(reason.min) });
    }
  }
}

/** The verdict first, the points after, then why and what to learn; the next steps as buttons. */
function sayResult(turn: Turn, set: CriteriaSet, result: ScoreResult): void {
  const { t, lang } = tr(turn);
  const n = (x: number) => formatNumber(x, lang);
  const indicators = result.indicators.map((x) => {
    const indicator = findIndicator(set, x.id);
    const title = indicator ? localText(indicator.title, lang) : x.id;
    return t(lang, "result.indicator_line", { number: indicatorNumber(set, x.id), title: truncate(title, 45), points: n(x.points), max: n(x.max) });
  });
  say(turn, {
    title: verdictText(turn, result.verdict),
    text: [
      result.verdict === "dat" ? t(lang, "result.pending") : t(lang, "result.pending_chua_dat"),
      "",
      t(lang, "result.total", { total: n(result.total), max: n(result.max) }),
      ...indicators,
    ].join("\n"),
  });
  const reasons = result.reasons.map((r) => `• ${reasonText(turn, set, r)}`);
  if (reasons.length > 0) sayLines(turn, [t(lang, "result.reasons_heading"), ...reasons]);
  const advice = result.advice.map((x) => {
    const indicator = findIndicator(set, x.indicatorId);
    const title = indicator ? localText(indicator.title, lang) : x.indicatorId;
    return `• ${t(lang, "result.advice_line", { number: indicatorNumber(set, x.indicatorId), title, advice: localText(x.text, lang) })}`;
  });
  if (advice.length > 0) sayLines(turn, [t(lang, "result.advice_heading"), ...advice]);
  const lastMessage = turn.messages[turn.messages.length - 1]!;
  lastMessage.buttons = nextSteps(turn);
}

function nextSteps(turn: Turn) {
  const { t, lang } = tr(turn);
  return column([button(turn, t(lang, "result.button_status"), "m.s"), button(turn, t(lang, "result.button_restart"), "m.r")]);
}

/** After submitting: where the assessment is, with the next steps as buttons; everything else shows it again. */
export const submittedStep: StepHandler<Of<"submitted">> = {
  prompt(turn) {
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "assessment.locked"), buttons: nextSteps(turn) });
  },
  text: reprompt,
  button(turn, _step, action) {
    if (action.length !== 2 || action[0] !== "m") return false;
    if (action[1] === "s") {
      const { t, lang } = tr(turn);
      say(turn, { title: t(lang, "status.title"), text: statusText(turn) });
      return true;
    }
    if (action[1] === "r") {
      openDialog(turn, "restart");
      return true;
    }
    return false;
  },
  attachment(turn, _step, event) {
    emit(turn, { type: "attachment.discard", ref: event.ref });
    reprompt(turn);
  },
};

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
