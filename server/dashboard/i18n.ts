// Texts of the admin side (dashboard, posters, charts, exports): namespace "admin", locales/<lang>/admin.json,
// Vietnamese first. Code calls `adminT(<lang>, "<literal key>", …)` so a test can match keys to the files.
import { fixedTranslators } from "../../bot/i18n.ts";
import type { Lang } from "../../bot/types.ts";
import en from "../../locales/en/admin.json" with { type: "json" };
import vi from "../../locales/vi/admin.json" with { type: "json" };

export const ADMIN_NAMESPACE = "admin";
export const adminResources = { vi: { [ADMIN_NAMESPACE]: vi }, en: { [ADMIN_NAMESPACE]: en } } as const;

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type AdminKey = Leaves<typeof vi>;

const translators = fixedTranslators(adminResources, ADMIN_NAMESPACE);

export function adminT(lang: Lang, key: AdminKey, params?: Record<string, unknown>): string {
  return translators[lang](key, params ?? {}) as string;
}

export const adminUsedKeyPattern = /\badminT\(\s*[A-Za-z_."]+\s*,\s*"([A-Za-z0-9_.]+)"/g;
