// Where officer work enters the conversation: record buttons of notices and queues (valid for days),
// /queue and its words, a typed reason, an invitation. The citizen's own flow goes on untouched
// whenever none of these applies, so both roles live in one chat.
import type { InboundEvent } from "../../types.ts";
import { assessmentSet, visible } from "../answers.ts";
import { reprompt, say, setStep, tr, type Turn } from "../turn.ts";
import { goToQuestion } from "./assessment.ts";
import { aboutCitizen, cardMessage, detailPhotos, detailsMessage } from "./officer-card.ts";
import { askReason, decided, nextCard, refusal, reviseMessage } from "./officer-decide.ts";
import { invitationAnswered, keepInvitation } from "./officer-invite.ts";
import { invitationIn, isDashboardCommand, isQueueCommand, isReportCommand } from "./officer-needs.ts";
import { preferenceSaved, queueList } from "./officer-queue.ts";
import { questionNames, toggleQuestion } from "./officer-more.ts";
import { officerState, REASON_WAIT_MS } from "./officer-state.ts";

/** /dashboard: the sign-in link the server made for an officer, or whom the dashboard is for. */
function dashboardLink(turn: Turn): void {
  const { t, lang } = tr(turn);
  const d = turn.ctx.review?.dashboard;
  if (d?.ok) say(turn, { title: t(lang, "officer.dashboard_title"), text: t(lang, "officer.dashboard_link", { url: d.url, minutes: d.minutes }) });
  else say(turn, { text: t(lang, "officer.dashboard_not_officer") });
}

/** /report: the chart of the officer's units against their target with one line of figures. */
function chatReport(turn: Turn): void {
  const { t, lang } = tr(turn);
  const r = turn.ctx.review?.report;
  if (!r?.ok) {
    say(turn, { text: t(lang, "officer.report_not_officer") });
    return;
  }
  const n = (x: number) => x.toLocaleString(lang === "vi" ? "vi-VN" : "en-US");
  const share = r.sharePercent === null ? "–" : `${n(r.sharePercent)}%`;
  const line = r.targetPercent === null
    ? t(lang, "officer.report_line", { units: r.units, members: r.members === null ? "–" : n(r.members), submitted: n(r.submitted), confirmed: n(r.confirmed), share })
    : t(lang, "officer.report_line_target", { units: r.units, members: r.members === null ? "–" : n(r.members), submitted: n(r.submitted), confirmed: n(r.confirmed), share, target: `${r.targetPercent}%` });
  say(turn, { title: t(lang, "officer.report_title", { year: r.year }), text: line, image: { png: r.png } });
}

/** Text, commands: true when officer work took the event (the citizen's flow must not see it). */
export function officerEvent(turn: Turn, event: InboundEvent): boolean {
  if (event.type !== "text" && event.type !== "command" && event.type !== "button") return false;
  const invitation = invitationIn(event);
  const answered = invitationAnswered(turn);
  if (event.type === "button") return false;
  if (invitation) {
    if (answered) return true;
    if (turn.ctx.personId === undefined) {
      keepInvitation(turn, invitation);
      // A typed code must not reach the citizen's current question; /start goes on to the consent.
      if (event.type === "text" && !event.text.trim().startsWith("/")) {
        if (turn.s.step.kind !== "new") reprompt(turn);
        else return false;
        return true;
      }
    }
    return false;
  }
  if (isQueueCommand(event)) {
    if (queueList(turn)) return true;
    const { t, lang } = tr(turn);
    say(turn, { text: t(lang, "officer.not_officer") });
    return true;
  }
  if (isDashboardCommand(event)) {
    dashboardLink(turn);
    return true;
  }
  if (isReportCommand(event)) {
    chatReport(turn);
    return true;
  }
  if (event.type !== "text") return false;
  const awaiting = officerState(turn.s).awaiting;
  if (awaiting && turn.ctx.now.getTime() - awaiting.at < REASON_WAIT_MS && !event.text.trim().startsWith("/")) {
    return decided(turn);
  }
  return false;
}

function open(turn: Turn, args: readonly string[]): boolean {
  const review = turn.ctx.review?.card;
  if (!review) return false;
  if (!review.ok) {
    refusal(turn, review.code);
    return true;
  }
  const { t, lang } = tr(turn);
  const card = review.card;
  if (card.status !== "submitted" && card.mayRevise && card.decided) {
    say(turn, reviseMessage(t, lang, turn.ctx.timeZone, turn.ctx.criteria, card));
    return true;
  }
  if (card.status !== "submitted") {
    refusal(turn, card.status === "withdrawn" ? "withdrawn" : card.status === "in_progress" ? "not_submitted" : "already_decided", card.decided ? { ...card.decided } : undefined);
    return true;
  }
  const page = args[1] !== undefined && /^\d{1,3}$/.test(args[1]) ? Number(args[1]) : undefined;
  if (page === undefined) say(turn, cardMessage(t, lang, turn.ctx.criteria, card, "open"));
  else {
    for (const photo of detailPhotos(t, lang, turn.ctx.criteria, card, page)) say(turn, photo);
    say(turn, detailsMessage(t, lang, turn.ctx.criteria, card, page, aboutCitizen(turn, card)));
  }
  return true;
}

/** The citizen's "Sửa bài" under a needs_more decision: back to the review, to edit and resubmit. */
function reopen(turn: Turn): boolean {
  const own = turn.ctx.review?.own;
  if (own === undefined) return false;
  const { t, lang } = tr(turn);
  if (own === null || own.status !== "needs_more" || !turn.s.assessment) {
    say(turn, { text: t(lang, "officer.citizen_edit_closed") });
    return true;
  }
  delete turn.s.assessment.submitted;
  // The questions the officer named, as the answers make them visible now: exactly those, one by one.
  const set = assessmentSet(turn);
  const named = set ? visible(set, turn.s.assessment.answers).filter((q) => own.questions.includes(q.id)) : [];
  const [first, ...rest] = named;
  if (!first) {
    say(turn, { text: t(lang, "officer.citizen_edit_intro") });
    setStep(turn, { kind: "review", page: 0 });
    return true;
  }
  if (rest.length > 0) turn.s.assessment.revisit = rest.map((q) => q.id);
  else delete turn.s.assessment.revisit;
  say(turn, { text: t(lang, "officer.citizen_edit_named", { questions: questionNames(turn.ctx.criteria, turn.s.assessment.setId, turn.s.assessment.setVersion, named.map((q) => q.id)) }) });
  goToQuestion(turn, first, true);
  return true;
}

type RecordHandler = (turn: Turn, args: readonly string[]) => boolean;

/** Record buttons of officer review (registered in records.ts). */
export const officerRecordHandlers: Readonly<Record<string, RecordHandler>> = {
  ok: (turn) => decided(turn),
  rc: (turn) => decided(turn),
  mc: (turn) => decided(turn),
  ms: (turn) => decided(turn),
  rv: (turn) => decided(turn),
  mt: toggleQuestion,
  no: (turn, args) => args[0] !== undefined && askReason(turn, args[0], "rejected"),
  nm: (turn, args) => args[0] !== undefined && askReason(turn, args[0], "needs_more"),
  vw: open,
  nx: (turn) => nextCard(turn),
  q: (turn) => queueList(turn),
  ed: reopen,
  pm: (turn) => preferenceSaved(turn),
};
