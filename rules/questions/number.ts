// number: a finite number in [min, max] (whole when `integer`); it earns the points of the band with
// the largest `min` not above the value, 0 below the first band.
import { z } from "zod";
import { localTextSchema, pointsSchema, questionBaseShape } from "../schema-base.ts";
import type { NumberQuestion, SetProblem } from "../types.ts";
import { isRecord, type QuestionModule } from "./module.ts";

export const numberSchema = z.strictObject({
  ...questionBaseShape,
  type: z.literal("number"),
  min: z.number(),
  max: z.number(),
  integer: z.boolean().optional(),
  unit: localTextSchema.optional(),
  bands: z.array(z.strictObject({ min: z.number(), points: pointsSchema })).min(1),
});

function checkStructure(raw: Record<string, unknown>, path: string): SetProblem[] {
  const problems: SetProblem[] = [];
  const { min, max, bands } = raw;
  const hasRange = typeof min === "number" && typeof max === "number";
  if (hasRange && min > max) problems.push({ path: `${path}.min`, message: `min (${min}) is greater than max (${max})` });
  if (!Array.isArray(bands)) return problems;
  let previous: { min: number; index: number } | undefined;
  bands.forEach((band, i) => {
    if (!isRecord(band) || typeof band.min !== "number") return;
    const at = `${path}.bands[${i}].min`;
    if (previous && band.min <= previous.min) {
      problems.push({ path: at, message: `bands must be sorted by min, strictly ascending: ${band.min} follows ${previous.min} (bands[${previous.index}])` });
    }
    if (typeof max === "number" && band.min > max) problems.push({ path: at, message: `band starts at ${band.min}, above max (${max}): it can never apply` });
    previous = { min: band.min, index: i };
  });
  return problems;
}

export const numberQuestion = {
  type: "number",
  schema: numberSchema,
  checkStructure,
  validate(question, value) {
    if (typeof value !== "number" || !Number.isFinite(value)) return "wrong_type";
    if (value < question.min || value > question.max) return "out_of_range";
    if (question.integer === true && !Number.isInteger(value)) return "out_of_range";
    return null;
  },
  points(question, value) {
    if (typeof value !== "number") return 0;
    const bands = question.bands;
    for (let i = bands.length - 1; i >= 0; i--) {
      const band = bands[i]!;
      if (band.min <= value) return band.points;
    }
    return 0;
  },
  maxPoints(question) {
    // A band can apply when part of [band.min, next band's min) lies within [min, max].
    let best = 0;
    question.bands.forEach((band, i) => {
      const next = question.bands[i + 1];
      if (band.min <= question.max && (next === undefined || next.min > question.min) && band.points > best) best = band.points;
    });
    return best;
  },
} satisfies QuestionModule<NumberQuestion>;
