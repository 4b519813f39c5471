// Commands available at any point (/start, /help, /status, /lang, /restart, /stop, /delete) and the
// dialogs some of them open (language choice, confirmations).
import type { CommandName, InboundEvent } from "../../types.ts";
import { initialState } from "../state.ts";
import { unitFromPayload } from "../text.ts";
import { button, closeDialog, column, emit, openDialog, reprompt, say, sayTo, tr, type Turn } from "../turn.ts";
import { restartAssessment } from "./assessment.ts";
import { continueOnboarding, setLanguage, welcome } from "./onboarding.ts";
import { statusButtons, statusText } from "./status.ts";

export function runCommand(turn: Turn, name: CommandName, arg: string | undefined): void {
  switch (name) {
    case "start":
      return start(turn, arg);
    case "help": {
      const { t, lang } = tr(turn);
      say(turn, { title: t(lang, "help.title"), text: t(lang, "help.text") });
      return;
    }
    case "status": {
      const { t, lang } = tr(turn);
      say(turn, { title: t(lang, "status.title"), text: statusText(turn), buttons: statusButtons(turn) });
      const kind = turn.s.step.kind;
      if (kind !== "new" && kind !== "declined" && kind !== "submitted") reprompt(turn);
      return;
    }
    case "lang": {
      const wanted = arg?.trim().toLowerCase();
      if (wanted === "vi" || wanted === "en") {
        closeDialog(turn);
        return setLanguage(turn, wanted);
      }
      return openDialog(turn, "lang");
    }
    case "restart":
      if (turn.s.consentVersion === undefined) return start(turn, undefined);
      return openDialog(turn, "restart");
    case "stop": {
      const { t, lang } = tr(turn);
      if (turn.s.consentVersion !== undefined && !turn.s.optedOut) {
        turn.s.optedOut = true;
        emit(turn, { type: "person.optout", ...(turn.campaign ? { campaign: turn.campaign } : {}) });
      }
      say(turn, { text: t(lang, "stop.done") });
      return;
    }
    case "delete":
      return openDialog(turn, "delete");
    case "dashboard":
    case "report":
    case "queue": {
      // Officer work (flows/officer-route.ts) answers /queue for officers; anyone else is told whom it is for.
      const { t, lang } = tr(turn);
      say(turn, { text: t(lang, "officer.not_officer") });
      return;
    }
  }
}

function start(turn: Turn, arg: string | undefined): void {
  const { s } = turn;
  closeDialog(turn);
  const code = unitFromPayload(arg);
  if (code !== null && s.profile.unitId === undefined) s.pendingUnit = code;
  if (s.consentVersion === undefined) return welcome(turn);
  const { t, lang } = tr(turn);
  if (s.optedOut) {
    s.optedOut = false;
    emit(turn, { type: "person.optin" });
    say(turn, { text: t(lang, "start.optin") });
  } else {
    say(turn, { text: t(lang, "start.welcome_back") });
  }
  if (s.step.kind === "unit" && s.pendingUnit !== undefined) return continueOnboarding(turn);
  reprompt(turn);
}

/** Renders the open dialog. */
export function dialogPrompt(turn: Turn): void {
  const { t, lang } = tr(turn);
  switch (turn.s.dialog) {
    case "lang":
      say(turn, {
        text: t(lang, "lang.prompt"),
        buttons: column([button(turn, t(lang, "lang.vi"), "l.vi"), button(turn, t(lang, "lang.en"), "l.en")]),
      });
      return;
    case "restart":
      say(turn, {
        // A submitted assessment waits for the officer: say plainly that restarting takes it back.
        text: turn.s.step.kind === "submitted" ? t(lang, "restart.confirm_submitted") : t(lang, "restart.confirm"),
        buttons: column([button(turn, t(lang, "restart.yes"), "x.y"), button(turn, t(lang, "restart.no"), "x.n")]),
      });
      return;
    case "delete":
      say(turn, {
        text: t(lang, "delete.confirm"),
        buttons: column([button(turn, t(lang, "delete.yes"), "x.y"), button(turn, t(lang, "delete.no"), "x.n")]),
      });
      return;
    case undefined:
      return;
  }
}

/** A tap on the open dialog (nonce checked); false for an unknown action. */
export function dialogButton(turn: Turn, action: readonly string[]): boolean {
  const [name, arg] = action;
  if (action.length !== 2) return false;
  if (turn.s.dialog === "lang" && name === "l" && (arg === "vi" || arg === "en")) {
    closeDialog(turn);
    setLanguage(turn, arg);
    return true;
  }
  if (name !== "x" || (arg !== "y" && arg !== "n")) return false;
  if (arg === "n") {
    closeDialog(turn);
    return true;
  }
  if (turn.s.dialog === "restart") {
    closeDialog(turn);
    if (turn.s.consentVersion === undefined) return true;
    restartAssessment(turn);
    return true;
  }
  if (turn.s.dialog === "delete") {
    erase(turn);
    return true;
  }
  return false;
}

/** Any other event while a dialog is open. */
export function dialogEvent(turn: Turn, event: Exclude<InboundEvent, { type: "button" | "command" | "unfollow" }>): void {
  const { t, lang } = tr(turn);
  if (event.type === "attachment") {
    emit(turn, { type: "attachment.discard", ref: event.ref });
    say(turn, { text: t(lang, "evidence.not_needed") });
    return;
  }
  if (event.type === "text") say(turn, { text: t(lang, "hint.use_buttons") });
  reprompt(turn);
}

/**
 * /delete confirmed: erase everything; the new state remembers only the language. The person's other
 * chats (Telegram and Zalo, say) lose their conversations too and are told why.
 */
function erase(turn: Turn): void {
  const { t, lang } = tr(turn);
  const personId = turn.ctx.personId;
  if (personId !== undefined) {
    sayTo(turn, { kind: "person", personId, accounts: "all" }, (l) => ({ text: t(l, "delete.done_elsewhere") }));
  }
  emit(turn, { type: "person.erase" });
  // The nonce keeps counting so that buttons of erased conversations stay stale.
  turn.s = initialState(lang, turn.s.seq + 1);
  turn.wantPrompt = false;
  say(turn, { text: t(lang, "delete.done") });
}
