// Bulk import of units from CSV or XLSX (code, name, kind, parent code, member count). Every row is
// checked against the tree as it would be after the import; nothing is written unless every row is
// clean, and a dry run only reports.
import { parse } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import type pg from "pg";
import { AppError } from "../errors.ts";
import { normaliseCode } from "./directory.ts";
import { allUnits, lockTree, type UnitRow } from "./store.ts";
import { mayBeUnder, parseKind, type UnitKind } from "./tree.ts";

export const MAX_IMPORT_ROWS = 20_000;

export interface ImportRow {
  /** The row's line in the file (1 = header). */
  line: number;
  code: string;
  name: string;
  kind: string;
  parent: string;
  members: string;
}

export interface RowProblem {
  line: number;
  code: string;
  field: "code" | "name" | "kind" | "parent" | "members" | "file";
  problem: string;
  message: string;
}

const HEADERS: Record<string, keyof Omit<ImportRow, "line">> = {
  code: "code", "mã": "code", "ma": "code", "mã đơn vị": "code",
  name: "name", "tên": "name", "ten": "name", "tên đơn vị": "name",
  kind: "kind", "loại": "kind", "loai": "kind",
  parent: "parent", parent_code: "parent", "parent code": "parent", "mã cấp trên": "parent", "ma cap tren": "parent",
  members: "members", member_count: "members", "member count": "members", "số thành viên": "members", "so thanh vien": "members",
};

function rowsFromTable(table: string[][]): ImportRow[] {
  const [header, ...body] = table;
  if (!header) throw new AppError(422, "import_empty", "The file has no header row.");
  const columns = header.map((h) => HEADERS[String(h ?? "").trim().toLowerCase().normalize("NFC")]);
  for (const needed of ["code", "name", "kind"] as const) {
    if (!columns.includes(needed)) throw new AppError(422, "import_header", `The header row has no column "${needed}" (expected: code, name, kind, parent, members).`);
  }
  if (body.length > MAX_IMPORT_ROWS) throw new AppError(422, "import_too_large", `At most ${MAX_IMPORT_ROWS} rows per import.`);
  const rows: ImportRow[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => String(c ?? "").trim() === "")) return;
    const row: ImportRow = { line: i + 2, code: "", name: "", kind: "", parent: "", members: "" };
    columns.forEach((col, j) => {
      if (col) row[col] = String(cells[j] ?? "").trim();
    });
    rows.push(row);
  });
  return rows;
}

export function parseCsv(buffer: Buffer): ImportRow[] {
  let table: string[][];
  try {
    table = parse(buffer, { bom: true, relax_column_count: true, skip_empty_lines: true, delimiter: [",", ";", "\t"] });
  } catch (error) {
    throw new AppError(422, "import_unreadable", `The CSV file cannot be read: ${(error as Error).message}`);
  }
  return rowsFromTable(table);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("result" in value) return String(value.result ?? "");
    if ("text" in value) return String(value.text);
    if (value instanceof Date) return value.toISOString();
  }
  return String(value);
}

export async function parseXlsx(buffer: Buffer): Promise<ImportRow[]> {
  const { default: Excel } = await import("exceljs"); // loaded on first use (seconds to import)
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (error) {
    throw new AppError(422, "import_unreadable", `The XLSX file cannot be read: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError(422, "import_empty", "The workbook has no sheet.");
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const values = row.values as ExcelJS.CellValue[];
    table[n - 1] = values.slice(1).map(cellText);
  });
  for (let i = 0; i < table.length; i++) table[i] ??= [];
  return rowsFromTable(table);
}

export interface CheckedRow {
  line: number;
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
  memberCount: number | null;
  exists: boolean;
}

export interface ImportPlan {
  rows: CheckedRow[];
  problems: RowProblem[];
  created: number;
  updated: number;
}

/**
 * Checks rows against the current units: fields, duplicates in the file, parents (in the database or
 * the file), which kind may sit under which, cycles, and (for officers) that every row is inside the
 * units they may change: `mayChange` for an existing unit, `mayCreateUnder` for a parent (undefined: the top).
 */
export function planImport(rows: ImportRow[], existing: UnitRow[], mayChange: (unit: UnitRow) => boolean, mayCreateUnder: (parent: UnitRow | undefined) => boolean): ImportPlan {
  const problems: RowProblem[] = [];
  const add = (row: ImportRow, field: RowProblem["field"], problem: string, message: string) =>
    problems.push({ line: row.line, code: row.code, field, problem, message });
  const byCode = new Map(existing.map((u) => [u.code, u]));
  const seen = new Map<string, number>();
  const checked: CheckedRow[] = [];
  for (const row of rows) {
    const code = normaliseCode(row.code);
    let ok = true;
    if (!/^[A-Z0-9_-]{2,32}$/.test(code)) {
      add(row, "code", "invalid", "The code must be 2–32 letters, digits, '_' or '-'.");
      ok = false;
    } else if (seen.has(code)) {
      add(row, "code", "duplicate", `The code ${code} appears twice in the file (line ${seen.get(code)}).`);
      ok = false;
    } else seen.set(code, row.line);
    const name = row.name.trim();
    if (name.length < 2 || name.length > 200) {
      add(row, "name", "invalid", "The name must have 2–200 characters.");
      ok = false;
    }
    const kind = parseKind(row.kind);
    if (!kind) {
      add(row, "kind", "invalid", `Unknown kind "${row.kind}".`);
      ok = false;
    }
    let memberCount: number | null = null;
    if (row.members !== "") {
      const n = Number(row.members.replace(/[.,\s](?=\d{3}\b)/g, ""));
      if (!Number.isInteger(n) || n < 0 || n > 10_000_000) {
        add(row, "members", "invalid", "The member count must be a whole number from 0 to 10,000,000.");
        ok = false;
      } else memberCount = n;
    }
    const parentCode = row.parent ? normaliseCode(row.parent) : null;
    if (ok) checked.push({ line: row.line, code, name, kind: kind!, parentCode, memberCount, exists: byCode.has(code) });
  }
  // The tree after the import: existing units overlaid with the rows.
  const after = new Map<string, { kind: UnitKind; parentCode: string | null }>(existing.map((u) => [u.code, { kind: u.kind, parentCode: u.parentCode }]));
  for (const r of checked) after.set(r.code, { kind: r.kind, parentCode: r.parentCode });
  const rowOf = new Map<string, ImportRow>();
  for (const r of rows) if (!rowOf.has(normaliseCode(r.code))) rowOf.set(normaliseCode(r.code), r);
  for (const r of checked) {
    const row = rowOf.get(r.code)!;
    const current = byCode.get(r.code);
    if (current && !mayChange(current)) {
      add(row, "code", "forbidden", `You may not change ${r.code}.`);
      continue;
    }
    if (r.parentCode) {
      const parent = after.get(r.parentCode);
      if (!parent) {
        add(row, "parent", "not_found", `No unit with code ${r.parentCode}, neither in the database nor in the file.`);
        continue;
      }
      if (!mayBeUnder(r.kind, parent.kind)) {
        add(row, "kind", "kind_not_allowed", `A unit of kind ${r.kind} cannot be placed under a ${parent.kind} (${r.parentCode}).`);
        continue;
      }
      const existingParent = byCode.get(r.parentCode);
      if (existingParent && !seen.has(r.parentCode) && !mayCreateUnder(existingParent)) {
        add(row, "parent", "forbidden", `You may not add units under ${r.parentCode}.`);
        continue;
      }
      // Walk up: a cycle returns to this code (a loop above it is reported by its own rows).
      const visited = new Set([r.code]);
      let up: string | null = r.parentCode;
      while (up) {
        if (up === r.code) {
          add(row, "parent", "cycle", `${r.code} would end up below itself.`);
          break;
        }
        if (visited.has(up)) break;
        visited.add(up);
        up = after.get(up)?.parentCode ?? null;
      }
    } else if (!mayCreateUnder(undefined)) {
      add(row, "parent", "forbidden", "You may only add units under your own units.");
    }
  }
  // Existing children of a row whose kind changes must still fit.
  const changedKinds = new Map(checked.filter((r) => r.exists && byCode.get(r.code)!.kind !== r.kind).map((r) => [r.code, r]));
  if (changedKinds.size) {
    for (const [code, node] of after) {
      const parent = node.parentCode ? changedKinds.get(node.parentCode) : undefined;
      if (parent && !seen.has(code) && !mayBeUnder(node.kind, parent.kind)) {
        add(rowOf.get(parent.code)!, "kind", "kind_not_allowed", `${code} (${node.kind}) could no longer stay under a ${parent.kind}.`);
      }
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return {
    rows: checked,
    problems,
    created: checked.filter((r) => !r.exists).length,
    updated: checked.filter((r) => r.exists).length,
  };
}

function depthOf(rows: CheckedRow[]): Map<string, number> {
  const inFile = new Map(rows.map((r) => [r.code, r]));
  const depth = new Map<string, number>();
  const get = (code: string): number => {
    const known = depth.get(code);
    if (known !== undefined) return known;
    const row = inFile.get(code)!;
    const d = row.parentCode && inFile.has(row.parentCode) ? get(row.parentCode) + 1 : 0;
    depth.set(code, d);
    return d;
  };
  for (const r of rows) get(r.code);
  return depth;
}

/**
 * Plans the import inside a transaction holding the tree lock and, when clean and not a dry run, writes
 * it level by level (parents before children), one statement per level.
 */
export async function runImport(
  client: pg.PoolClient,
  rows: ImportRow[],
  options: { dryRun: boolean; mayChange: (u: UnitRow) => boolean; mayCreateUnder: (p: UnitRow | undefined) => boolean },
): Promise<ImportPlan> {
  await lockTree(client);
  const plan = planImport(rows, await allUnits(client), options.mayChange, options.mayCreateUnder);
  if (options.dryRun || plan.problems.length > 0) return plan;
  const depth = depthOf(plan.rows);
  const levels = [...new Set(depth.values())].sort((a, b) => a - b);
  for (const level of levels) {
    const batch = plan.rows.filter((r) => depth.get(r.code) === level);
    await client.query(
      `INSERT INTO units (code, name, kind, parent_id, member_count)
       SELECT r.code, r.name, r.kind::unit_kind, p.id, r.members
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS r(code, name, kind, parent, members)
         LEFT JOIN units p ON p.code = r.parent
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id,
         member_count = COALESCE(EXCLUDED.member_count, units.member_count), updated_at = now()`,
      [batch.map((r) => r.code), batch.map((r) => r.name), batch.map((r) => r.kind), batch.map((r) => r.parentCode), batch.map((r) => r.memberCount)],
    );
  }
  return plan;
}
