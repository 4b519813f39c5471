import { describe, expect, it } from "vitest";
import { initialState, parseState, step } from "../../../bot/engine/index.ts";
import { makeContext } from "../support/context.ts";
import { play, readTranscript } from "../support/transcript.ts";

describe("conversation state", () => {
  it("starts new, in Vietnamese, with a version", () => {
    expect(initialState()).toEqual({ v: 1, lang: "vi", seq: 0, optedOut: false, profile: {}, step: { kind: "new" } });
    expect(parseState(initialState("en"))).toEqual(initialState("en"));
  });

  it("parses every state of the transcripts after a JSON round trip", () => {
    for (const file of ["happy-path.json", "commands.json", "evidence.json"]) {
      for (const p of play(readTranscript(file)).played) {
        expect(parseState(JSON.parse(JSON.stringify(p.state)))).toEqual(p.state);
      }
    }
  });

  it("turns unknown, old or broken states into null", () => {
    expect(parseState(null)).toBeNull();
    expect(parseState("x")).toBeNull();
    expect(parseState({ ...initialState(), v: 0 })).toBeNull();
    expect(parseState({ ...initialState(), v: 2 })).toBeNull();
    expect(parseState({ ...initialState(), lang: "fr" })).toBeNull();
    expect(parseState({ ...initialState(), step: { kind: "somewhere" } })).toBeNull();
    expect(parseState({ ...initialState(), step: { kind: "question" } })).toBeNull();
  });

  it("an unreadable stored state starts over gracefully", () => {
    const r = step(parseState({ v: 0, whatever: true }), { type: "text", text: "1" }, makeContext());
    expect(r.messages.map((m) => m.title)).toEqual(["welcome.title", "consent.title"]);
    expect(r.effects).toEqual([]);
  });

  it("does not change the state it is given", () => {
    const { played } = play(readTranscript("happy-path.json"));
    const before = played[9]!.state;
    const copy = structuredClone(before);
    step(before, { type: "text", text: "1 2" }, makeContext());
    expect(before).toEqual(copy);
  });

  it("after /delete remembers only the language", () => {
    const { played } = play(readTranscript("commands.json"));
    const erased = played.find((p) => p.effects.some((e) => e.type === "person.erase"))!.state;
    expect(erased).toEqual(initialState("en", erased.seq));
  });
});
