// Question types registered by name: the engine never switches on a question's type elsewhere.
import type { Question, QuestionType } from "../../../rules/index.ts";
import { multiChoice } from "./multi-choice.ts";
import { numberQuestion } from "./number.ts";
import { singleChoice } from "./single-choice.ts";
import type { QuestionModule } from "./types.ts";
import { yesNo } from "./yes-no.ts";

type Registry = { [K in QuestionType]: QuestionModule<Extract<Question, { type: K }>> };

export const questionTypes: Registry = {
  single_choice: singleChoice,
  multi_choice: multiChoice,
  number: numberQuestion,
  yes_no: yesNo,
};

export function questionModule<Q extends Question>(q: Q): QuestionModule<Q> {
  return questionTypes[q.type] as unknown as QuestionModule<Q>;
}
