// Question-level helpers of the public API.
import { questionModule } from "./registry.ts";
import { setIndex } from "./set-index.ts";
import type { AnswerErrorCode, AnswerValue, CompetencyGroup, CriteriaSet, Indicator, Question } from "./types.ts";

/** null when `value` is a valid answer to `question`; otherwise wrong_type, unknown_option or out_of_range. */
export function checkAnswer(question: Question, value: unknown): AnswerErrorCode | null {
  return questionModule(question).validate(question, value);
}

/** Points `value` earns on its own (before the indicator's cap); 0 for a value checkAnswer rejects. */
export function questionPoints(question: Question, value: AnswerValue): number {
  const module = questionModule(question);
  return module.validate(question, value) === null ? module.points(question, value) : 0;
}

/** The most points one answer to `question` can earn. */
export function questionMaxPoints(question: Question): number {
  return questionModule(question).maxPoints(question);
}

/** Every question with its indicator and group, in set order. */
export function allQuestions(set: CriteriaSet): { question: Question; indicator: Indicator; group: CompetencyGroup }[] {
  return setIndex(set).entries.map(({ question, indicator, group }) => ({ question, indicator, group }));
}

export function findQuestion(set: CriteriaSet, id: string): Question | undefined {
  return setIndex(set).byId.get(id)?.question;
}
