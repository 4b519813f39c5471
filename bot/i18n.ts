// Translations of the bot's texts (namespace "bot", locales/<lang>/bot.json), Vietnamese first.
// Values are not escaped here: channel adapters escape per platform (Telegram HTML, Zalo plain text).
import { createInstance, type TFunction } from "i18next";
import en from "../locales/en/bot.json" with { type: "json" };
import vi from "../locales/vi/bot.json" with { type: "json" };
import type { Lang, Translate } from "./types.ts";

export const NAMESPACE = "bot";

export const resources = { vi: { [NAMESPACE]: vi }, en: { [NAMESPACE]: en } } as const;

/**
 * How the code calls the translate function: always `t(<lang>, "<literal key>", …)`, so a test can
 * collect the keys used (group 1) and compare them with the locale files.
 */
export const usedKeyPattern = /\bt\(\s*[A-Za-z_.]+\s*,\s*"([A-Za-z0-9_.]+)"/g;

/**
 * One synchronous i18next instance over bundled resources (fallback Vietnamese, no escaping), as a
 * translate function per language. Also used for the web chat page's texts (namespace "web").
 */
export function fixedTranslators(res: Record<Lang, Record<string, object>>, ns: string): Record<Lang, TFunction> {
  const i18n = createInstance();
  void i18n.init({
    resources: res,
    lng: "vi",
    fallbackLng: "vi",
    supportedLngs: ["vi", "en"],
    ns: [ns],
    defaultNS: ns,
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  });
  return { vi: i18n.getFixedT("vi", ns), en: i18n.getFixedT("en", ns) };
}

/** A ready Translate for the bot's texts. */
export function createTranslateSync(): Translate {
  const fixed = fixedTranslators(resources, NAMESPACE);
  return (lang, key, params) => fixed[lang](key, params ?? {}) as string;
}

export async function createTranslate(): Promise<Translate> {
  return createTranslateSync();
}
