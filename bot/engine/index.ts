// The conversation engine: a pure step from (state, event) to (state, messages, effects).
// No I/O: time comes from ctx.now, texts from ctx.t, units and criteria sets from ctx.
import type { CommandName, Effect, InboundEvent, OutMessage, StepContext } from "../types.ts";
import { decodeButton, decodeRecordButton } from "./buttons.ts";
import { parseCommand } from "./commands/parse.ts";
import { runCommand, dialogButton, dialogEvent } from "./flows/commands.ts";
import { officerEvent } from "./flows/officer-route.ts";
import { recordButtonTap } from "./flows/records.ts";
import { systemEvent } from "./flows/system.ts";
import { welcome } from "./flows/onboarding.ts";
import { handlerOf, renderPrompt } from "./flows/registry.ts";
import { initialState, type ConversationState } from "./state.ts";
import { newTurn, reprompt, say, tr, emit, type Turn } from "./turn.ts";

export { initialState, parseState, STATE_VERSION, TARGET_GROUPS } from "./state.ts";
export type { ConversationState, Step, StepKind, Dialog, AssessmentState, ProfileState } from "./state.ts";
export { decodeButton, decodeRecordButton, encodeButton, encodeRecordButton, MAX_BUTTON_DATA_BYTES } from "./buttons.ts";
export { parseCommand, commandWords, COMMAND_NAMES, type ParsedCommand } from "./commands/parse.ts";
export { commandMenu, type MenuEntry } from "./commands/menu.ts";

export interface StepResult {
  state: ConversationState;
  messages: OutMessage[];
  effects: Effect[];
}

/** The same button again within this many ms is a double tap: answered once, the second changes nothing. */
export const DOUBLE_TAP_MS = 1000;

/** Prompts that lead to other prompts (a question no longer visible …) settle within a few rounds. */
const MAX_PROMPT_ROUNDS = 5;

export function step(state: ConversationState | null, event: InboundEvent, ctx: StepContext): StepResult {
  const turn = newTurn(state === null ? initialState() : structuredClone(state), ctx);
  route(turn, event);
  for (let i = 0; turn.wantPrompt && i < MAX_PROMPT_ROUNDS; i++) {
    turn.wantPrompt = false;
    renderPrompt(turn);
  }
  return { state: turn.s, messages: turn.messages, effects: turn.effects };
}

function stale(turn: Turn): void {
  const { t, lang } = tr(turn);
  say(turn, { text: t(lang, "button.stale") });
  reprompt(turn);
}

/** A command; on first contact the welcome and the consent question follow what it says. */
function command(turn: Turn, name: CommandName, arg: string | undefined): void {
  runCommand(turn, name, arg);
  if (turn.s.step.kind === "new" && turn.s.dialog === undefined) welcome(turn);
}

function doubleTap(turn: Turn, data: string): boolean {
  const last = turn.s.lastTap;
  const now = turn.ctx.now.getTime();
  return last !== undefined && last.data === data && now >= last.at && now - last.at < DOUBLE_TAP_MS;
}

function route(turn: Turn, event: InboundEvent): void {
  if (event.type === "system") return systemEvent(turn, event);
  // The first event after a campaign message answers it; later ones do not.
  if (turn.s.lastCampaign) {
    turn.campaign = turn.s.lastCampaign;
    delete turn.s.lastCampaign;
  }
  // Officer work (a typed reason, /queue, an invitation) before the citizen's flow sees the event.
  if (officerEvent(turn, event)) return;
  if (event.type === "button") {
    // A double tap: the first tap was answered; the second says nothing (no "old button", no prompt).
    if (doubleTap(turn, event.data)) return;
    turn.s.lastTap = { data: event.data, at: turn.ctx.now.getTime() };
    if (event.messageId !== undefined) turn.tappedMessageId = event.messageId;
    const record = decodeRecordButton(event.data);
    if (record) {
      if (!recordButtonTap(turn, record)) stale(turn);
      return;
    }
  } else {
    delete turn.s.lastTap;
  }
  if (event.type === "unfollow") {
    emit(turn, { type: "account.unreachable", reason: "unfollow" });
    return;
  }
  if (event.type === "command") return command(turn, event.name, event.arg);
  if (event.type === "text") {
    const typed = parseCommand(event.text);
    if (typed?.kind === "command") {
      // "Tiếp tục" typed where the evidence step shows a "Tiếp tục" button means that button.
      const step = turn.s.step;
      if (typed.word && typed.name === "start" && step.kind === "evidence" && turn.s.dialog === undefined) {
        handlerOf(step).button?.(turn, step, ["e", "n"]);
        return;
      }
      return command(turn, typed.name, typed.arg);
    }
    if (turn.s.step.kind === "new") return welcome(turn);
    if (typed?.kind === "unknown") {
      const { t, lang } = tr(turn);
      say(turn, { text: t(lang, "hint.unknown_command") });
      return reprompt(turn);
    }
  }
  if (event.type === "attachment" && turn.s.consentVersion === undefined) {
    // Before consent (or right after /delete) nothing personal is kept, a photo least of all.
    const { t, lang } = tr(turn);
    emit(turn, { type: "attachment.discard", ref: event.ref });
    say(turn, { text: t(lang, "evidence.before_consent") });
    if (turn.s.step.kind === "new") return welcome(turn);
    return reprompt(turn);
  }
  if (turn.s.step.kind === "new") return welcome(turn);
  if (turn.s.dialog !== undefined) {
    if (event.type !== "button") return dialogEvent(turn, event);
    const decoded = decodeButton(event.data);
    if (!decoded || decoded.seq !== turn.s.seq || !dialogButton(turn, decoded.action)) stale(turn);
    return;
  }
  const step = turn.s.step;
  const handler = handlerOf(step);
  const { t, lang } = tr(turn);
  switch (event.type) {
    case "text":
      if (handler.text) return handler.text(turn, step, event.text);
      say(turn, { text: t(lang, "hint.use_buttons") });
      return reprompt(turn);
    case "button": {
      const decoded = decodeButton(event.data);
      if (handler.anyButton && handler.button) {
        handler.button(turn, step, decoded?.action ?? []);
        return;
      }
      if (!decoded || decoded.seq !== turn.s.seq || !handler.button?.(turn, step, decoded.action)) stale(turn);
      return;
    }
    case "attachment":
      if (handler.attachment) return handler.attachment(turn, step, event);
      emit(turn, { type: "attachment.discard", ref: event.ref });
      say(turn, { text: t(lang, "evidence.not_needed") });
      return;
    case "contact":
      if (handler.contact) return handler.contact(turn, step, event);
      return reprompt(turn);
  }
}
