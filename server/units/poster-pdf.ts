// The unit's poster as a one-page A4 PDF (pdfkit): the same content as the SVG poster – heading, the
// unit's name, one QR code per channel with its label and link (clickable in the PDF), the unit code and
// the Zalo hint – drawn as vectors, with DejaVu Sans embedded so that Vietnamese prints everywhere.
import { existsSync } from "node:fs";
import type PDFKit from "pdfkit";
import { adminT } from "../dashboard/i18n.ts";
import { AppError } from "../errors.ts";
import { lines, qrModules, type PosterLink } from "./poster.ts";

/** Where Debian (fonts-dejavu-core) and most Linux distributions keep DejaVu Sans. */
const FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF"];

function fontPaths(): { regular: string; bold: string } {
  for (const dir of FONT_DIRS) {
    const regular = `${dir}/DejaVuSans.ttf`;
    const bold = `${dir}/DejaVuSans-Bold.ttf`;
    if (existsSync(regular) && existsSync(bold)) return { regular, bold };
  }
  throw new AppError(503, "poster_font_missing", `PDF posters need the DejaVu Sans font (Debian: apt-get install fonts-dejavu-core); looked in ${FONT_DIRS.join(", ")}.`);
}

const BLUE = "#1f4e79";

// pdfkit (and fontkit) are loaded on first use: a process that never prints a poster does not carry them.
let loading: Promise<typeof PDFKit> | undefined;
const loadPdfkit = () => (loading ??= import("pdfkit").then((m) => m.default));

export async function posterPdf(unit: { code: string; name: string }, links: PosterLink[]): Promise<Buffer> {
  const fonts = fontPaths();
  const PDFDocument = await loadPdfkit();
  const doc = new PDFDocument({
    size: "A4",
    margin: 0,
    info: { Title: `${adminT("vi", "poster.heading")} – ${unit.name}`, Subject: adminT("vi", "poster.code", { code: unit.code }), Creator: "cdht-bot" },
  });
  doc.registerFont("regular", fonts.regular);
  doc.registerFont("bold", fonts.bold);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const W = doc.page.width;
  const center = (text: string, y: number, size: number, font: "regular" | "bold", color = "#1b1b1b") =>
    doc.font(font).fontSize(size).fillColor(color).text(text, 24, y, { width: W - 48, align: "center", lineBreak: false });

  doc.rect(0, 0, W, 68).fill(BLUE);
  center(adminT("vi", "poster.heading"), 22, 24, "bold", "#fff");
  lines(unit.name, 28).forEach((line, i) => center(line, 110 + i * 36, 28, "bold"));
  center(adminT("vi", "poster.scan"), 250, 18, "regular");

  const qrSize = links.length === 3 ? 160 : 205;
  const gap = (W - links.length * qrSize) / (links.length + 1);
  const labels: Record<PosterLink["channel"], string> = { telegram: adminT("vi", "poster.telegram"), zalo: adminT("vi", "poster.zalo"), web: adminT("vi", "poster.web") };
  links.forEach((link, i) => {
    const x = gap + i * (qrSize + gap);
    const y = 290;
    doc.roundedRect(x, y, qrSize, qrSize, 6).lineWidth(2).strokeColor(BLUE).stroke();
    const { size, data } = qrModules(link.url);
    const cell = qrSize / (size + 8);
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) if (data[row * size + col]) doc.rect(x + (col + 4) * cell, y + (row + 4) * cell, cell, cell);
    }
    doc.fillColor("#000").fill();
    doc.link(x, y, qrSize, qrSize, link.url);
    doc.font("bold").fontSize(18).fillColor("#1b1b1b").text(labels[link.channel], x - gap / 2, y + qrSize + 14, { width: qrSize + gap, align: "center", lineBreak: false });
    const shown = link.url.replace(/^https?:\/\//, "");
    doc.font("regular").fontSize(shown.length > 34 ? 7 : 9).fillColor("#333").text(shown, x - gap / 2, y + qrSize + 40, { width: qrSize + gap, align: "center", link: link.url, lineBreak: false });
  });

  center(adminT("vi", "poster.code", { code: unit.code }), 600, 18, "regular");
  center(adminT("vi", "poster.zalo_hint", { code: unit.code }), 636, 13, "regular", "#333");
  center(adminT("vi", "poster.footer"), 790, 11, "regular", "#555");
  doc.end();
  return done;
}
