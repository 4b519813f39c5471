// Property tests on the shipped sets with generated answers.
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allQuestions, checkAnswer, contentHash, findQuestion, questionPoints, score } from "../../rules/index.ts";
import type { Answers, ScoreResult } from "../../rules/index.ts";
import { SETS_DIR, SHIPPED_FILES, candidateValues, fullAnswersArb, mustParse, nearBestAnswersArb, partialAnswersArb, readJson, shippedSets } from "./support.ts";

function resultOf(outcome: ReturnType<typeof score>): ScoreResult {
  if (!outcome.ok) throw new Error(`unexpected errors ${JSON.stringify(outcome.errors)}`);
  return outcome.result;
}

/** Every path (as keys) to a points-like number in the raw JSON of a set. */
function pointPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => pointPaths(item, [...path, i]));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, member]) =>
    typeof member === "number" && /^(points|yesPoints|noPoints|maxPoints)$/.test(key) ? [[...path, key]] : pointPaths(member, [...path, key]),
  );
}

function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, random)]));
}

for (const [k, set] of shippedSets.entries()) {
  const raw = readJson(join(SETS_DIR, SHIPPED_FILES[k]!)) as Record<string, unknown>;
  const questions = allQuestions(set).map((e) => e.question);

  describe(`properties of ${set.id}`, () => {
    it("total, groups and indicators stay within [0, max] for any valid answers", () => {
      fc.assert(
        fc.property(partialAnswersArb(set), (answers) => {
          const result = resultOf(score(set, answers));
          expect(result.total).toBeGreaterThanOrEqual(0);
          expect(result.total).toBeLessThanOrEqual(result.max);
          for (const row of [...result.groups, ...result.indicators]) {
            expect(row.points).toBeGreaterThanOrEqual(0);
            expect(row.points).toBeLessThanOrEqual(row.max);
          }
          expect(result.groups.reduce((sum, g) => sum + g.points, 0)).toBeCloseTo(result.total, 9);
        }),
      );
    });

    it("choosing a better answer to any one question never lowers the total nor turns dat into chua_dat", () => {
      let datSeen = 0;
      fc.assert(
        fc.property(fc.oneof(fullAnswersArb(set), nearBestAnswersArb(set)), (answers) => {
          const before = resultOf(score(set, answers));
          if (before.verdict === "dat") datSeen++;
          for (const question of questions) {
            const current = questionPoints(question, answers[question.id]!);
            for (const value of candidateValues(question)) {
              if (questionPoints(question, value) < current) continue;
              const after = resultOf(score(set, { ...answers, [question.id]: value }));
              expect(after.total, `${question.id} = ${JSON.stringify(value)}`).toBeGreaterThanOrEqual(before.total);
              if (before.verdict === "dat") expect(after.verdict, `${question.id} = ${JSON.stringify(value)}`).toBe("dat");
            }
          }
        }),
        { numRuns: 100 },
      );
      expect(datSeen).toBeGreaterThan(0);
    });

    it("is deterministic and independent of the set object and the answers' key order", () => {
      const fresh = mustParse(structuredClone(raw));
      fc.assert(
        fc.property(partialAnswersArb(set), (answers) => {
          const reversed = Object.fromEntries(Object.entries(answers).reverse());
          const first = score(set, answers);
          expect(score(set, answers)).toEqual(first);
          expect(score(fresh, structuredClone(answers))).toEqual(first);
          expect(score(set, reversed)).toEqual(first);
        }),
      );
    });

    it("reports exactly the invalid answers, each once", () => {
      const ids = [...questions.map((q) => q.id), "unknown_id"];
      const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), fc.constant(null));
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...ids), junk), (answers) => {
          const expected = Object.entries(answers).flatMap(([id, value]) => {
            const question = findQuestion(set, id);
            const code = question ? checkAnswer(question, value) : "unknown_question";
            return code === null ? [] : [{ questionId: id, code }];
          });
          const outcome = score(set, answers as Answers);
          if (expected.length === 0) expect(outcome.ok).toBe(true);
          else expect(outcome).toEqual({ ok: false, errors: expected });
        }),
      );
    });

    it("changes the hash when any points value changes", () => {
      const hash = contentHash(set);
      const paths = pointPaths(raw);
      expect(paths.length).toBeGreaterThan(50);
      fc.assert(
        fc.property(fc.constantFrom(...paths), fc.integer({ min: 1, max: 5 }), (path, delta) => {
          const changed = structuredClone(raw);
          let node: any = changed;
          for (const key of path.slice(0, -1)) node = node[key];
          node[path.at(-1)!] += delta;
          expect(contentHash(mustParse(changed))).not.toBe(hash);
        }),
      );
    });

    it("keeps the hash when keys are reordered", () => {
      const hash = contentHash(set);
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          let state = seed >>> 0;
          const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
          const shuffled = shuffleKeys(raw, random);
          expect(contentHash(mustParse(shuffled))).toBe(hash);
        }),
        { numRuns: 50 },
      );
    });
  });
}
