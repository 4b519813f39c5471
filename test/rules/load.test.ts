// parseCriteriaSet: zod problems and structural problems, each with its exact path.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contentHash, parseCriteriaSet } from "../../rules/index.ts";
import type { SetProblem } from "../../rules/index.ts";
import { FIXTURES, readJson } from "./support.ts";

type Json = Record<string, any>;
const valid = readJson(join(FIXTURES, "load/valid.json")) as Json;
const Q = (g: number, i: number, q: number) => `groups[${g}].indicators[${i}].questions[${q}]`;

function problemsOf(mutate: (set: Json) => void): SetProblem[] {
  const set = structuredClone(valid);
  mutate(set);
  const outcome = parseCriteriaSet(set);
  return outcome.ok ? [] : outcome.problems;
}

describe("parseCriteriaSet", () => {
  it("accepts the valid fixture, applies defaults and returns its content hash", () => {
    const outcome = parseCriteriaSet(structuredClone(valid));
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    const questions = outcome.set.groups.flatMap((g) => g.indicators.flatMap((i) => i.questions));
    expect(questions.map((q) => [q.id, q.required])).toEqual([["s1", true], ["m1", true], ["n1", true], ["y1", true], ["y2", false]]);
    expect(outcome.hash).toBe(contentHash(outcome.set));
    expect(outcome.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not modify its input", () => {
    const input = structuredClone(valid);
    parseCriteriaSet(input);
    expect(input).toEqual(valid);
  });

  // Each case breaks one thing and must yield exactly one problem at exactly this path.
  const cases: [string, (s: Json) => void, string, RegExp][] = [
    ["not an object", () => {}, "", /expected object/],
    ["missing vi in the set title", (s) => delete s.title.vi, "title.vi", /required/],
    ["missing vi in an option label", (s) => delete s.groups[0].indicators[0].questions[0].options[2].label.vi, `${Q(0, 0, 0)}.options[2].label.vi`, /required/],
    ["blank vi text", (s) => (s.groups[0].indicators[1].questions[0].prompt.vi = "  "), `${Q(0, 1, 0)}.prompt.vi`, /empty/],
    ["empty en text", (s) => (s.groups[1].title.en = ""), "groups[1].title.en", /empty/],
    ["unknown field (typo)", (s) => (s.groups[0].indicators[0].questions[0].requried = false), `${Q(0, 0, 0)}.requried`, /unknown field/],
    ["unknown question type", (s) => (s.groups[0].indicators[1].questions[1].type = "yesno"), `${Q(0, 1, 1)}.type`, /single_choice, multi_choice, number, yes_no/],
    ["wrong target group", (s) => (s.targetGroup = "farmer"), "targetGroup", /worker/],
    ["points as a string", (s) => (s.groups[0].indicators[0].questions[0].options[1].points = "3"), `${Q(0, 0, 0)}.options[1].points`, /expected number, got string/],
    ["negative points", (s) => (s.groups[0].indicators[0].questions[0].options[0].points = -1), `${Q(0, 0, 0)}.options[0].points`, /0/],
    ["indicator maxPoints 0", (s) => (s.groups[1].indicators[0].maxPoints = 0), "groups[1].indicators[0].maxPoints", /0/],
    ["multi_choice maxPoints 0", (s) => (s.groups[0].indicators[0].questions[1].maxPoints = 0), `${Q(0, 0, 1)}.maxPoints`, /0/],
    ["an id with spaces", (s) => (s.groups[0].indicators[0].id = "chỉ số 1"), "groups[0].indicators[0].id", /letters, digits/],
    ["no groups", (s) => (s.groups = []), "groups", /1/],
    ["an indicator without questions", (s) => (s.groups[1].indicators[0].questions = []), "groups[1].indicators[0].questions", /1/],
    ["a number question without bands", (s) => delete s.groups[0].indicators[1].questions[0].bands, `${Q(0, 1, 0)}.bands`, /required/],
    ["showIf with both equals and in", (s) => (s.groups[1].indicators[0].questions[0].showIf.in = [true]), `${Q(1, 0, 0)}.showIf`, /equals|in/],
    ["duplicate group id", (s) => (s.groups[1].id = "g1"), "groups[1].id", /duplicate group id "g1" \(first at groups\[0\]\.id\)/],
    ["duplicate indicator id across groups", (s) => (s.groups[1].indicators[0].id = "i1"), "groups[1].indicators[0].id", /duplicate indicator id "i1"/],
    ["duplicate question id across indicators", (s) => (s.groups[0].indicators[1].questions[0].id = "m1"), `${Q(0, 1, 0)}.id`, /duplicate question id "m1" \(first at groups\[0\]\.indicators\[0\]\.questions\[1\]\.id\)/],
    ["duplicate option id", (s) => (s.groups[0].indicators[0].questions[1].options[2].id = "x"), `${Q(0, 0, 1)}.options[2].id`, /duplicate option id "x"/],
    ["showIf to an unknown question", (s) => (s.groups[0].indicators[1].questions[1].showIf.question = "zz"), `${Q(0, 1, 1)}.showIf.question`, /unknown question "zz"/],
    ["showIf to a later question", (s) => (s.groups[0].indicators[0].questions[1].showIf = { question: "y1", equals: true }), `${Q(0, 0, 1)}.showIf.question`, /earlier/],
    ["showIf to itself", (s) => (s.groups[0].indicators[1].questions[1].showIf = { question: "y1", equals: true }), `${Q(0, 1, 1)}.showIf.question`, /earlier/],
    ["showIf equals an unknown option", (s) => (s.groups[0].indicators[1].questions[1].showIf = { question: "s1", equals: "d" }), `${Q(0, 1, 1)}.showIf.equals`, /unknown_option/],
    ["showIf in with a value of the wrong type", (s) => (s.groups[0].indicators[1].questions[1].showIf.in = ["b", 3]), `${Q(0, 1, 1)}.showIf.in[1]`, /wrong_type/],
    ["showIf equals a string on a multi_choice question", (s) => (s.groups[0].indicators[1].questions[1].showIf = { question: "m1", equals: "x" }), `${Q(0, 1, 1)}.showIf.equals`, /wrong_type/],
    ["showIf equals a number out of range", (s) => (s.groups[0].indicators[1].questions[1].showIf = { question: "n1", equals: 101 }), `${Q(0, 1, 1)}.showIf.equals`, /out_of_range/],
    ["number min above max", (s) => Object.assign(s.groups[0].indicators[1].questions[0], { min: 5, max: 3, bands: [{ min: 0, points: 1 }] }), `${Q(0, 1, 0)}.min`, /greater than max/],
    ["bands not sorted", (s) => (s.groups[0].indicators[1].questions[0].bands[2].min = 5), `${Q(0, 1, 0)}.bands[2].min`, /strictly ascending/],
    ["two bands with the same min", (s) => (s.groups[0].indicators[1].questions[0].bands[1].min = 0), `${Q(0, 1, 0)}.bands[1].min`, /strictly ascending/],
    ["a band above max", (s) => (s.groups[0].indicators[1].questions[0].bands[2].min = 200), `${Q(0, 1, 0)}.bands[2].min`, /above max/],
    ["minTotal above the highest total", (s) => (s.rules.minTotal = 31), "rules.minTotal", /highest possible total \(30\)/],
    ["minPerIndicator above an indicator's maxPoints", (s) => (s.groups[1].indicators[0].maxPoints = 1), "rules.minPerIndicator", /groups\[1\]\.indicators\[0\]/],
    ["minPerGroup above a group's highest points", (s) => (s.rules.minPerGroup = 15), "rules.minPerGroup", /groups\[1\] \(10\)/],
  ];

  for (const [name, mutate, path, message] of cases) {
    it(`reports ${name} at ${path || "the root"}`, () => {
      const problems = name === "not an object" ? (parseCriteriaSet([valid]) as { problems: SetProblem[] }).problems : problemsOf(mutate);
      expect(problems).toEqual([{ path, message: expect.stringMatching(message) }]);
    });
  }

  it("reports every problem of a broken file at once", () => {
    const outcome = parseCriteriaSet(readJson(join(FIXTURES, "load/broken.json")));
    expect(outcome.ok).toBe(false);
    const paths = outcome.ok ? [] : outcome.problems.map((p) => p.path);
    expect(paths.sort()).toEqual(
      [
        `${Q(0, 0, 0)}.prompt.vi`, // missing vi
        `${Q(1, 0, 0)}.id`, // duplicate question id
        `${Q(0, 0, 1)}.showIf.question`, // showIf to a later question
        `${Q(0, 1, 0)}.bands[2].min`, // unsorted bands
      ].sort(),
    );
  });

  it("keeps reporting structural problems next to zod problems in the same question", () => {
    const problems = problemsOf((s) => {
      const q = s.groups[0].indicators[1].questions[0];
      q.bands = [{ min: 10, points: "2" }, { min: 5, points: 1 }];
      q.min = 50;
      q.max = 1;
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        `${Q(0, 1, 0)}.bands[0].points`, // zod: not a number
        `${Q(0, 1, 0)}.min`, // min > max
        `${Q(0, 1, 0)}.bands[0].min`, // above max
        `${Q(0, 1, 0)}.bands[1].min`, // not ascending
        `${Q(0, 1, 0)}.bands[1].min`, // above max
      ].sort(),
    );
  });

  it("reports several unknown fields one by one", () => {
    const problems = problemsOf((s) => Object.assign(s, { extra: 1, "odd key": 2 }));
    expect(problems).toEqual([
      { path: "extra", message: "unknown field" },
      { path: '["odd key"]', message: "unknown field" },
    ]);
  });
});
