// Table-driven: every fixtures/score/*.json holds a small set and cases (answers -> result or errors).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lowIndicators, score } from "../../rules/index.ts";
import type { AnswerError, Answers, ScoreResult } from "../../rules/index.ts";
import { FIXTURES, mustParse, readJson } from "./support.ts";

interface Expect extends Partial<ScoreResult> {
  /** Points of some indicators, by id. */
  indicatorPoints?: Record<string, number>;
  /** Points of some groups, by id. */
  groupPoints?: Record<string, number>;
}
interface Case {
  name: string;
  answers: Answers;
  expect?: Expect;
  errors?: AnswerError[];
}
interface Fixture {
  description: string;
  set: unknown;
  cases: Case[];
}

const dir = join(FIXTURES, "score");
const files = readdirSync(dir).filter((name) => name.endsWith(".json")).sort();

describe("score fixtures", () => {
  it("has fixture files", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of files) {
    const fixture = readJson(join(dir, file)) as Fixture;
    describe(`${file}: ${fixture.description}`, () => {
      const set = mustParse(fixture.set);
      for (const c of fixture.cases) {
        it(c.name, () => {
          const outcome = score(set, c.answers);
          if (c.errors !== undefined) {
            expect(outcome).toEqual({ ok: false, errors: c.errors });
            return;
          }
          if (!outcome.ok) throw new Error(`unexpected errors: ${JSON.stringify(outcome.errors)}`);
          const { indicatorPoints, groupPoints, ...fields } = c.expect ?? {};
          // Every case pins at least the verdict and the total.
          expect(fields.verdict).toBeDefined();
          expect(fields.total).toBeDefined();
          const result = outcome.result;
          for (const [key, value] of Object.entries(fields)) expect(result[key as keyof ScoreResult], key).toEqual(value);
          for (const [id, points] of Object.entries(indicatorPoints ?? {})) {
            expect(result.indicators.find((row) => row.id === id)?.points, `indicator ${id}`).toBe(points);
          }
          for (const [id, points] of Object.entries(groupPoints ?? {})) {
            expect(result.groups.find((row) => row.id === id)?.points, `group ${id}`).toBe(points);
          }
          // Invariants of every result.
          expect(result.total).toBe(result.groups.reduce((sum, g) => Math.round((sum + g.points) * 1e6) / 1e6, 0));
          for (const row of result.indicators) expect(row.points).toBeLessThanOrEqual(row.max);
          if (result.verdict === "incomplete") expect(result.reasons).toEqual([]);
          if (result.verdict !== "incomplete") {
            expect(result.advice.map((a) => a.indicatorId)).toEqual(
              lowIndicators(set, result).filter((i) => i.advice !== undefined).map((i) => i.id),
            );
          }
        });
      }
    });
  }
});
