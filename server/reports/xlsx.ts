// A streaming XLSX (SpreadsheetML) writer for the exports: sheets one after another, rows written as
// they come (strings inline, numbers as numbers, a bold style for headings), the workbook's parts at
// the end. A row costs one string: exceljs's streaming writer built a row object, cell objects, style
// lookups and an XML stream per row and kept per-sheet machinery, which a 1,000,000-row province
// export paid in garbage and time.
import type { Writable } from "node:stream";
import { ZipWriter } from "./zip.ts";

export type Cell = string | number | null | undefined;

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Rows are compressed and written once this much text has gathered. */
const CHUNK = 64 * 1024;

const STYLES =
  `${XML}<styleSheet xmlns="${MAIN}">` +
  `<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
  `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
  `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
  `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
/** Index of the bold style in STYLES' cellXfs. */
const BOLD = 1;

// XML 1.0 has no place for most control characters, nor for U+FFFE and U+FFFF: they are dropped.
const SPECIAL = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const SPECIALS = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
export const escapeXml = (s: string) => (SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ENTITIES[c] ?? "") : s);

const LETTERS: string[] = [];
/** The column's letters: 0 → A, 25 → Z, 26 → AA. */
export function column(i: number): string {
  let letters = LETTERS[i];
  if (letters === undefined) {
    letters = "";
    for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    LETTERS[i] = letters;
  }
  return letters;
}

/** One row's XML; empty cells (null, undefined, "", a number that is not finite) are left out. */
export function rowXml(r: number, cells: readonly Cell[], bold = false): string {
  const s = bold ? ` s="${BOLD}"` : "";
  let xml = bold ? `<row r="${r}" s="${BOLD}" customFormat="1">` : `<row r="${r}">`;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (typeof v === "number") {
      if (Number.isFinite(v)) xml += `<c r="${column(i)}${r}"${s}><v>${v}</v></c>`;
    } else if (v) xml += `<c r="${column(i)}${r}"${s} t="inlineStr"><is><t xml:space="preserve">${escapeXml(v)}</t></is></c>`;
  }
  return `${xml}</row>`;
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

export class XlsxWriter {
  private readonly zip: ZipWriter;
  private readonly names: string[] = [];
  private readonly name = sheetNamer();
  private open: SheetWriter | undefined;

  constructor(out: Writable, now = new Date()) {
    this.zip = new ZipWriter(out, 1, now);
  }

  /** Starts the next sheet (the one before must be ended); the name is made valid and unique. */
  async addSheet(wanted: string): Promise<SheetWriter> {
    if (this.open) throw new Error(`xlsx: sheet ${this.open.name} is still open`);
    const name = this.name(wanted);
    this.names.push(name);
    await this.zip.begin(`xl/worksheets/sheet${this.names.length}.xml`);
    const sheet = new SheetWriter(this.zip, name, () => (this.open = undefined));
    this.open = sheet;
    return sheet;
  }

  /** Writes the workbook's parts and the ZIP's directory; the output is then complete. */
  async end(): Promise<void> {
    if (this.open) throw new Error(`xlsx: sheet ${this.open.name} is still open`);
    const n = this.names.length;
    const sheets = this.names.map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("");
    const rels = this.names.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("");
    const overrides = this.names
      .map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
      .join("");
    await this.zip.file("xl/styles.xml", STYLES);
    await this.zip.file("xl/workbook.xml", `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets}</sheets></workbook>`);
    await this.zip.file(
      "xl/_rels/workbook.xml.rels",
      `${XML}<Relationships xmlns="${PKG_REL}">${rels}<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    );
    await this.zip.file("_rels/.rels", `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
    await this.zip.file(
      "[Content_Types].xml",
      `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${overrides}</Types>`,
    );
    await this.zip.finish();
  }
}

export class SheetWriter {
  private text = `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>`;
  private rows = 0;

  constructor(private readonly zip: ZipWriter, readonly name: string, private readonly closed: () => void) {}

  /** Appends a row (bold: a heading); written out in chunks. */
  async row(cells: readonly Cell[], options: { bold?: boolean } = {}): Promise<void> {
    this.text += rowXml(++this.rows, cells, options.bold);
    if (this.text.length >= CHUNK) await this.flush();
  }

  async end(): Promise<void> {
    this.text += "</sheetData></worksheet>";
    await this.flush();
    await this.zip.end();
    this.closed();
  }

  private async flush(): Promise<void> {
    const text = this.text;
    this.text = "";
    await this.zip.data(text);
  }
}
