// Helpers shared by single_choice and multi_choice.
import type { ChoiceOption, SetProblem } from "../types.ts";
import { duplicateIds } from "./module.ts";

export function optionPoints(options: readonly ChoiceOption[], id: string): number | undefined {
  for (const option of options) if (option.id === id) return option.points;
  return undefined;
}

export function checkOptions(raw: Record<string, unknown>, path: string): SetProblem[] {
  return duplicateIds(raw.options, `${path}.options`, "option");
}
