// Becoming an officer: an invitation (Telegram start link, web chat ?o=, the code typed on Zalo) opened
// before consent waits in the state; once the person has consented the server accepts it (single use).
import { column, recordButton, say, tr, type Turn } from "../turn.ts";
import { officerState, setOfficerState } from "./officer-state.ts";
import type { ReviewNeed } from "../../review.ts";

/** An invitation seen before consent: kept until the person exists. */
export function keepInvitation(turn: Turn, need: Extract<ReviewNeed, { kind: "accept" }>): void {
  setOfficerState(turn.s, { ...officerState(turn.s), invite: need.secret });
  const { t, lang } = tr(turn);
  say(turn, { text: t(lang, "officer.invite_after_consent") });
}

/** The server's answer to an invitation: welcome the officer, or say why not. */
export function invitationAnswered(turn: Turn): boolean {
  const accepted = turn.ctx.review?.accepted;
  if (!accepted) return false;
  const officer = officerState(turn.s);
  if (officer.invite) setOfficerState(turn.s, { ...officer, invite: undefined });
  const { t, lang } = tr(turn);
  if (!accepted.ok) {
    const text =
      accepted.code === "used" ? t(lang, "officer.invite_used")
      : accepted.code === "expired" ? t(lang, "officer.invite_expired")
      : t(lang, "officer.invite_unknown");
    say(turn, { text });
    return true;
  }
  say(turn, {
    title: t(lang, "officer.invite_title"),
    text: accepted.role === "lead"
      ? t(lang, "officer.invite_done_lead", { unit: accepted.unitName, code: accepted.unitCode })
      : t(lang, "officer.invite_done", { unit: accepted.unitName, code: accepted.unitCode }),
    buttons: column([
      recordButton(t(lang, "officer.queue_button"), "q"),
      recordButton(t(lang, "officer.prefs_digest_button"), "pm", "digest"),
    ]),
  });
  return true;
}
