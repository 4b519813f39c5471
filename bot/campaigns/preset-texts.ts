// The texts of the Learning Week preset, taken from the locales with their {{placeholders}} kept, so
// that a campaign stores its messages per language as data (an admin may replace them) and the engine
// fills them per recipient (render.ts).
import { LANGS, type Translate } from "../types.ts";
import { PLACEHOLDERS, type Texts } from "./types.ts";

/** Every placeholder mapped to itself: i18next then returns the raw template. */
const KEEP = Object.fromEntries(PLACEHOLDERS.map((p) => [p, `{{${p}}}`]));

export interface LearningWeekTexts {
  name: Texts;
  opening: Texts;
  reminder: Texts;
  thanks: Texts;
  officers: Texts;
}

export function learningWeekTexts(t: Translate, year: number): LearningWeekTexts {
  const both = (pick: (lang: "vi" | "en") => string): Texts => {
    const [vi, en] = LANGS.map(pick) as [string, string];
    return { vi, en };
  };
  return {
    name: both((lang) => t(lang, "campaign.learning_week.name", { year })),
    opening: both((lang) => t(lang, "campaign.learning_week.opening", KEEP)),
    reminder: both((lang) => t(lang, "campaign.learning_week.reminder", KEEP)),
    thanks: both((lang) => t(lang, "campaign.learning_week.thanks", KEEP)),
    officers: both((lang) => t(lang, "campaign.learning_week.officers", KEEP)),
  };
}
