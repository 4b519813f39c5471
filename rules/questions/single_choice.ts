// single_choice: the answer is one option id; it earns that option's points.
import { z } from "zod";
import { choiceOptionSchema, questionBaseShape } from "../schema-base.ts";
import type { SingleChoiceQuestion } from "../types.ts";
import { checkOptions, optionPoints } from "./choice.ts";
import type { QuestionModule } from "./module.ts";

export const singleChoiceSchema = z.strictObject({
  ...questionBaseShape,
  type: z.literal("single_choice"),
  options: z.array(choiceOptionSchema).min(1),
});

export const singleChoice = {
  type: "single_choice",
  schema: singleChoiceSchema,
  checkStructure: checkOptions,
  validate(question, value) {
    if (typeof value !== "string") return "wrong_type";
    return optionPoints(question.options, value) === undefined ? "unknown_option" : null;
  },
  points(question, value) {
    return typeof value === "string" ? (optionPoints(question.options, value) ?? 0) : 0;
  },
  maxPoints(question) {
    let best = 0;
    for (const option of question.options) if (option.points > best) best = option.points;
    return best;
  },
} satisfies QuestionModule<SingleChoiceQuestion>;
