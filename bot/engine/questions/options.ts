// Helpers shared by the choice question types.
import { localText, type ChoiceOption } from "../../../rules/index.ts";
import type { Lang } from "../../types.ts";
import { truncate } from "../text.ts";

export function optionLines(options: readonly ChoiceOption[], lang: Lang): string[] {
  return options.map((o, i) => `${i + 1}. ${localText(o.label, lang)}`);
}

export function optionLabel(option: ChoiceOption, lang: Lang, max?: number): string {
  return truncate(localText(option.label, lang), max);
}

/** `{ full }` with the whole label when optionLabel(…, max) shortens it, else nothing. */
export function fullLabel(option: ChoiceOption, lang: Lang, max?: number, prefix = ""): { full?: string } {
  const whole = localText(option.label, lang).trim();
  return optionLabel(option, lang, max) === whole ? {} : { full: `${prefix}${whole}` };
}

/** "2" → index 1 when within the options. */
export function typedIndex(token: string, count: number): number | null {
  if (!/^\d{1,3}$/.test(token)) return null;
  const n = Number(token);
  return n >= 1 && n <= count ? n - 1 : null;
}

/** An option whose label is exactly the typed text (ignoring case and diacritics' composition). */
export function optionByLabel(options: readonly ChoiceOption[], text: string, lang: Lang): number | null {
  const wanted = text.normalize("NFC").trim().toLowerCase();
  const i = options.findIndex((o) => localText(o.label, lang).normalize("NFC").trim().toLowerCase() === wanted);
  return i >= 0 ? i : null;
}
