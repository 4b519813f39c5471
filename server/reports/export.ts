// Exports for the dossier ("Bảng tổng hợp"): an XLSX workbook with a summary sheet and one sheet per
// unit listing its assessments, and CSV files. Rows are streamed from PostgreSQL unit by unit through
// a cursor and written as they come, so a million rows never sit in memory.
import { once, type EventEmitter } from "node:events";
import { createRequire } from "node:module";
import type { Writable } from "node:stream";
import type ExcelJS from "exceljs";
import pg from "pg";
import QueryStream from "pg-query-stream";
import type { Lang } from "../../bot/types.ts";
import { adminT } from "../dashboard/i18n.ts";
import type { CampaignEffect } from "./campaign-effect.ts";
import { addEffectSheet } from "./effect-export.ts";
import type { UnitReport } from "./store.ts";

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

/** Sheet names: at most 31 characters, none of []:*?/\, unique regardless of case. */
function sheetNamer(): (wanted: string) => string {
  const used = new Set<string>();
  return (wanted) => {
    const base = wanted.replace(/[[\]:*?/\\]/g, "-").slice(0, 31);
    let name = base;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)}~${i}`;
    used.add(name.toLowerCase());
    return name;
  };
}

async function drained(out: Writable): Promise<void> {
  if (out.writableNeedDrain) await once(out, "drain");
}

/** Streams each unit's assessments of the year from a cursor. */
async function* unitRows(client: pg.ClientBase, year: number, unitId: string): AsyncGenerator<AssessmentExportRow> {
  const stream = client.query(new QueryStream(ROWS_SQL, [year, unitId], { batchSize: 2_000 }));
  for await (const row of stream) yield row as AssessmentExportRow;
}

/**
 * exceljs queues each committed sheet as a zip entry, and the zip compresses entries one after another:
 * without waiting, every sheet would sit in memory until the zip got to it. This resolves once the zip
 * has written the given sheet (its "entry" event).
 */
function sheetWritten(workbook: ExcelJS.stream.xlsx.WorkbookWriter): (sheetId: number) => Promise<void> {
  const zip = (workbook as unknown as { zip: EventEmitter }).zip;
  const done = new Set<number>();
  const waiting = new Map<number, () => void>();
  zip.on("entry", (entry: { name: string }) => {
    const m = /worksheets\/sheet(\d+)\.xml$/.exec(entry.name);
    if (!m) return;
    const id = Number(m[1]);
    done.add(id);
    waiting.get(id)?.();
  });
  return (sheetId) =>
    done.has(sheetId) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(sheetId, () => (waiting.delete(sheetId), done.delete(sheetId), resolve())));
}

/**
 * exceljs (4.4.0, pinned) keeps every sheet writer until the end, each with a 64 KB stream buffer and
 * its row machinery, only to list the sheets' id, name and state in the workbook's index: 5,000 units
 * would hold hundreds of MB. A written sheet is replaced by just what the index reads.
 */
function forget(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: ExcelJS.Worksheet): void {
  const sheets = (workbook as unknown as { _worksheets: unknown[] })._worksheets;
  sheets[sheet.id] = { id: sheet.id, name: sheet.name, state: sheet.state, committed: true };
}

/**
 * exceljs's streaming writer alone, loaded on first use: the package's entry also loads the reader,
 * the in-memory workbook and the CSV support (673 modules instead of 212; in the server ~8 MB more
 * JS heap and 6 MB more RSS), and importing it takes seconds, which every process start would pay.
 */
function workbookWriter(): typeof ExcelJS.stream.xlsx.WorkbookWriter {
  return createRequire(import.meta.url)("exceljs/lib/stream/xlsx/workbook-writer.js") as typeof ExcelJS.stream.xlsx.WorkbookWriter;
}

export async function writeReportXlsx(pool: pg.Pool, out: Writable, report: UnitReport[], year: number, lang: Lang = "vi", effect?: CampaignEffect): Promise<void> {
  const workbook = new (workbookWriter())({ stream: out, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  const written = sheetWritten(workbook);
  const name = sheetNamer();
  const texts = exportTexts(lang);
  const summary = workbook.addWorksheet(name(adminT(lang, "export.summary_sheet")));
  summary.addRow([adminT(lang, "export.title", { year })]).commit();
  const header = summary.addRow(texts.summaryHeader);
  header.font = { bold: true };
  header.commit();
  for (const u of report) summary.addRow(summaryRow(texts, u)).commit();
  summary.commit();
  const client = await cursorClient(pool);
  try {
    for (const u of report) {
      const sheet = workbook.addWorksheet(name(u.code));
      sheet.addRow([u.code, u.name]).commit();
      const h = sheet.addRow(texts.rowHeader);
      h.font = { bold: true };
      h.commit();
      let n = 0;
      for await (const r of unitRows(client, year, u.id)) {
        sheet.addRow(assessmentRow(r)).commit();
        if (++n % 1_000 === 0) await drained(out);
      }
      sheet.commit();
      await written(sheet.id);
      forget(workbook, sheet);
      await drained(out);
    }
  } finally {
    await client.end();
  }
  if (effect) addEffectSheet(workbook, name(adminT(lang, "effect.sheet")), effect, lang);
  await workbook.commit();
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

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

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
