// Decisions from the chat: Xác nhận at once; Không xác nhận and Yêu cầu bổ sung ask for a reason (common
// ones as buttons, or typed). The server decided inside this event's transaction (ctx.review.decided);
// here the officer is answered and the citizen told in their own chat and language (lane notice).
import type { Decision, ReviewCard, ReviewContext } from "../../review.ts";
import type { Button, CriteriaCatalog, Lang, OutMessage, Translate } from "../../types.ts";
import type { TargetGroup } from "../../../rules/index.ts";
import { addressParams, addressWord } from "../address.ts";
import { addressAt, column, recordButton, say, sayTo, tr, type Turn } from "../turn.ts";
import { cardMessage } from "./officer-card.ts";
import { REASON_CODES } from "./officer-needs.ts";
import { askMore, questionNames } from "./officer-more.ts";
import { officerState, setOfficerState } from "./officer-state.ts";
import { dateTimeFormat } from "../../intl.ts";

export function localTime(iso: string | null, timeZone: string, lang: Lang): string {
  if (!iso) return "–";
  return dateTimeFormat(lang === "vi" ? "vi-VN" : "en-GB", {
    timeZone, hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric",
  }).format(new Date(iso));
}

export function reasonLabel(t: Translate, lang: Lang, code: string): string {
  switch (code) {
    case "missing_evidence":
      return t(lang, "officer.reason_missing_evidence");
    case "answers_inconsistent":
      return t(lang, "officer.reason_answers_inconsistent");
    case "not_member":
      return t(lang, "officer.reason_not_member");
    case "add_evidence":
      return t(lang, "officer.reason_add_evidence");
    case "check_answers":
      return t(lang, "officer.reason_check_answers");
    default:
      return t(lang, "officer.reason_other");
  }
}

function statusName(t: Translate, lang: Lang, status: string): string {
  switch (status) {
    case "confirmed":
      return t(lang, "officer.status_confirmed");
    case "rejected":
      return t(lang, "officer.status_rejected");
    case "needs_more":
      return t(lang, "officer.status_needs_more");
    case "withdrawn":
      return t(lang, "officer.status_withdrawn");
    default:
      return t(lang, "officer.status_editing");
  }
}

/** Why an officer cannot act on this assessment, in words. */
export function refusal(turn: Turn, code: string, earlier?: { status: string; byName: string | null; at: string | null }): void {
  const { t, lang } = tr(turn);
  let text: string;
  switch (code) {
    case "already_decided":
      text = t(lang, "officer.refused_decided", {
        status: statusName(t, lang, earlier?.status ?? ""),
        by: earlier?.byName ?? t(lang, "officer_notice.no_name"),
        at: localTime(earlier?.at ?? null, turn.ctx.timeZone, lang),
      });
      break;
    case "withdrawn":
      text = t(lang, "officer.refused_withdrawn");
      break;
    case "own":
      text = t(lang, "officer.refused_own");
      break;
    case "not_submitted":
      text = t(lang, "officer.refused_editing");
      break;
    case "reason_required":
      text = t(lang, "officer.refused_reason");
      break;
    case "not_lead":
      text = t(lang, "officer.refused_not_lead");
      break;
    case "too_late":
      text = t(lang, "officer.refused_too_late");
      break;
    case "unchanged":
      text = t(lang, "officer.refused_unchanged");
      break;
    case "conflict":
      text = t(lang, "officer.refused_conflict");
      break;
    default:
      text = t(lang, "officer.refused_not_allowed");
  }
  say(turn, { text });
}

/** A decided assessment opened by a lead who may revise it: the card, who decided, and the other decisions. */
export function reviseMessage(t: Translate, lang: Lang, timeZone: string, criteria: CriteriaCatalog, card: ReviewCard): OutMessage {
  const base = cardMessage(t, lang, criteria, card, "open");
  const d = card.decided!;
  const reason = d.reason ?? (d.reasonCode ? reasonLabel(t, lang, d.reasonCode) : "");
  const buttons: Button[] = [];
  if (card.status !== "confirmed") buttons.push(recordButton(t(lang, "officer.revise_to_confirmed"), "rv", card.assessmentId, "c"));
  if (card.status !== "rejected") {
    for (const code of REASON_CODES.rejected) buttons.push(recordButton(t(lang, "officer.revise_to_rejected", { reason: reasonLabel(t, lang, code) }), "rv", card.assessmentId, "r", code));
  }
  if (card.status !== "needs_more") {
    for (const code of REASON_CODES.needs_more) buttons.push(recordButton(t(lang, "officer.revise_to_more", { reason: reasonLabel(t, lang, code) }), "rv", card.assessmentId, "m", code));
  }
  return {
    ...base,
    text: [
      base.text,
      "",
      t(lang, "officer.revise_current", { status: statusName(t, lang, d.status), by: d.byName ?? t(lang, "officer_notice.no_name"), at: localTime(d.at, timeZone, lang) }),
      ...(reason ? [t(lang, "officer.revise_reason", { reason })] : []),
      t(lang, "officer.revise_intro"),
    ].join("\n"),
    buttons: column(buttons),
  };
}

/** "Không xác nhận" / "Yêu cầu bổ sung": the reasons to tap, or a reason to type. */
export function askReason(turn: Turn, assessmentId: string, decision: Exclude<Decision, "confirmed">): boolean {
  const review = turn.ctx.review?.card;
  if (!review) return false;
  if (!review.ok) {
    refusal(turn, review.code);
    return true;
  }
  const card = review.card;
  if (card.status !== "submitted") {
    refusal(turn, card.status === "withdrawn" ? "withdrawn" : card.status === "in_progress" ? "not_submitted" : "already_decided", card.decided ? { ...card.decided } : undefined);
    return true;
  }
  if (decision === "needs_more") {
    askMore(turn, card);
    return true;
  }
  const { t, lang } = tr(turn);
  const officer = officerState(turn.s);
  setOfficerState(turn.s, { ...officer, awaiting: { id: assessmentId, decision, at: turn.ctx.now.getTime() } });
  say(turn, {
    text: t(lang, "officer.ask_reject", { name: card.fullName ?? t(lang, "officer_notice.no_name") }),
    buttons: column(REASON_CODES.rejected.map((code) => recordButton(reasonLabel(t, lang, code), "rc", assessmentId, code))),
  });
  return true;
}

/** The citizen's form of address (as their own conversation uses it), and the translate that fills it in. */
function citizenTranslate(turn: Turn, d: { citizenBirthYear: number | null; citizenGroup: TargetGroup }): Translate {
  const raw = turn.ctx.t;
  const address = addressAt(turn.ctx, { birthYear: d.citizenBirthYear, targetGroup: d.citizenGroup });
  return (lang, key, params) => raw(lang, key, { ...addressParams(addressWord(raw, lang, address)), ...params });
}

function tellCitizen(turn: Turn, d: Extract<NonNullable<ReviewContext["decided"]>, { ok: true }>): void {
  if (!d.citizenPersonId) return;
  const t = citizenTranslate(turn, d);
  sayTo(turn, { kind: "person", personId: d.citizenPersonId }, (lang) => {
    const message: OutMessage = { ...citizenMessage(turn, t, lang, d), purpose: "decision" };
    // A lead's revision says so first: the citizen was told another decision before.
    return d.revisedFrom !== undefined ? { ...message, text: `${t(lang, "officer.citizen_revised", { year: d.year })}\n${message.text}` } : message;
  }, "notice");
}

function citizenMessage(turn: Turn, t: Translate, lang: Lang, d: Extract<NonNullable<ReviewContext["decided"]>, { ok: true }>): OutMessage {
  const reason = d.reason ?? (d.reasonCode ? reasonLabel(t, lang, d.reasonCode) : "");
  switch (d.decision) {
    case "confirmed":
      return { title: t(lang, "officer.citizen_confirmed_title"), text: t(lang, "officer.citizen_confirmed", { year: d.year }) };
    case "rejected":
      return { title: t(lang, "officer.citizen_rejected_title"), text: t(lang, "officer.citizen_rejected", { year: d.year, reason }) };
    case "needs_more":
      return {
        title: t(lang, "officer.citizen_more_title"),
        text: [
          t(lang, "officer.citizen_more", { year: d.year, request: reason || t(lang, "officer.citizen_more_no_note") }),
          ...(d.questions.length > 0
            ? [t(lang, "officer.citizen_more_questions", { questions: questionNames(turn.ctx.criteria, d.setId, d.setVersion, d.questions) })]
            : []),
        ].join("\n"),
        buttons: column([recordButton(t(lang, "officer.citizen_more_edit"), "ed", d.assessmentId)]),
      };
  }
}

/** The server's decision outcome: answer the officer (with "Tiếp"), tell the citizen. */
export function decided(turn: Turn): boolean {
  const d = turn.ctx.review?.decided;
  if (!d) return false;
  const officer = officerState(turn.s);
  if (officer.awaiting) setOfficerState(turn.s, { ...officer, awaiting: undefined });
  if (!d.ok) {
    refusal(turn, d.code, d.earlier);
    return true;
  }
  const { t, lang } = tr(turn);
  const name = d.fullName ?? t(lang, "officer_notice.no_name");
  const done =
    d.revisedFrom !== undefined
      ? t(lang, "officer.done_revised", { name, from: statusName(t, lang, d.revisedFrom), to: statusName(t, lang, d.decision) })
      : d.decision === "confirmed" ? t(lang, "officer.done_confirmed", { name })
    : d.decision === "rejected" ? t(lang, "officer.done_rejected", { name })
    : t(lang, "officer.done_more", { name });
  say(turn, {
    text: `${done}\n${t(lang, "officer.pending_left", { n: d.pending })}`,
    buttons: d.pending > 0 ? column([recordButton(t(lang, "officer.next"), "nx")]) : undefined,
  });
  tellCitizen(turn, d);
  return true;
}

/** A decision made on the dashboard: the citizen is told; the officer, who sees the outcome there, is not. */
export function decidedElsewhere(turn: Turn): void {
  const d = turn.ctx.review?.decided;
  if (!d?.ok) return;
  const officer = officerState(turn.s);
  if (officer.awaiting?.id === d.assessmentId) setOfficerState(turn.s, { ...officer, awaiting: undefined });
  tellCitizen(turn, d);
}

/** "Tiếp": the oldest waiting submission's card, or that the queue is empty. */
export function nextCard(turn: Turn): boolean {
  const next = turn.ctx.review?.next;
  if (!next) return false;
  const { t, lang } = tr(turn);
  if (!next.card) say(turn, { text: t(lang, "officer.queue_empty") });
  else say(turn, cardMessage(t, lang, turn.ctx.criteria, next.card, "open"));
  return true;
}
