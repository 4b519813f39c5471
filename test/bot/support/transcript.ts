// Runs transcript fixtures (test/bot/transcripts/*.json): events in, messages and effects out.
import { readFileSync, readdirSync } from "node:fs";
import type { Effect, InboundEvent, OutMessage, StepContext, UnitInfo } from "../../../bot/types.ts";
import { parseState, step, type ConversationState } from "../../../bot/engine/index.ts";
import { TRANSCRIPTS, loadSetFile, makeContext, catalogOf } from "./context.ts";

/** A tap on the most recent button with this label (or one of an earlier step: `step` index). */
export interface Tap {
  tap: string;
  step?: number;
}

/** advanceMs: the fake clock moves on (double taps, reminders days later). */
export type Input = InboundEvent | Tap | { setSets: string[] } | { advanceMs: number };

export interface ShownMessage {
  /** Addressed messages: the addressee, the language of this version and the lane, when given. */
  to?: OutMessage["to"];
  lang?: OutMessage["lang"];
  lane?: OutMessage["lane"];
  title?: string;
  text: string;
  buttons?: string[][];
}

export interface TranscriptStep {
  note?: string;
  in: Input;
  out?: ShownMessage[];
  effects?: Effect[];
  /** Expected subset of the state after the step. */
  state?: Record<string, unknown>;
}

export interface Transcript {
  description: string;
  sets?: string[];
  units?: UnitInfo[];
  now?: string;
  timeZone?: string;
  /** The person linked to the conversation's account (ctx.personId). */
  personId?: string;
  /** Run the first `steps` inputs of another transcript first, unchecked. */
  prelude?: { file: string; steps: number };
  steps: TranscriptStep[];
}

export interface Played {
  input: Input;
  event: InboundEvent | null;
  messages: OutMessage[];
  effects: Effect[];
  state: ConversationState;
}

export function transcriptFiles(): string[] {
  return readdirSync(TRANSCRIPTS).filter((f) => f.endsWith(".json")).sort();
}

export function readTranscript(file: string): Transcript {
  return JSON.parse(readFileSync(`${TRANSCRIPTS}${file}`, "utf8")) as Transcript;
}

export function shown(messages: readonly OutMessage[]): ShownMessage[] {
  return messages.map((m) => ({
    ...(m.to !== undefined ? { to: m.to } : {}),
    ...(m.lang !== undefined ? { lang: m.lang } : {}),
    ...(m.lane !== undefined ? { lane: m.lane } : {}),
    ...(m.title !== undefined ? { title: m.title } : {}),
    text: m.text,
    ...(m.buttons ? { buttons: m.buttons.map((row) => row.map((b) => b.label)) } : {}),
  }));
}

function findButton(history: readonly Played[], offset: number, tap: Tap): string {
  const candidates = tap.step !== undefined ? [history[offset + tap.step]] : [...history].reverse();
  for (const played of candidates) {
    for (const m of [...(played?.messages ?? [])].reverse()) {
      for (const row of m.buttons ?? []) for (const b of row) if (b.label === tap.tap) return b.data;
    }
  }
  throw new Error(`no button labelled ${JSON.stringify(tap.tap)}`);
}

export interface PlayOptions {
  /** Round-trip the state through JSON and parseState before every step (as the server does). */
  viaJson?: boolean;
}

/** Plays the prelude's and the transcript's inputs. */
export function play(t: Transcript, options: PlayOptions = {}): { prelude: Played[]; played: Played[] } {
  let ctx: StepContext = makeContext({
    sets: (t.sets ?? ["small.json"]).map(loadSetFile),
    ...(t.units ? { units: t.units } : {}),
    ...(t.now ? { now: t.now } : {}),
    ...(t.timeZone ? { timeZone: t.timeZone } : {}),
    ...(t.personId ? { personId: t.personId } : {}),
  });
  let state: ConversationState | null = null;
  const history: Played[] = [];
  let offset = 0;
  const run = (input: Input): Played => {
    if ("setSets" in input) {
      ctx = { ...ctx, criteria: catalogOf(input.setSets.map(loadSetFile)) };
      return { input, event: null, messages: [], effects: [], state: state! };
    }
    if ("advanceMs" in input) {
      ctx = { ...ctx, now: new Date(ctx.now.getTime() + input.advanceMs) };
      return { input, event: null, messages: [], effects: [], state: state! };
    }
    const event: InboundEvent = "tap" in input ? { type: "button", data: findButton(history, offset, input) } : input;
    if (options.viaJson && state !== null) {
      const parsed = parseState(JSON.parse(JSON.stringify(state)));
      if (parsed === null) throw new Error("stored state does not parse");
      state = parsed;
    }
    const result = step(state, event, ctx);
    state = result.state;
    const played = { input, event, messages: result.messages, effects: result.effects, state: result.state };
    history.push(played);
    return played;
  };
  const prelude: Played[] = [];
  if (t.prelude) {
    const before = readTranscript(t.prelude.file);
    for (const s of before.steps.slice(0, t.prelude.steps)) prelude.push(run(s.in));
  }
  offset = history.length;
  const played = t.steps.map((s) => run(s.in));
  return { prelude, played };
}
