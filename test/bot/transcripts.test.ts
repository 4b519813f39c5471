// Every transcript fixture: the messages (titles, texts, button labels) and effects of each step, the
// button data of every message, and the same result when the state goes through JSON between steps.
// UPDATE_TRANSCRIPTS=1 rewrites the expected outputs (review the diff!).
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeButton, decodeRecordButton, MAX_BUTTON_DATA_BYTES } from "../../bot/engine/index.ts";
import { TRANSCRIPTS } from "./support/context.ts";
import { play, readTranscript, shown, transcriptFiles, type Transcript } from "./support/transcript.ts";

const update = process.env.UPDATE_TRANSCRIPTS === "1";

/** JSON with short arrays and objects kept on one line, for readable diffs. */
function formatJson(value: unknown, indent = ""): string {
  const flat = JSON.stringify(value);
  if (flat === undefined || typeof value !== "object" || value === null || indent.length + flat.length <= 110) return flat ?? "null";
  const inner = indent + "  ";
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + formatJson(v, inner)).join(",\n")}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`);
  return `{\n${entries.join(",\n")}\n${indent}}`;
}

describe.each(transcriptFiles())("transcript %s", (file) => {
  const transcript: Transcript = readTranscript(file);

  it(transcript.description, () => {
    const { played } = play(transcript);
    if (update) {
      transcript.steps.forEach((s, i) => {
        s.out = shown(played[i]!.messages);
        s.effects = played[i]!.effects;
      });
      writeFileSync(`${TRANSCRIPTS}${file}`, formatJson(transcript) + "\n");
    }
    transcript.steps.forEach((s, i) => {
      const p = played[i]!;
      const where = `step ${i}${s.note ? ` (${s.note})` : ""}: ${JSON.stringify(s.in)}`;
      expect(shown(p.messages), where).toEqual(s.out ?? []);
      expect(p.effects, where).toEqual(s.effects ?? []);
      if (s.state) expect(p.state, where).toMatchObject(s.state);
      for (const m of p.messages) {
        for (const b of (m.buttons ?? []).flat()) {
          expect(b.label.length, where).toBeGreaterThan(0);
          // A button that refers to a record is valid for days; longer data goes through a server token.
          if (decodeRecordButton(b.data) !== null) continue;
          // Addressed messages reach other conversations: only record buttons make sense there.
          expect(m.to, where).toBeUndefined();
          expect(Buffer.byteLength(b.data, "utf8"), where).toBeLessThanOrEqual(MAX_BUTTON_DATA_BYTES);
          expect(decodeButton(b.data)?.seq, where).toBe(p.state.seq);
        }
      }
    });
  });

  it("gives the same result when the state is stored as JSON and parsed between steps", () => {
    const direct = play(transcript);
    const viaJson = play(transcript, { viaJson: true });
    const strip = (r: typeof direct) =>
      [...r.prelude, ...r.played].map((p) => ({ messages: p.messages, effects: p.effects, state: p.state }));
    expect(strip(viaJson)).toEqual(strip(direct));
  });
});
