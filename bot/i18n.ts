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

/** A ready Translate: synchronous (resources are bundled), fallback Vietnamese, no escaping. */
export function createTranslateSync(): Translate {
  const i18n = createInstance();
  void i18n.init({
    resources,
    lng: "vi",
    fallbackLng: "vi",
    supportedLngs: ["vi", "en"],
    ns: [NAMESPACE],
    defaultNS: NAMESPACE,
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  });
  const fixed: Record<Lang, TFunction> = { vi: i18n.getFixedT("vi", NAMESPACE), en: i18n.getFixedT("en", NAMESPACE) };
  return (lang, key, params) => fixed[lang](key, params ?? {}) as string;
}

export async function createTranslate(): Promise<Translate> {
  return createTranslateSync();
}
