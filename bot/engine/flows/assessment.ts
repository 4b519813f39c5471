// The questions of the criteria set, one per message, and the evidence a citizen may attach.
import { checkAnswer, localText, type CriteriaSet, type Question } from "../../../rules/index.ts";
import {
  assessmentSet,
  firstMissing,
  indicatorNumber,
  locate,
  pruneAnswers,
  pruneEvidence,
  questionLabels,
  visible,
} from "../answers.ts";
import { questionModule } from "../questions/registry.ts";
import type { Parsed, QuestionView } from "../questions/types.ts";
import type { AssessmentState, Step } from "../state.ts";
import { evaluationYear, truncate } from "../text.ts";
import { button, column, emit, reprompt, say, setStep, setText, tr, type Turn } from "../turn.ts";
import { tellOfficersWithdrawn } from "./officers.ts";
import type { AttachmentEvent, StepHandler } from "./types.ts";
import type { OutMessage } from "../../types.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** Longest indicator or group title shown above a question as context. */
const CONTEXT_MAX = 60;
/** Most evidence files kept per question. */
export const MAX_EVIDENCE = 10;
export const REVIEW_PAGE_SIZE = 9;

export function startAssessment(turn: Turn): void {
  const { t, lang } = tr(turn);
  const group = turn.s.profile.targetGroup;
  const set = group ? turn.ctx.criteria.current(group) : undefined;
  if (!set) {
    say(turn, { text: t(lang, "group.no_set") });
    delete turn.s.profile.targetGroup;
    return setStep(turn, { kind: "group" });
  }
  const year = evaluationYear(turn.ctx.now, turn.ctx.timeZone, turn.ctx.yearCutoff);
  emit(turn, { type: "assessment.start", setId: set.id, setVersion: set.version, year });
  turn.s.assessment = { setId: set.id, setVersion: set.version, year, answers: {}, evidence: {} };
  // The number announced here is the number every question title counts up to (follow-ups are 6a …).
  say(turn, { text: t(lang, "assessment.intro", { year, number: questionLabels(set).total }) });
  moveOn(turn, set, false);
}

/** Drops the assessment (assessment.withdraw) and goes back to the target group; keeps the profile. */
export function restartAssessment(turn: Turn): void {
  const { t, lang } = tr(turn);
  const submitted = turn.s.step.kind === "submitted";
  if (turn.s.assessment) emit(turn, { type: "assessment.withdraw" });
  if (submitted) tellOfficersWithdrawn(turn);
  delete turn.s.assessment;
  delete turn.s.profile.targetGroup;
  say(turn, { text: submitted ? t(lang, "restart.done_submitted") : t(lang, "restart.done") });
  setStep(turn, { kind: "group" });
}

export function goToQuestion(turn: Turn, q: Question, edit: boolean): void {
  setStep(turn, { kind: "question", qid: q.id, edit });
}

export function reviewPageOf(set: CriteriaSet, a: AssessmentState, qid: string): number {
  const i = visible(set, a.answers).findIndex((q) => q.id === qid);
  return i < 0 ? 0 : Math.floor(i / REVIEW_PAGE_SIZE);
}

/** The first unanswered required question, or the review when there is none. */
function moveOn(turn: Turn, set: CriteriaSet, edit: boolean, page = 0): void {
  const a = turn.s.assessment!;
  const missing = firstMissing(set, a.answers);
  if (missing) return goToQuestion(turn, missing, edit);
  setStep(turn, { kind: "review", page });
}

/** After an answer (and its evidence): the next question, or back to the review when editing. */
function advance(turn: Turn, set: CriteriaSet, qid: string, edit: boolean): void {
  const a = turn.s.assessment!;
  if (edit && a.revisit) {
    // Walking the questions an officer named: the next of them, then the review's last page (to send).
    const shown = visible(set, a.answers);
    const rest = a.revisit.filter((id) => shown.some((q) => q.id === id));
    const next = shown.find((q) => q.id === rest[0]);
    if (rest.length > 1) a.revisit = rest.slice(1);
    else delete a.revisit;
    if (next) return goToQuestion(turn, next, true);
    return moveOn(turn, set, true, Math.max(0, Math.ceil(shown.length / REVIEW_PAGE_SIZE) - 1));
  }
  if (edit) return moveOn(turn, set, true, reviewPageOf(set, a, qid));
  const questions = visible(set, a.answers);
  const next = questions[questions.findIndex((q) => q.id === qid) + 1];
  if (next && questions.some((q) => q.id === qid)) return goToQuestion(turn, next, false);
  moveOn(turn, set, false);
}

function progress(turn: Turn, set: CriteriaSet): void {
  const a = turn.s.assessment!;
  emit(turn, { type: "assessment.progress", answers: pruneAnswers(set, a.answers), evidence: pruneEvidence(set, a) });
}

export function setGone(turn: Turn): void {
  setStep(turn, { kind: "set_gone" });
}

export interface Current {
  set: CriteriaSet;
  q: Question;
  /** 0-based among the visible questions. */
  index: number;
  /** "6" or "6a" (a follow-up), and the number of main questions. */
  label: string;
  total: number;
  view: QuestionView;
}

/** The question on screen; moves on (or to set_gone) and returns null when it cannot be shown. */
function current(turn: Turn, step: Of<"question"> | Of<"evidence">): Current | null {
  const set = assessmentSet(turn);
  const a = turn.s.assessment;
  if (!set || !a) {
    setGone(turn);
    return null;
  }
  const questions = visible(set, a.answers);
  const index = questions.findIndex((q) => q.id === step.qid);
  const q = questions[index];
  if (!q) {
    moveOn(turn, set, step.edit);
    return null;
  }
  const { t, lang } = tr(turn);
  const view: QuestionView = { t, lang };
  if (Object.hasOwn(a.answers, q.id)) view.current = a.answers[q.id];
  if (step.kind === "question" && step.draft) view.draft = step.draft;
  const { labels, total } = questionLabels(set);
  return { set, q, index, label: labels.get(q.id) ?? String(index + 1), total, view };
}

function renderQuestion(turn: Turn, step: Of<"question">): void {
  const c = current(turn, step);
  if (!c) return;
  const message = questionMessage(turn, c, step);
  const replaces = turn.replaceTapped && step.draft !== undefined ? turn.tappedMessageId : undefined;
  say(turn, { ...message, ...(replaces !== undefined ? { replaces } : {}) });
}

/** The message that asks a question (also the admin's preview of a set, bot/engine/preview.ts). */
export function questionMessage(turn: Turn, c: Current, step: { edit: boolean; draft?: string[] }): OutMessage {
  const { t, lang } = tr(turn);
  const { q, set } = c;
  const module = questionModule(q);
  const where = locate(set, q.id);
  const lines: string[] = [];
  if (where) {
    const n = indicatorNumber(set, where.indicator.id);
    lines.push(t(lang, "indicator.label", { n, title: truncate(localText(where.indicator.title, lang), CONTEXT_MAX) }), "");
  }
  lines.push(setText(turn, q.prompt));
  if (q.help) lines.push(setText(turn, q.help));
  lines.push("", ...module.body(q, c.view));
  if (c.view.current !== undefined && !step.draft) {
    lines.push(t(lang, "question.current", { answer: module.summary(q, c.view.current, c.view) }));
  }
  const rows = module.buttons(q, c.view).map((row) =>
    row.map((b) => {
      const made = button(turn, b.label, b.action, b.typed);
      if (b.full !== undefined) made.full = b.full;
      return made;
    }),
  );
  if (!q.required) rows.push([button(turn, t(lang, "question.skip"), "k")]);
  if (c.index > 0 || step.edit) rows.push([button(turn, t(lang, "question.back"), "b")]);
  return {
    title: t(lang, "question.title", { n: c.label, total: c.total }),
    text: lines.join("\n"),
    ...(rows.length > 0 ? { buttons: rows } : {}),
  };
}

function accept(turn: Turn, step: Of<"question">, c: Current, parsed: Parsed | null): void {
  const module = questionModule(c.q);
  if (parsed?.kind === "draft") {
    // A tick: the question is shown again with the new selection, in place of the one tapped.
    turn.replaceTapped = true;
    return setStep(turn, { ...step, draft: parsed.value });
  }
  if (parsed === null || checkAnswer(c.q, parsed.value) !== null) {
    say(turn, { text: module.invalid(c.q, c.view) });
    return reprompt(turn);
  }
  const a = turn.s.assessment!;
  a.answers[c.q.id] = parsed.value;
  progress(turn, c.set);
  if (c.q.evidence) return setStep(turn, { kind: "evidence", qid: c.q.id, edit: step.edit, waiting: false });
  advance(turn, c.set, c.q.id, step.edit);
}

function storeEvidence(turn: Turn, set: CriteriaSet, qid: string, event: AttachmentEvent): boolean {
  const a = turn.s.assessment!;
  const list = a.evidence[qid] ?? [];
  if (list.length >= MAX_EVIDENCE) {
    const { t, lang } = tr(turn);
    emit(turn, { type: "attachment.discard", ref: event.ref });
    say(turn, { text: t(lang, "evidence.limit_reached", { max: MAX_EVIDENCE }) });
    return false;
  }
  list.push({ kind: event.kind, ref: event.ref, ...(event.name !== undefined ? { name: event.name } : {}) });
  a.evidence[qid] = list;
  progress(turn, set);
  return true;
}

export const questionStep: StepHandler<Of<"question">> = {
  prompt: renderQuestion,
  text(turn, step, text) {
    const c = current(turn, step);
    if (c) accept(turn, step, c, questionModule(c.q).fromText(c.q, text, c.view));
  },
  button(turn, step, action) {
    const c = current(turn, step);
    if (!c) return true;
    if (action.length === 1 && action[0] === "b" && (c.index > 0 || step.edit)) {
      if (step.edit) {
        delete turn.s.assessment!.revisit;
        setStep(turn, { kind: "review", page: reviewPageOf(c.set, turn.s.assessment!, c.q.id) });
      }
      else goToQuestion(turn, visible(c.set, turn.s.assessment!.answers)[c.index - 1]!, false);
      return true;
    }
    if (action.length === 1 && action[0] === "k" && !c.q.required) {
      delete turn.s.assessment!.answers[c.q.id];
      progress(turn, c.set);
      advance(turn, c.set, c.q.id, step.edit);
      return true;
    }
    const parsed = questionModule(c.q).fromButton(c.q, action, c.view);
    if (parsed === null) return false;
    accept(turn, step, c, parsed);
    return true;
  },
  attachment(turn, step, event) {
    const c = current(turn, step);
    if (!c) return;
    const { t, lang } = tr(turn);
    if (!c.q.evidence) {
      emit(turn, { type: "attachment.discard", ref: event.ref });
      say(turn, { text: t(lang, "evidence.not_needed") });
      return;
    }
    if (storeEvidence(turn, c.set, c.q.id, event)) {
      const count = turn.s.assessment!.evidence[c.q.id]?.length ?? 0;
      say(turn, { text: t(lang, "evidence.received_early", { number: count }) });
    }
    reprompt(turn);
  },
};

export const evidenceStep: StepHandler<Of<"evidence">> = {
  prompt(turn, step) {
    const c = current(turn, step);
    if (!c) return;
    const { t, lang } = tr(turn);
    const count = turn.s.assessment!.evidence[step.qid]?.length ?? 0;
    const skip = button(turn, count > 0 ? t(lang, "evidence.continue") : t(lang, "evidence.skip"), "e.n");
    if (!step.waiting) {
      const text = count > 0 ? t(lang, "evidence.ask_more", { number: count }) : t(lang, "evidence.ask");
      say(turn, { text, buttons: column([button(turn, t(lang, "evidence.send"), "e.y"), skip]) });
    } else {
      const text = count > 0 ? t(lang, "evidence.received", { number: count }) : t(lang, "evidence.send_now");
      say(turn, { text, buttons: [[skip]] });
    }
  },
  text(turn) {
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "evidence.hint_text") });
    reprompt(turn);
  },
  button(turn, step, action) {
    if (action[0] !== "e" || action.length !== 2) return false;
    if (action[1] === "y" && !step.waiting) {
      setStep(turn, { ...step, waiting: true });
      return true;
    }
    if (action[1] !== "n") return false;
    const c = current(turn, step);
    if (c) advance(turn, c.set, c.q.id, step.edit);
    return true;
  },
  attachment(turn, step, event) {
    const c = current(turn, step);
    if (!c) return;
    if (storeEvidence(turn, c.set, c.q.id, event)) setStep(turn, { ...step, waiting: true });
    else reprompt(turn);
  },
};
