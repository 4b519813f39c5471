// The dashboard's HTML, rendered on the server (Vietnamese first, ?lang=en): an overview with the
// charts, the unit table (sortable, share against target), exports, the unit poster and the import.
import type { Lang } from "../../bot/types.ts";
import type { UnitReport } from "../reports/store.ts";
import { adminT } from "./i18n.ts";

export const esc = (s: unknown) =>
  String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:"DejaVu Sans",system-ui,sans-serif;color:#1b1b1b;background:#f4f6f8;font-size:15px}
header{background:#1f4e79;color:#fff;padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between}
header h1{font-size:18px;margin:0}header form{margin:0}header a,header button{color:#fff}
main{padding:12px;max-width:1100px;margin:0 auto}section{background:#fff;border-radius:8px;padding:12px;margin-bottom:12px;box-shadow:0 1px 2px #0002}
h2{font-size:16px;margin:0 0 8px}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.card{background:#eef3f8;border-radius:6px;padding:8px}.card b{display:block;font-size:20px}
img.chart{width:100%;height:auto;border:1px solid #ddd;border-radius:6px;margin-bottom:8px}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;min-width:520px}th,td{padding:6px;border-bottom:1px solid #e3e3e3;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th a{color:inherit}
.ok{color:#2e7d32;font-weight:bold}.miss{color:#c25e00;font-weight:bold}
button,.button{background:#1f4e79;color:#fff;border:0;border-radius:6px;padding:8px 12px;font-size:15px;text-decoration:none;display:inline-block;margin:2px 0}
button.secondary{background:#5b7083}form.inline{display:inline}select,input{font-size:15px;padding:6px}
ul.problems{color:#b00020;padding-left:18px}.muted{color:#555}`;

export interface OverviewModel {
  lang: Lang;
  year: number;
  who: string;
  unitCode?: string;
  /** The report's root first, then its units depth-first. */
  report: UnitReport[];
  sort: SortKey;
  dir: "asc" | "desc";
  isAdmin: boolean;
  /** More sections (review queue, campaigns), after the charts. */
  sections?: string;
}

export const SORT_KEYS = ["code", "name", "members", "submitted", "confirmed", "share", "target"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const pct = (x: number | null) => (x === null ? "–" : `${(Math.round(x * 1000) / 10).toLocaleString("vi-VN")}%`);
const num = (x: number | null) => (x === null ? "–" : x.toLocaleString("vi-VN"));

function sortRows(rows: UnitReport[], key: SortKey, dir: "asc" | "desc"): UnitReport[] {
  const value = (u: UnitReport): string | number => {
    switch (key) {
      case "code": return u.code;
      case "name": return u.name;
      case "members": return u.members ?? -1;
      case "submitted": return u.submitted;
      case "confirmed": return u.confirmed;
      case "share": return u.share ?? -1;
      case "target": return u.targetPercent ?? -1;
    }
  };
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign || (a.code < b.code ? -1 : 1);
  });
}

export function layout(lang: Lang, title: string, body: string, header = ""): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><header><h1>${esc(title)}</h1>${header}</header><main>${body}</main></body></html>`;
}

export function signInPage(lang: Lang, problem?: "invalid_token" | "link_invalid"): string {
  const message = problem === "invalid_token" ? adminT(lang, "dashboard.sign_in_wrong") : problem === "link_invalid" ? adminT(lang, "dashboard.link_invalid") : "";
  return layout(
    lang,
    adminT(lang, "dashboard.title"),
    `<section><h2>${esc(adminT(lang, "dashboard.sign_in"))}</h2>
<p class="muted">${esc(adminT(lang, "dashboard.sign_in_officer"))}</p>
${message ? `<p class="miss" role="alert">${esc(message)}</p>` : ""}
<form method="post" action="/dashboard/sign-in"><label>${esc(adminT(lang, "dashboard.admin_token"))}<br>
<input type="password" name="token" autocomplete="current-password" required minlength="16"></label>
<button type="submit">${esc(adminT(lang, "dashboard.sign_in"))}</button></form></section>`,
  );
}

export function overviewPage(m: OverviewModel): string {
  const { lang, year, report } = m;
  const root = m.unitCode ? report[0] : undefined;
  const rows = m.unitCode ? report.filter((u) => u.depth === 1) : report.filter((u) => u.depth === 0);
  const totals = root ?? {
    members: rows.reduce<number | null>((a, u) => (u.members === null ? a : (a ?? 0) + u.members), null),
    started: rows.reduce((a, u) => a + u.started, 0),
    submitted: rows.reduce((a, u) => a + u.submitted, 0),
    confirmed: rows.reduce((a, u) => a + u.confirmed, 0),
    share: null as number | null,
    targetPercent: null as number | null,
  };
  const share = root ? root.share : totals.members ? totals.confirmed / totals.members : null;
  const learning = report.filter((u) => u.learningUnit).length;
  const q = (extra: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    const all = { unit: m.unitCode, year: String(year), lang: lang === "vi" ? undefined : lang, sort: m.sort, dir: m.dir, ...extra };
    for (const [k, v] of Object.entries(all)) if (v) p.set(k, v);
    return `?${p.toString()}`;
  };
  const api = (path: string, extra: Record<string, string> = {}) => {
    const p = new URLSearchParams({ year: String(year), ...extra });
    if (m.unitCode) p.set("unit", m.unitCode);
    return `/api/v1/${path}?${p.toString()}`;
  };
  const head = (key: SortKey, label: string) => {
    const dir = m.sort === key && m.dir === "desc" ? "asc" : "desc";
    const mark = m.sort === key ? (m.dir === "desc" ? " ▼" : " ▲") : "";
    return `<th><a href="${esc(q({ sort: key, dir }))}" data-sort="${key}">${esc(label)}${mark}</a></th>`;
  };
  const table = sortRows(rows, m.sort, m.dir)
    .map((u) => `<tr data-code="${esc(u.code)}"><td><a href="${esc(q({ unit: u.code, sort: undefined, dir: undefined }))}">${esc(u.code)}</a></td><td>${esc(u.name)}</td>
<td>${num(u.members)}</td><td>${num(u.submitted)}</td><td>${num(u.confirmed)}</td><td>${pct(u.share)}</td><td>${u.targetPercent === null ? "–" : `${u.targetPercent}%`}</td>
<td>${u.meetsTarget === null ? "–" : u.meetsTarget ? `<span class="ok">${esc(adminT(lang, "dashboard.meets"))}</span>` : `<span class="miss">${esc(adminT(lang, "dashboard.below"))}</span>`}</td></tr>`)
    .join("\n");
  const years = [year + 1, year, year - 1, year - 2].map((y) => `<option value="${y}"${y === year ? " selected" : ""}>${y}</option>`).join("");
  const header = `<form method="get" action="/dashboard">${m.unitCode ? `<input type="hidden" name="unit" value="${esc(m.unitCode)}">` : ""}
<label>${esc(adminT(lang, "dashboard.year"))} <select name="year" onchange="this.form.submit()">${years}</select></label></form>
<span>${esc(m.who)}</span><form method="post" action="/dashboard/sign-out" class="inline"><button class="secondary" type="submit">${esc(adminT(lang, "dashboard.sign_out"))}</button></form>`;
  const body = `
<section><h2>${esc(root ? root.name : adminT(lang, "dashboard.all_units"))}${root?.parentCode ? ` <a class="muted" href="${esc(q({ unit: root.parentCode, sort: undefined, dir: undefined }))}">↑ ${esc(root.parentCode)}</a>` : ""}</h2>
<div class="cards">
<div class="card">${esc(adminT(lang, "dashboard.members"))}<b>${num(totals.members)}</b></div>
<div class="card">${esc(adminT(lang, "dashboard.started"))}<b>${num(totals.started)}</b></div>
<div class="card">${esc(adminT(lang, "dashboard.submitted"))}<b>${num(totals.submitted)}</b></div>
<div class="card">${esc(adminT(lang, "dashboard.confirmed"))}<b>${num(totals.confirmed)}</b></div>
<div class="card">${esc(adminT(lang, "dashboard.share"))}<b id="share">${pct(share)}</b>${root?.targetPercent != null ? `<span class="muted">${esc(adminT(lang, "dashboard.target_is", { target: root.targetPercent }))}</span>` : ""}</div>
<div class="card">${esc(adminT(lang, "dashboard.learning_units"))}<b>${num(learning)}</b></div>
</div></section>
<section><h2>${esc(adminT(lang, "dashboard.charts"))}</h2>
<img class="chart" alt="${esc(adminT(lang, "dashboard.chart_targets"))}" src="${esc(api("charts/targets", { lang }))}">
<img class="chart" alt="${esc(adminT(lang, "dashboard.chart_weekly"))}" src="${esc(api("charts/weekly", { lang }))}">
<img class="chart" alt="${esc(adminT(lang, "effect.dashboard_chart"))}" src="${esc(api("charts/campaign-effect", { lang }))}"></section>
${m.sections ?? ""}
<section><h2>${esc(adminT(lang, "dashboard.units"))}</h2>
${rows.length === 0 ? `<p class="muted">${esc(adminT(lang, "dashboard.no_units"))}</p>` : `<div class="table"><table id="units"><thead><tr>
${head("code", adminT(lang, "dashboard.code"))}${head("name", adminT(lang, "dashboard.unit"))}${head("members", adminT(lang, "dashboard.members"))}
${head("submitted", adminT(lang, "dashboard.submitted"))}${head("confirmed", adminT(lang, "dashboard.confirmed"))}${head("share", adminT(lang, "dashboard.share"))}
${head("target", adminT(lang, "dashboard.target"))}<th>${esc(adminT(lang, "dashboard.against_target"))}</th></tr></thead><tbody>
${table}</tbody></table></div>`}</section>
<section><h2>${esc(adminT(lang, "dashboard.exports"))}</h2>
<a class="button" href="${esc(api("exports/report.xlsx"))}">${esc(adminT(lang, "dashboard.export_xlsx"))}</a>
<a class="button" href="${esc(api("exports/summary.csv"))}">${esc(adminT(lang, "dashboard.export_summary_csv"))}</a>
<a class="button" href="${esc(api("exports/assessments.csv"))}">${esc(adminT(lang, "dashboard.export_rows_csv"))}</a>
${m.unitCode ? `<a class="button" href="/api/v1/units/${esc(encodeURIComponent(m.unitCode))}/poster?format=png">${esc(adminT(lang, "dashboard.poster"))}</a>` : ""}
${m.unitCode ? `<a class="button" id="poster-pdf" href="/api/v1/units/${esc(encodeURIComponent(m.unitCode))}/poster?format=pdf">${esc(adminT(lang, "dashboard.poster_pdf"))}</a>` : ""}
${m.isAdmin ? `<a class="button" href="/admin/queues">${esc(adminT(lang, "dashboard.queues"))}</a>` : ""}
${m.isAdmin ? `<a class="button" id="criteria-link" href="/dashboard/criteria${lang === "en" ? "?lang=en" : ""}">${esc(adminT(lang, "criteria.link"))}</a>` : ""}</section>
<section><h2>${esc(adminT(lang, "dashboard.import"))}</h2>
<p class="muted">${esc(adminT(lang, "dashboard.import_help"))}</p>
<input type="file" id="import-file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
<button type="button" id="import-check" class="secondary">${esc(adminT(lang, "dashboard.import_check"))}</button>
<button type="button" id="import-apply">${esc(adminT(lang, "dashboard.import_apply"))}</button>
<div id="import-result" role="status"></div></section>
<script>${importScript(lang)}</script>`;
  return layout(lang, adminT(lang, "dashboard.title"), body, header);
}

function importScript(lang: Lang): string {
  const texts = {
    choose: adminT(lang, "dashboard.import_choose"),
    clean: adminT(lang, "dashboard.import_clean"),
    applied: adminT(lang, "dashboard.import_applied"),
    problems: adminT(lang, "dashboard.import_problems"),
    line: adminT(lang, "dashboard.import_line"),
    failed: adminT(lang, "dashboard.import_failed"),
  };
  return `(() => {
const T = ${JSON.stringify(texts).replace(/</g, "\\u003c")};
const out = document.getElementById("import-result");
const fill = (s, v) => s.replace(/\\{\\{(\\w+)\\}\\}/g, (_, k) => v[k] ?? "");
async function send(dryRun) {
  const file = document.getElementById("import-file").files[0];
  out.textContent = "";
  if (!file) { out.textContent = T.choose; return; }
  const type = file.name.toLowerCase().endsWith(".xlsx") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv";
  const res = await fetch("/api/v1/units/import?dryRun=" + dryRun, { method: "POST", headers: { "content-type": type }, body: await file.arrayBuffer(), credentials: "same-origin" });
  const body = await res.json();
  const result = body.error ? body.error.details : body;
  if (!result) { out.textContent = T.failed + " " + body.error.message; return; }
  if (result.problems.length === 0) {
    const p = document.createElement("p"); p.className = "ok";
    p.textContent = fill(result.applied ? T.applied : T.clean, result); out.append(p); return;
  }
  const p = document.createElement("p"); p.textContent = fill(T.problems, { n: result.problems.length }); out.append(p);
  const ul = document.createElement("ul"); ul.className = "problems";
  for (const x of result.problems) { const li = document.createElement("li"); li.textContent = fill(T.line, x) + " " + x.message; ul.append(li); }
  out.append(ul);
}
document.getElementById("import-check").addEventListener("click", () => send(true));
document.getElementById("import-apply").addEventListener("click", () => send(false));
})();`;
}
