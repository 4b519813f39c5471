// A printable A4 poster per unit: its name and one QR code per way of starting the self-assessment
// (Telegram deep link, Zalo OA, web chat), as SVG, rasterised to PNG with resvg.
import { Resvg } from "@resvg/resvg-js";
import QRCode from "qrcode";
import type { Config } from "../config.ts";
import { adminT } from "../dashboard/i18n.ts";

export interface PosterLink {
  channel: "telegram" | "zalo" | "web";
  url: string;
}

/** The links a unit's poster shows: those of the channels configured. */
export function posterLinks(config: Config, code: string): PosterLink[] {
  const links: PosterLink[] = [];
  if (config.telegram.username) links.push({ channel: "telegram", url: `https://t.me/${config.telegram.username}?start=u_${code}` });
  if (config.zalo.oaId) links.push({ channel: "zalo", url: `https://zalo.me/${config.zalo.oaId}` });
  links.push({ channel: "web", url: `${config.publicBaseUrl}/chat?u=${encodeURIComponent(code)}` });
  return links;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The dark modules of a link's QR code (size × size, row by row); also drawn by the PDF (poster-pdf.ts). */
export function qrModules(text: string): { size: number; data: ArrayLike<number | boolean> } {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: "M" }).modules;
  return { size, data };
}

/** One QR code as an SVG path of dark modules, size × size units. */
function qrPath(text: string): { size: number; d: string } {
  const { size, data } = qrModules(text);
  let d = "";
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (data[y * size + x]) d += `M${x} ${y}h1v1h-1z`;
  }
  return { size, d };
}

/** Splits a long name into lines of at most `max` characters at spaces. */
export function lines(text: string, max: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && (line + " " + word).length > max) (out.push(line), (line = word));
    else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.slice(0, 3);
}

export async function posterSvg(unit: { code: string; name: string }, links: PosterLink[]): Promise<string> {
  const W = 1240;
  const H = 1754;
  const title = lines(unit.name, 28)
    .map((l, i) => `<text x="${W / 2}" y="${250 + i * 78}" font-size="64" font-weight="bold" text-anchor="middle">${esc(l)}</text>`)
    .join("");
  const qrSize = links.length === 3 ? 340 : 440;
  const gap = (W - links.length * qrSize) / (links.length + 1);
  const labels: Record<PosterLink["channel"], string> = { telegram: esc(adminT("vi", "poster.telegram")), zalo: esc(adminT("vi", "poster.zalo")), web: esc(adminT("vi", "poster.web")) };
  const codes = links
    .map((link, i) => {
      const { size, d } = qrPath(link.url);
      const x = gap + i * (qrSize + gap);
      const y = 620;
      const scale = qrSize / (size + 8);
      const shown = link.url.replace(/^https?:\/\//, "");
      return `<g transform="translate(${x} ${y})">
  <rect width="${qrSize}" height="${qrSize}" fill="#fff" stroke="#1f4e79" stroke-width="4" rx="12"/>
  <path transform="translate(${4 * scale} ${4 * scale}) scale(${scale})" d="${d}" fill="#000"/>
  <text x="${qrSize / 2}" y="${qrSize + 60}" font-size="40" font-weight="bold" text-anchor="middle">${labels[link.channel]}</text>
  <text x="${qrSize / 2}" y="${qrSize + 105}" font-size="${shown.length > 34 ? 18 : 22}" text-anchor="middle" fill="#333">${esc(shown)}</text>
</g>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">
<rect width="${W}" height="${H}" fill="#fff"/>
<rect x="0" y="0" width="${W}" height="140" fill="#1f4e79"/>
<text x="${W / 2}" y="92" font-size="54" font-weight="bold" text-anchor="middle" fill="#fff">${esc(adminT("vi", "poster.heading"))}</text>
${title}
<text x="${W / 2}" y="540" font-size="40" text-anchor="middle">${esc(adminT("vi", "poster.scan"))}</text>
${codes}
<text x="${W / 2}" y="1320" font-size="40" text-anchor="middle">${esc(adminT("vi", "poster.code", { code: unit.code }))}</text>
<text x="${W / 2}" y="1400" font-size="30" text-anchor="middle" fill="#333">${esc(adminT("vi", "poster.zalo_hint", { code: unit.code }))}</text>
<text x="${W / 2}" y="1680" font-size="26" text-anchor="middle" fill="#555">${esc(adminT("vi", "poster.footer"))}</text>
</svg>`;
}

/** Rasterises an SVG (poster or chart) to PNG with the system's fonts (DejaVu Sans carries Vietnamese). */
export function svgToPng(svg: string, width?: number): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    ...(width ? { fitTo: { mode: "width" as const, value: width } } : {}),
  });
  return resvg.render().asPng();
}

export const posterPng = (svg: string) => svgToPng(svg);
