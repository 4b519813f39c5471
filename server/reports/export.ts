// Exports for the dossier ("Bảng tổng hợp"): an XLSX workbook with a summary sheet and one sheet per
// unit listing its assessments, and CSV files. Rows are streamed from PostgreSQL unit by unit through
// a cursor and written as they come, so a million rows never sit in memory.
import type { Writable } from "node:stream";
import pg from "pg";
import QueryStream from "pg-query-stream";
import type { Lang } from "../../bot/types.ts";
import { adminT } from "../dashboard/i18n.ts";
import type { CampaignEffect } from "./campaign-effect.ts";
import { addEffectSheet } from "./effect-export.ts";
import type { UnitReport } from "./store.ts";
import { write } from "./output.ts";
import { XlsxWriter } from "./xlsx.ts";

interface AssessmentExportRow {
  full_name: string | null;
  birth_year: number | null;
  target_group: string;
  status: string;
  verdict: string | null;
  total: number | null;
  started_at: Date;
  submitted_at: Date | null;
  decided_at: Date | null;
}

const ROWS_SQL = `SELECT p.full_name, p.birth_year, a.target_group::text AS target_group, a.status::text AS status, a.verdict,
       a.total, a.started_at, a.submitted_at, a.decided_at
  FROM assessments a LEFT JOIN people p ON p.id = a.person_id
 WHERE a.year = $1 AND a.unit_id = $2
 ORDER BY a.started_at, a.id`;

/**
 * The export's fixed texts, translated once per export. An i18next call allocates copies of its
 * options, over a quarter of which outlive the young generation (100,000 calls leave ~25 MB in the old
 * one until a full collection): translated per unit, the headers and yes/no of a province's 5,000
 * units were ~100 MB of old-generation garbage, the bulk of what the server's heap grew by.
 */
interface ExportTexts {
  summaryHeader: string[];
  rowHeader: string[];
  yes: string;
  no: string;
}

function exportTexts(lang: Lang): ExportTexts {
  return {
    summaryHeader: [
      adminT(lang, "export.code"), adminT(lang, "export.unit"), adminT(lang, "export.parent"), adminT(lang, "export.members"),
      adminT(lang, "export.started"), adminT(lang, "export.submitted"), adminT(lang, "export.confirmed"),
      adminT(lang, "export.share"), adminT(lang, "export.target"), adminT(lang, "export.learning_unit"),
    ],
    rowHeader: [
      adminT(lang, "export.full_name"), adminT(lang, "export.birth_year"), adminT(lang, "export.target_group"),
      adminT(lang, "export.status"), adminT(lang, "export.verdict"), adminT(lang, "export.total"),
      adminT(lang, "export.started_at"), adminT(lang, "export.submitted_at"), adminT(lang, "export.decided_at"),
    ],
    yes: adminT(lang, "export.yes"),
    no: adminT(lang, "export.no"),
  };
}

const pct = (x: number | null) => (x === null ? "" : Math.round(x * 1000) / 10);
const yesNo = (texts: ExportTexts, x: boolean | null) => (x === null ? "" : x ? texts.yes : texts.no);

function summaryRow(texts: ExportTexts, u: UnitReport): (string | number)[] {
  return [
    u.code, `${"  ".repeat(u.depth)}${u.name}`, u.parentCode ?? "", u.members ?? "", u.started, u.submitted, u.confirmed,
    pct(u.share), u.targetPercent ?? "", yesNo(texts, u.learningUnit),
  ];
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "");

function assessmentRow(r: AssessmentExportRow): (string | number)[] {
  return [r.full_name ?? "", r.birth_year ?? "", r.target_group, r.status, r.verdict ?? "", r.total ?? "", day(r.started_at), day(r.submitted_at), day(r.decided_at)];
}

/** Streams each unit's assessments of the year from a cursor. */
async function* unitRows(client: pg.ClientBase, year: number, unitId: string): AsyncGenerator<AssessmentExportRow> {
  const stream = client.query(new QueryStream(ROWS_SQL, [year, unitId], { batchSize: 2_000 }));
  for await (const row of stream) yield row as AssessmentExportRow;
}

export async function writeReportXlsx(pool: pg.Pool, out: Writable, report: UnitReport[], year: number, lang: Lang = "vi", effect?: CampaignEffect): Promise<void> {
  const book = new XlsxWriter(out);
  const texts = exportTexts(lang);
  const summary = await book.addSheet(adminT(lang, "export.summary_sheet"));
  await summary.row([adminT(lang, "export.title", { year })]);
  await summary.row(texts.summaryHeader, { bold: true });
  for (const u of report) await summary.row(summaryRow(texts, u));
  await summary.end();
  const client = await cursorClient(pool);
  try {
    for (const u of report) {
      const sheet = await book.addSheet(u.code);
      await sheet.row([u.code, u.name]);
      await sheet.row(texts.rowHeader, { bold: true });
      for await (const r of unitRows(client, year, u.id)) await sheet.row(assessmentRow(r));
      await sheet.end();
    }
  } finally {
    await client.end();
  }
  if (effect) await addEffectSheet(book, adminT(lang, "effect.sheet"), effect, lang);
  await book.end();
}

/**
 * A connection of its own for the cursor: the pool's connections run in pipeline mode (db/client.ts),
 * which sends queries without waiting for the one before, and a cursor's fetch-by-fetch protocol cannot
 * share a connection in that mode.
 */
async function cursorClient(pool: pg.Pool): Promise<pg.Client> {
  const client = new pg.Client({ ...pool.options, pipeline: false } as pg.ClientConfig);
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** One CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === "string") s = `'${s}`;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (fields: (string | number)[]) => `${fields.map(csvField).join(",")}\r\n`;

/** The summary as CSV (UTF-8 with a byte order mark, so Excel reads the Vietnamese letters). */
export async function writeSummaryCsv(out: Writable, report: UnitReport[], lang: Lang = "vi"): Promise<void> {
  const texts = exportTexts(lang);
  await write(out, `\uFEFF${csvLine(texts.summaryHeader)}`);
  for (const u of report) await write(out, csvLine(summaryRow(texts, u)));
}

/** Every assessment of the year in the units of the report, one line each, streamed. */
export async function writeAssessmentsCsv(pool: pg.Pool, out: Writable, report: UnitReport[], year: number, lang: Lang = "vi"): Promise<void> {
  await write(out, `\uFEFF${csvLine([adminT(lang, "export.code"), adminT(lang, "export.unit"), ...exportTexts(lang).rowHeader])}`);
  const client = await cursorClient(pool);
  try {
    for (const u of report) {
      for await (const r of unitRows(client, year, u.id)) await write(out, csvLine([u.code, u.name, ...assessmentRow(r)]));
    }
  } finally {
    await client.end();
  }
}
