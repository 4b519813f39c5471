// Step kinds registered with their handlers: the router never switches on a step's kind.
import type { Step, StepKind } from "../state.ts";
import type { Turn } from "../turn.ts";
import { evidenceStep, questionStep } from "./assessment.ts";
import { dialogPrompt } from "./commands.ts";
import {
  birthYearStep,
  consentStep,
  declinedStep,
  groupStep,
  guardianStep,
  unitPickStep,
  nameStep,
  newStep,
  unitStep,
  unitSuggestStep,
} from "./onboarding.ts";
import { reviewStep, setGoneStep, submittedStep } from "./review.ts";
import type { StepHandler } from "./types.ts";

type Registry = { [K in StepKind]: StepHandler<Extract<Step, { kind: K }>> };

export const stepHandlers: Registry = {
  new: newStep,
  consent: consentStep,
  declined: declinedStep,
  group: groupStep,
  unit: unitStep,
  unit_suggest: unitSuggestStep,
  unit_pick: unitPickStep,
  name: nameStep,
  birth_year: birthYearStep,
  guardian: guardianStep,
  question: questionStep,
  evidence: evidenceStep,
  review: reviewStep,
  submitted: submittedStep,
  set_gone: setGoneStep,
};

export function handlerOf(step: Step): StepHandler {
  return stepHandlers[step.kind] as unknown as StepHandler;
}

/** Renders what is on screen now: the open dialog, else the step's prompt. */
export function renderPrompt(turn: Turn): void {
  if (turn.s.dialog !== undefined) return dialogPrompt(turn);
  handlerOf(turn.s.step).prompt(turn, turn.s.step);
}
