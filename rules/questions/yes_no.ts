// yes_no: the answer is a boolean; it earns yesPoints or noPoints.
import { z } from "zod";
import { pointsSchema, questionBaseShape } from "../schema-base.ts";
import type { YesNoQuestion } from "../types.ts";
import type { QuestionModule } from "./module.ts";

export const yesNoSchema = z.strictObject({
  ...questionBaseShape,
  type: z.literal("yes_no"),
  yesPoints: pointsSchema,
  noPoints: pointsSchema,
});

export const yesNo = {
  type: "yes_no",
  schema: yesNoSchema,
  checkStructure: () => [],
  validate(_question, value) {
    return typeof value === "boolean" ? null : "wrong_type";
  },
  points(question, value) {
    return value === true ? question.yesPoints : value === false ? question.noPoints : 0;
  },
  maxPoints(question) {
    return Math.max(question.yesPoints, question.noPoints);
  },
} satisfies QuestionModule<YesNoQuestion>;
