// How the bot addresses a citizen, in one place: the form of address by age and group, its word in the
// locale, and the fill of {{you}} / {{You}} in texts (the bot's own and the criteria sets' prompts and
// help). Pure: the year is the caller's (the step's clock), the words come from the translate function.
import { localText, type LocalText, type TargetGroup } from "../../rules/index.ts";
import type { Lang, Translate } from "../types.ts";

/** How the citizen is addressed: "ông/bà" from about 60, "anh/chị" for adults, "bạn" for students. */
export type Address = "elder" | "adult" | "student" | "unknown";

/** Age from which a citizen is addressed as "ông/bà". */
export const ELDER_AGE = 60;

/** The form of address of someone in `year`, from their target group and birth year. */
export function addressFor(who: { targetGroup?: TargetGroup; birthYear?: number | null }, year: number): Address {
  if (who.targetGroup === "student") return "student";
  if (who.birthYear === undefined || who.birthYear === null) return "unknown";
  return year - who.birthYear >= ELDER_AGE ? "elder" : "adult";
}

/** The word of a form of address ("ông/bà", "anh/chị", "bạn"; "you"), from the locale. */
export function addressWord(t: Translate, lang: Lang, address: Address): string {
  switch (address) {
    case "elder":
      return t(lang, "address.elder");
    case "adult":
      return t(lang, "address.adult");
    case "student":
      return t(lang, "address.student");
    case "unknown":
      return t(lang, "address.unknown");
  }
}

export const capitalise = (word: string): string => word.charAt(0).toLocaleUpperCase("vi") + word.slice(1);

/** The parameters every text may use: {{you}}, and {{You}} at the start of a sentence. */
export function addressParams(you: string): { you: string; You: string } {
  return { you, You: capitalise(you) };
}

/**
 * A criteria set's text (a question's prompt or help) in `lang`, with {{you}} / {{You}} filled in by
 * `you`: the citizen's pronoun in their own chat, a neutral one on the dashboard, the citizen's form of
 * address and name for an officer.
 */
export function fillAddress(text: LocalText, lang: Lang, you: string): string {
  return localText(text, lang).replaceAll("{{You}}", capitalise(you)).replaceAll("{{you}}", you);
}
