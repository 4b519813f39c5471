// multi_choice: the answer is an array of option ids (empty = none); it earns the sum of the
// distinct chosen options' points, capped at maxPoints when given.
import { z } from "zod";
import { choiceOptionSchema, questionBaseShape } from "../schema-base.ts";
import type { MultiChoiceQuestion } from "../types.ts";
import { checkOptions, optionPoints } from "./choice.ts";
import type { QuestionModule } from "./module.ts";

export const multiChoiceSchema = z.strictObject({
  ...questionBaseShape,
  type: z.literal("multi_choice"),
  options: z.array(choiceOptionSchema).min(1),
  maxPoints: z.number().positive().optional(),
});

function cap(question: MultiChoiceQuestion, sum: number): number {
  return question.maxPoints !== undefined && sum > question.maxPoints ? question.maxPoints : sum;
}

export const multiChoice = {
  type: "multi_choice",
  schema: multiChoiceSchema,
  checkStructure: checkOptions,
  validate(question, value) {
    if (!Array.isArray(value)) return "wrong_type";
    let unknown = false;
    for (const id of value as unknown[]) {
      if (typeof id !== "string") return "wrong_type";
      if (optionPoints(question.options, id) === undefined) unknown = true;
    }
    return unknown ? "unknown_option" : null;
  },
  points(question, value) {
    if (!Array.isArray(value)) return 0;
    let sum = 0;
    for (let i = 0; i < value.length; i++) {
      const id = value[i] as string;
      if (value.indexOf(id) !== i) continue; // count each option once
      sum += optionPoints(question.options, id) ?? 0;
    }
    return cap(question, sum);
  },
  maxPoints(question) {
    let sum = 0;
    for (const option of question.options) sum += option.points;
    return cap(question, sum);
  },
} satisfies QuestionModule<MultiChoiceQuestion>;
