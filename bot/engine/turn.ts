// One step in progress: a draft of the state and what the step says and asks for. Handlers change the
// draft, add messages and effects, and ask for the current prompt to be shown (last, by the router).
import { LANGS, type Addressee, type Button, type Effect, type Lane, type OutMessage, type StepContext, type Translate, type Lang } from "../types.ts";
import { encodeButton, encodeRecordButton } from "./buttons.ts";
import type { CampaignRef, ConversationState, Dialog, Step } from "./state.ts";
import type { LocalText, TargetGroup } from "../../rules/index.ts";
import { yearIn } from "./text.ts";
import { addressFor, addressParams, addressWord, fillAddress, type Address } from "./address.ts";

export interface Turn {
  readonly ctx: StepContext;
  s: ConversationState;
  messages: OutMessage[];
  effects: Effect[];
  /** Show the current prompt at the end of the step. */
  wantPrompt: boolean;
  /** The platform id of the message whose button was tapped, when the channel knows it. */
  tappedMessageId?: string;
  /** The prompt rendered last in this step replaces that message in place (a multi-choice tick). */
  replaceTapped?: boolean;
  /** The campaign message this event answers (its button, or the first event after it): an opt-out is attributed to it. */
  campaign?: CampaignRef;
}

export function newTurn(s: ConversationState, ctx: StepContext): Turn {
  return { ctx, s, messages: [], effects: [], wantPrompt: false };
}

export { ELDER_AGE, type Address } from "./address.ts";

/** The evaluation year of a step's clock, worked out once per step context. */
const years = new WeakMap<StepContext, number>();

function yearOf(ctx: StepContext): number {
  let year = years.get(ctx);
  if (year === undefined) years.set(ctx, (year = yearIn(ctx.now, ctx.timeZone)));
  return year;
}

/** How someone (a citizen read about by an officer, say) would be addressed in their own chat now. */
export function addressAt(ctx: StepContext, who: { targetGroup?: TargetGroup; birthYear?: number | null }): Address {
  return addressFor(who, yearOf(ctx));
}

export function addressOf(turn: Pick<Turn, "s" | "ctx">): Address {
  return addressAt(turn.ctx, turn.s.profile);
}

/**
 * Pronouns worked out before, per translate function (the server's lives as long as the process):
 * every text of a step asks for one, and the lookup is not free.
 */
const pronouns = new WeakMap<Translate, Map<string, string>>();

/** The pronoun for the citizen ("ông/bà", "anh/chị", "bạn"; "you"), from the locale. */
export function pronoun(turn: Pick<Turn, "s" | "ctx">): string {
  const address = addressOf(turn);
  let known = pronouns.get(turn.ctx.t);
  if (!known) pronouns.set(turn.ctx.t, (known = new Map()));
  const key = `${turn.s.lang}|${address}`;
  let you = known.get(key);
  if (you === undefined) known.set(key, (you = addressWord(turn.ctx.t, turn.s.lang, address)));
  return you;
}

/**
 * The translate function of this turn: every text may say {{you}} (or {{You}} at the start of a
 * sentence) and gets the citizen's form of address.
 */
export function tr(turn: Turn): { t: Translate; lang: Lang } {
  const address = addressParams(pronoun(turn));
  const translate = turn.ctx.t;
  const t: Translate = (lang, key, params) => translate(lang, key, params ? { ...address, ...params } : address);
  return { t, lang: turn.s.lang };
}

/** A text of the criteria set, with {{you}} / {{You}} filled in as in tr(). */
export function setText(turn: Turn, text: LocalText): string {
  return fillAddress(text, turn.s.lang, pronoun(turn));
}

export function say(turn: Turn, msg: OutMessage): void {
  turn.messages.push(msg);
}

/**
 * A message to someone other than this chat, rendered once per language: each recipient gets the
 * version in its own. Its buttons must be record buttons (recordButton): they reach other conversations.
 */
export function sayTo(turn: Turn, to: Addressee, render: (lang: Lang) => OutMessage, lane?: Lane): void {
  for (const lang of LANGS) {
    turn.messages.push({ ...render(lang), to: structuredClone(to), lang, ...(lane !== undefined ? { lane } : {}) });
  }
}

/** Longest text we send in one message (Zalo allows 2000 characters, Telegram 4096). */
export const MAX_TEXT = 1800;

/** Lines as one message, or several when too long (split between lines; the title goes on the first). */
export function sayLines(turn: Turn, lines: readonly string[], title?: string): void {
  let chunk: string[] = [];
  let length = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    turn.messages.push({ ...(title !== undefined ? { title } : {}), text: chunk.join("\n") });
    title = undefined;
    chunk = [];
    length = 0;
  };
  for (const line of lines) {
    const chars = Array.from(line).slice(0, MAX_TEXT);
    if (length + chars.length + 1 > MAX_TEXT) flush();
    chunk.push(chars.join(""));
    length += chars.length + 1;
  }
  flush();
}

/** Effects are copies: they never share arrays or objects with the state. */
export function emit(turn: Turn, effect: Effect): void {
  turn.effects.push(structuredClone(effect));
}

/** A new prompt: the nonce changes, so buttons of earlier messages become stale. */
export function bump(turn: Turn): void {
  turn.s.seq += 1;
}

export function setStep(turn: Turn, step: Step, prompt = true): void {
  turn.s.step = step;
  bump(turn);
  if (prompt) turn.wantPrompt = true;
}

export function openDialog(turn: Turn, dialog: Dialog): void {
  turn.s.dialog = dialog;
  bump(turn);
  turn.wantPrompt = true;
}

export function closeDialog(turn: Turn): void {
  if (turn.s.dialog === undefined) return;
  delete turn.s.dialog;
  bump(turn);
  turn.wantPrompt = true;
}

export function reprompt(turn: Turn): void {
  turn.wantPrompt = true;
}

/** A button of the prompt being rendered now. */
export function button(turn: Turn, label: string, action: string, typed?: string): Button {
  const b: Button = { label, data: encodeButton(turn.s.seq, action) };
  if (typed !== undefined) b.typed = typed;
  return b;
}

/** A button that refers to a record: valid for days, whatever prompt was shown since. */
export function recordButton(label: string, action: string, ...args: string[]): Button {
  return { label, data: encodeRecordButton(action, ...args) };
}

/** Rows of one button each. */
export function column(buttons: Button[]): Button[][] {
  return buttons.map((b) => [b]);
}

/** Rows of `size` buttons each. */
export function rows(buttons: Button[], size: number): Button[][] {
  const out: Button[][] = [];
  for (let i = 0; i < buttons.length; i += size) out.push(buttons.slice(i, i + size));
  return out;
}
