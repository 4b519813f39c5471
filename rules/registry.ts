// Question types registered by name: adding a type means one module in questions/ and one line here.
import type { Question, QuestionType } from "./types.ts";
import type { QuestionModule } from "./questions/module.ts";
import { multiChoice } from "./questions/multi_choice.ts";
import { numberQuestion } from "./questions/number.ts";
import { singleChoice } from "./questions/single_choice.ts";
import { yesNo } from "./questions/yes_no.ts";

export type { QuestionModule } from "./questions/module.ts";

export const QUESTION_TYPES = {
  single_choice: singleChoice,
  multi_choice: multiChoice,
  number: numberQuestion,
  yes_no: yesNo,
} as const satisfies { [T in QuestionType]: QuestionModule<Extract<Question, { type: T }>> };

export const QUESTION_TYPE_NAMES = Object.keys(QUESTION_TYPES) as QuestionType[];

/** The module implementing `question`'s type. */
export function questionModule<Q extends Question>(question: Q): QuestionModule<Q> {
  return QUESTION_TYPES[question.type] as unknown as QuestionModule<Q>;
}
