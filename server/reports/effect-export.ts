// The campaign effect in the exports: a sheet of the dossier's workbook and a CSV file, one line per unit.
import type { Writable } from "node:stream";
import type { Lang } from "../../bot/types.ts";
import { adminT } from "../dashboard/i18n.ts";
import type { CampaignEffect, EffectFigures } from "./campaign-effect.ts";
import { csvField } from "./export.ts";
import type { XlsxWriter } from "./xlsx.ts";

const pct = (x: number | null) => (x === null ? "" : Math.round(x * 1000) / 10);

export function effectTitle(lang: Lang, e: CampaignEffect): string {
  return adminT(lang, "effect.title", { year: e.year, days: e.days, campaign: e.campaign ? ` – ${e.campaign.name}` : "" });
}

function figureHeader(lang: Lang, side: string): string[] {
  return [
    `${side}: ${adminT(lang, "effect.people")}`, `${side}: ${adminT(lang, "effect.started")}`, `${side}: ${adminT(lang, "effect.started_share")}`,
    `${side}: ${adminT(lang, "effect.submitted")}`, `${side}: ${adminT(lang, "effect.submitted_share")}`,
    `${side}: ${adminT(lang, "effect.confirmed")}`, `${side}: ${adminT(lang, "effect.confirmed_share")}`,
  ];
}

export function effectHeader(lang: Lang): string[] {
  return [adminT(lang, "export.code"), adminT(lang, "export.unit"), ...figureHeader(lang, adminT(lang, "effect.messaged")), ...figureHeader(lang, adminT(lang, "effect.not_messaged"))];
}

const figureCells = (f: EffectFigures) => [f.people, f.started, pct(f.startedShare), f.submitted, pct(f.submittedShare), f.confirmed, pct(f.confirmedShare)];

export function effectRows(e: CampaignEffect): (string | number)[][] {
  return e.units.map((u) => [u.code, `${"  ".repeat(u.depth)}${u.name}`, ...figureCells(u.messaged), ...figureCells(u.notMessaged)]);
}

/** The effect as a sheet of a streamed workbook (small: one row per unit). */
export async function addEffectSheet(book: XlsxWriter, name: string, e: CampaignEffect, lang: Lang): Promise<void> {
  const sheet = await book.addSheet(name);
  await sheet.row([effectTitle(lang, e)]);
  if (!e.firstMessageAt) await sheet.row([adminT(lang, "effect.none_sent")]);
  await sheet.row(effectHeader(lang), { bold: true });
  for (const row of effectRows(e)) await sheet.row(row);
  await sheet.end();
}

export async function writeEffectCsv(out: Writable, e: CampaignEffect, lang: Lang = "vi"): Promise<void> {
  const line = (fields: (string | number)[]) => `${fields.map(csvField).join(",")}\r\n`;
  out.write(`\uFEFF${line(effectHeader(lang))}`);
  for (const row of effectRows(e)) out.write(line(row));
}
