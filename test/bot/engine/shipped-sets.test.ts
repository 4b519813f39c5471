// The whole path against each shipped criteria set: best answers pass, worst answers fail, and the
// submitted result is exactly the rules module's score of the submitted answers.
import { describe, expect, it } from "vitest";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { score, type CriteriaSet } from "../../../rules/index.ts";
import { makeContext, keyTranslate } from "../support/context.ts";
import { driveToVerdict } from "../support/driver.ts";
import { createTranslateSync } from "../../../bot/i18n.ts";

const sets: CriteriaSet[] = await loadShippedSets();

describe("shipped criteria sets", () => {
  it("are the four target groups", () => {
    expect(sets.map((s) => s.targetGroup).sort()).toEqual(["public_servant", "resident", "student", "worker"]);
  });

  describe.each(sets.map((s) => [s.targetGroup, s] as const))("%s", (_group, set) => {
    for (const [mode, verdict] of [["best", "dat"], ["worst", "chua_dat"]] as const) {
      it(`${mode} answers everywhere → ${verdict}`, () => {
        const ctx = makeContext({ sets: [set], t: mode === "best" ? keyTranslate : createTranslateSync() });
        const drive = driveToVerdict(set, ctx, mode);
        const submits = drive.effects.filter((e) => e.type === "assessment.submit");
        expect(submits).toHaveLength(1);
        const submit = submits[0]!;
        if (submit.type !== "assessment.submit") throw new Error("unreachable");
        expect(submit.result.verdict).toBe(verdict);
        const outcome = score(set, submit.answers);
        expect(outcome.ok).toBe(true);
        if (outcome.ok) expect(submit.result).toEqual(outcome.result);
        // What the driver chose for the visible questions is exactly what was submitted.
        const chosen = Object.fromEntries(Object.entries(drive.chosen).filter(([id]) => id in submit.answers));
        expect(submit.answers).toEqual(chosen);
        const scoredChosen = score(set, chosen);
        if (scoredChosen.ok) expect(submit.result).toEqual(scoredChosen.result);
        expect(drive.state.assessment?.submitted?.verdict).toBe(verdict);
        for (const m of drive.all) {
          expect(m.text.length).toBeLessThanOrEqual(2000); // Zalo's limit
          expect(m.buttons?.length ?? 0).toBeLessThanOrEqual(10);
          for (const b of (m.buttons ?? []).flat()) {
            expect(Array.from(b.label).length).toBeLessThanOrEqual(40);
            expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
          }
        }
      });
    }
  });
});
