// The interface of one question type's renderer and parser (one module per type, see registry.ts).
import type { AnswerValue, Question } from "../../../rules/index.ts";
import type { Lang, Translate } from "../../types.ts";

export interface QuestionView {
  t: Translate;
  lang: Lang;
  /** The answer given earlier, if any. */
  current?: AnswerValue;
  /** multi_choice: the selection being built with toggle buttons. */
  draft?: string[];
}

/** A button of the question without its nonce; action like "a.2". */
export interface AnswerButton {
  label: string;
  action: string;
  /** The typed equivalent the message text offers (e.g. the option's number). */
  typed?: string;
  /** The whole label when `label` is shortened. */
  full?: string;
}

export type Parsed =
  /** A complete answer, to be checked by the rules module and stored. */
  | { kind: "answer"; value: AnswerValue }
  /** multi_choice: a new selection to show, not yet an answer. */
  | { kind: "draft"; value: string[] };

export interface QuestionModule<Q extends Question = Question> {
  readonly type: Q["type"];
  /** Lines after the prompt and help: the numbered options and how to answer. */
  body(q: Q, v: QuestionView): string[];
  /** Answer buttons, as rows. */
  buttons(q: Q, v: QuestionView): AnswerButton[][];
  /** A typed answer, or null when it cannot be read. */
  fromText(q: Q, text: string, v: QuestionView): Parsed | null;
  /** A tap on one of our buttons (nonce already checked), or null for an unknown action. */
  fromButton(q: Q, action: readonly string[], v: QuestionView): Parsed | null;
  /** The short message shown when an answer cannot be read or is not allowed. */
  invalid(q: Q, v: QuestionView): string;
  /** A short rendering of a stored answer, for the review and "your answer" lines. */
  summary(q: Q, value: AnswerValue, v: QuestionView): string;
}
