// The four shipped criteria sets: valid, shaped as the domain notes say, and scorable end to end.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allQuestions, parseCriteriaSet, questionMaxPoints, score, visibleQuestions } from "../../rules/index.ts";
import type { CriteriaSet, LocalText, Question } from "../../rules/index.ts";
import { SETS_DIR, SHIPPED_FILES, bestAnswers, readJson, shippedSets, worstAnswers } from "./support.ts";

function texts(set: CriteriaSet): { where: string; text: LocalText }[] {
  const out: { where: string; text: LocalText }[] = [{ where: "title", text: set.title }];
  for (const group of set.groups) {
    out.push({ where: group.id, text: group.title });
    for (const indicator of group.indicators) {
      out.push({ where: indicator.id, text: indicator.title });
      if (indicator.advice) out.push({ where: `${indicator.id}.advice`, text: indicator.advice });
      for (const q of indicator.questions) {
        out.push({ where: q.id, text: q.prompt });
        if (q.help) out.push({ where: `${q.id}.help`, text: q.help });
        if (q.type === "number" && q.unit) out.push({ where: `${q.id}.unit`, text: q.unit });
        if (q.type === "single_choice" || q.type === "multi_choice") for (const o of q.options) out.push({ where: `${q.id}.${o.id}`, text: o.label });
      }
    }
  }
  return out;
}

const questionsOf = (set: CriteriaSet): Question[] => allQuestions(set).map((e) => e.question);

describe("honest answers of people whose work needs no foreign language", () => {
  for (const group of ["resident", "worker", "public_servant"] as const) {
    it(`${group}: "my work needs no foreign language" reaches the language minimum and the title at a high total`, () => {
      const set = shippedSets.find((s) => s.targetGroup === group)!;
      // …and, asked how often they use or learn one, honestly "almost never".
      const answers = { ...bestAnswers(set), lang_level: "not_needed", lang_use: "rarely" };
      const outcome = score(set, answers);
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
      const language = outcome.result.indicators.find((i) => i.id === "language")!;
      expect(language.points).toBeGreaterThanOrEqual(set.rules.minPerIndicator!);
      expect(outcome.result.total).toBeGreaterThanOrEqual(80);
      expect(outcome.result.verdict).toBe("dat");
      // "Chưa biết" (no language, though the work needs one) is still below the minimum.
      const none = score(set, { ...bestAnswers(set), lang_level: "none" });
      if (!none.ok) throw new Error(JSON.stringify(none.errors));
      expect(none.result.indicators.find((i) => i.id === "language")!.points).toBeLessThan(set.rules.minPerIndicator!);
    });
  }

  it("a farmer who only chats on Zalo and knows one more thing on the phone reaches the IT minimum", () => {
    const set = shippedSets.find((s) => s.targetGroup === "resident")!;
    const outcome = score(set, { ...bestAnswers(set), digital_uses: ["chat", "pay"] });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.result.indicators.find((i) => i.id === "digital")!.points).toBeGreaterThanOrEqual(5);
  });
});

describe("the student set", () => {
  it("is for upper secondary school upward and speaks of the school year", () => {
    const set = shippedSets.find((s) => s.targetGroup === "student")!;
    expect(set.title.vi).toContain("THPT");
    const prompts = questionsOf(set).map((q) => q.prompt.vi);
    expect(prompts.filter((p) => p.includes("năm nay"))).toEqual([]);
    expect(prompts.filter((p) => p.includes("năm học này")).length).toBeGreaterThanOrEqual(3);
  });
});

describe("shipped sets", () => {
  it("are the four target groups, one file each, named after the group", () => {
    expect(SHIPPED_FILES).toEqual(["public_servant.json", "resident.json", "student.json", "worker.json"]);
    expect(shippedSets.map((s) => [s.id, s.targetGroup, s.version])).toEqual([
      ["cdht-public_servant", "public_servant", "2026.2"],
      ["cdht-resident", "resident", "2026.2"],
      ["cdht-student", "student", "2026.2"],
      ["cdht-worker", "worker", "2026.2"],
    ]);
  });

  it("use every question type, with a capped multi_choice, a banded number with a unit, a showIf and evidence", () => {
    const all = shippedSets.flatMap(questionsOf);
    expect(new Set(all.map((q) => q.type))).toEqual(new Set(["single_choice", "multi_choice", "number", "yes_no"]));
    for (const set of shippedSets) {
      const qs = questionsOf(set);
      expect(qs.some((q) => q.type === "multi_choice" && q.maxPoints !== undefined), set.id).toBe(true);
      expect(qs.some((q) => q.type === "number" && q.unit !== undefined && q.bands.length > 1), set.id).toBe(true);
      expect(qs.some((q) => q.type === "yes_no"), set.id).toBe(true);
      expect(qs.some((q) => q.showIf !== undefined), set.id).toBe(true);
      expect(qs.filter((q) => q.evidence === true).length, set.id).toBeGreaterThanOrEqual(1);
    }
  });

  for (const [k, set] of shippedSets.entries()) {
    describe(set.id, () => {
      it("validates (and its file parses to the same hash twice)", () => {
        const json = readJson(join(SETS_DIR, SHIPPED_FILES[k]!));
        const a = parseCriteriaSet(json);
        const b = parseCriteriaSet(structuredClone(json));
        expect(a.ok && b.ok && a.hash === b.hash).toBe(true);
      });

      it("has three groups of 4, 4 and 2 indicators worth 10 each, and the 80 / 5 rules", () => {
        expect(set.groups.map((g) => g.indicators.length)).toEqual([4, 4, 2]);
        expect(set.groups.flatMap((g) => g.indicators.map((i) => i.maxPoints))).toEqual(Array(10).fill(10));
        expect(set.rules).toEqual({ minTotal: 80, minPerIndicator: 5 });
        expect(set.source.checkedAgainstOfficialText).toBe(false);
        expect(set.source.text).toContain("324/QĐ-KHVN");
        // Said plainly: the project's own reading, not the official form, replaceable by the unit.
        expect(set.source.text).toContain("không phải mẫu phiếu chính thức");
        expect(set.source.text).toContain("Đơn vị có thể thay");
      });

      it("follows the public order of the ten indicators (Chỉ số 1–10)", () => {
        expect(set.groups.map((g) => g.id)).toEqual(["self_learning", "tools", "social"]);
        expect(set.groups.flatMap((g) => g.indicators.map((i) => i.id))).toEqual([
          "plan", "community", "encourage", "info", "digital", "language", "numeracy", "critical", "relations", "cooperation",
        ]);
        // Group 3's relations include gender equality, cultural diversity and the environment.
        const relations = set.groups[2]!.indicators[0]!;
        const labels = relations.questions.flatMap((q) => (q.type === "multi_choice" ? q.options.map((o) => o.label.vi) : []));
        expect(labels.join(" ")).toMatch(/bình đẳng giới/);
        expect(labels.join(" ")).toMatch(/văn hóa/);
        expect(labels.join(" ")).toMatch(/môi trường/);
      });

      it("never makes the natural good answer \"Có\" cost points", () => {
        for (const q of questionsOf(set)) if (q.type === "yes_no") expect(q.yesPoints, q.id).toBeGreaterThanOrEqual(q.noPoints);
      });

      it("lets the numeracy indicator reach its minimum when one's work needs little calculation", () => {
        const answers = { ...bestAnswers(set), numeracy: "rarely" };
        const outcome = score(set, answers);
        if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
        expect(outcome.result.indicators.find((i) => i.id === "numeracy")!.points).toBeGreaterThanOrEqual(set.rules.minPerIndicator!);
      });

      it("gives every indicator advice and one or two questions that can reach exactly its maxPoints", () => {
        for (const group of set.groups) {
          for (const indicator of group.indicators) {
            expect(indicator.advice, indicator.id).toBeDefined();
            expect(indicator.questions.length, indicator.id).toBeGreaterThanOrEqual(1);
            expect(indicator.questions.length, indicator.id).toBeLessThanOrEqual(2);
            const best = indicator.questions.reduce((sum, q) => sum + questionMaxPoints(q), 0);
            expect(best, indicator.id).toBe(indicator.maxPoints);
          }
        }
      });

      it("has Vietnamese and English everywhere, short labels and standalone prompts without markup", () => {
        for (const { where, text } of texts(set)) {
          expect(text.en, where).toBeTruthy();
          for (const s of [text.vi, text.en!]) expect(s, where).not.toMatch(/[<>*_`]|\n/);
        }
        for (const q of questionsOf(set)) {
          expect(q.prompt.vi.length, q.id).toBeLessThanOrEqual(300);
          expect(q.prompt.vi.trim().endsWith("?"), q.id).toBe(true);
          if (q.type === "single_choice" || q.type === "multi_choice") for (const o of q.options) expect(o.label.vi.length, `${q.id}.${o.id}`).toBeLessThanOrEqual(60);
        }
      });

      it("scores the best option everywhere as dat with 100 points", () => {
        const outcome = score(set, bestAnswers(set));
        expect(outcome.ok && outcome.result).toMatchObject({ verdict: "dat", total: 100, max: 100, missing: [], ignored: [], reasons: [], advice: [] });
      });

      it("shows every question when the best options are chosen", () => {
        expect(visibleQuestions(set, bestAnswers(set))).toHaveLength(questionsOf(set).length);
      });

      it("scores the worst option everywhere as chua_dat with every indicator failing and advised", () => {
        const outcome = score(set, worstAnswers(set));
        if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
        expect(outcome.result.verdict).toBe("chua_dat");
        expect(outcome.result.total).toBe(0);
        expect(outcome.result.reasons.filter((r) => r.code === "indicator_below_min")).toHaveLength(10);
        expect(outcome.result.advice).toHaveLength(10);
      });
    });
  }
});
