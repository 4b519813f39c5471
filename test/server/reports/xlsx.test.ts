// The exports' streaming XLSX writer: what a spreadsheet reads back (text as written, numbers, empty
// cells, bold headings, sheet names made valid and unique, rows over several compressed chunks), a
// ZIP whose every entry inflates to its recorded size and CRC, and an output that closes mid-way.
import { PassThrough } from "node:stream";
import { crc32, inflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { column, XlsxWriter } from "../../../server/reports/xlsx.ts";

async function workbook(write: (book: XlsxWriter) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const book = new XlsxWriter(out);
  await write(book);
  await book.end();
  out.end();
  return Buffer.concat(chunks);
}

/** Every entry of a ZIP, read through its central directory and inflated. */
function unzip(zip: Buffer): Map<string, { data: Buffer; crc: number }> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, { data: Buffer; crc: number }>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const [crc, compressed, size, nameLength] = [zip.readUInt32LE(at + 16), zip.readUInt32LE(at + 20), zip.readUInt32LE(at + 24), zip.readUInt16LE(at + 28)];
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = inflateRawSync(zip.subarray(start, start + compressed));
    expect(data.length).toBe(size);
    entries.set(name, { data, crc });
    at += 46 + nameLength;
  }
  return entries;
}

describe("XLSX writer", () => {
  it("writes what a spreadsheet reads back: text as written, numbers, empty cells, bold headings", async () => {
    const text = '  Đơn vị & <Nhóm> "trích" \u0001xong ';
    const wide = Array.from({ length: 30 }, (_, i) => i + 1);
    const file = await workbook(async (book) => {
      const sheet = await book.addSheet("Tổng hợp");
      await sheet.row(["Tiêu đề"]);
      await sheet.row(["Mã", "Đơn vị", "Số"], { bold: true });
      await sheet.row([text, 1975, "", null, 12.5, -3, 0, Number.NaN, "2025-03-01"]);
      await sheet.row(wide);
      await sheet.end();
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("Tổng hợp")!;
    expect(sheet.getRow(1).getCell(1).value).toBe("Tiêu đề");
    expect(sheet.getRow(2).values).toEqual([undefined, "Mã", "Đơn vị", "Số"]);
    expect(sheet.getRow(2).getCell(2).font?.bold).toBe(true);
    expect(sheet.getRow(3).getCell(1).font?.bold).toBeFalsy();
    const row = sheet.getRow(3);
    expect(row.getCell(1).value).toBe('  Đơn vị & <Nhóm> "trích" xong ');
    expect([2, 3, 4, 5, 6, 7, 8, 9].map((c) => row.getCell(c).value)).toEqual([1975, null, null, 12.5, -3, 0, null, "2025-03-01"]);
    expect(sheet.getRow(4).getCell(30).value).toBe(30);
    expect(sheet.getRow(4).getCell(30).address).toBe("AD4");
  });

  it("makes sheet names valid and unique, and keeps the order", async () => {
    const file = await workbook(async (book) => {
      for (const name of ["XA-1/THON:2", "xa-1-thon-2", "Một tên rất dài hơn ba mươi mốt ký tự", "[A]*?"]) await (await book.addSheet(name)).end();
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["XA-1-THON-2", "xa-1-thon-2~2", "Một tên rất dài hơn ba mươi mốt", "-A---"]);
  });

  it("is a ZIP whose entries inflate to their sizes and CRCs, rows spread over several chunks", async () => {
    const rows = 5_000;
    const file = await workbook(async (book) => {
      for (const name of ["A", "B"]) {
        const sheet = await book.addSheet(name);
        for (let r = 1; r <= rows; r++) await sheet.row([`Nguyễn Văn Người ${r}`, 1950 + (r % 55), "resident", "confirmed"]);
        await sheet.end();
      }
    });
    const entries = unzip(file);
    expect([...entries.keys()].sort()).toEqual(
      ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"].sort(),
    );
    for (const { data, crc } of entries.values()) expect(crc32(data)).toBe(crc);
    const sheet = entries.get("xl/worksheets/sheet2.xml")!.data.toString("utf8");
    expect(sheet.length).toBeGreaterThan(4 * 64 * 1024);
    expect(sheet).toContain(`<row r="${rows}"><c r="A${rows}" t="inlineStr"><is><t xml:space="preserve">Nguyễn Văn Người ${rows}</t></is></c>`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    expect(wb.getWorksheet("B")!.rowCount).toBe(rows);
    expect(wb.getWorksheet("B")!.getRow(rows).getCell(1).value).toBe(`Nguyễn Văn Người ${rows}`);
  });

  it("fails instead of waiting when the output closes mid-way (a client that went away)", async () => {
    const out = new PassThrough();
    const book = new XlsxWriter(out);
    const sheet = await book.addSheet("A");
    const writing = (async () => {
      for (let r = 0; r < 100_000; r++) await sheet.row([`Người ${r}`, r]);
    })();
    setTimeout(() => out.destroy(), 50);
    await expect(writing).rejects.toThrow("output closed");
  });

  it("names columns A to Z, then AA", () => {
    expect([0, 25, 26, 51, 701, 702].map(column)).toEqual(["A", "Z", "AA", "AZ", "ZZ", "AAA"]);
  });
});
