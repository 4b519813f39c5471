// Choosing the language of a LocalText.
import type { LocalText } from "./types.ts";

export type TextLanguage = "vi" | "en";

/** The text in `lang`, falling back to Vietnamese when there is no (non-blank) translation. */
export function localText(text: LocalText, lang: TextLanguage): string {
  if (lang === "en" && text.en !== undefined && text.en.trim() !== "") return text.en;
  return text.vi;
}
