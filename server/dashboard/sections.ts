// The dashboard's review queue and campaigns sections, and one assessment's page: HTML rendered on the
// server, Vietnamese first. Decide buttons call POST /api/v1/assessments/{id}/decision with the
// session cookie, so a decision here follows exactly the chat's rules (server/api/decision-routes.ts).
// The administrator's campaign buttons are forms (POST /dashboard/campaigns/{id}/{action}, routes.ts).
import type { Lang } from "../../bot/types.ts";
import type { CriteriaSet } from "../../rules/index.ts";
import { TRANSITIONS, type Transition } from "../campaigns/store.ts";
import { answerLines } from "./answers.ts";
import { adminT } from "./i18n.ts";
import { esc, layout } from "./page.ts";
import { dateTimeFormat } from "../../bot/intl.ts";

export interface ReviewRow {
  id: string;
  fullName: string | null;
  unitCode: string | null;
  unitName: string | null;
  total: number | null;
  verdict: string | null;
  submittedAt: Date | null;
}

export interface ReviewModel {
  /** An officer decides (buttons); the administrator only reads. */
  canDecide: boolean;
  rows: ReviewRow[];
  counts?: { pending: number; overdue: number };
}

export interface CampaignRow {
  id: string;
  name: string;
  status: string;
  from: string;
  to: string;
  /** Summed over the rounds; null before any round was materialised. */
  progress: { materialised: number; sent: number; waiting: number; failed: number; continued: number; submitted: number } | null;
}

const num = (n: number) => n.toLocaleString("vi-VN");

function when(lang: Lang, at: Date | null, timeZone: string): string {
  if (!at) return "–";
  return dateTimeFormat(lang === "vi" ? "vi-VN" : "en-GB", { timeZone, day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" }).format(at);
}

function verdictName(lang: Lang, verdict: string | null): string {
  switch (verdict) {
    case "dat": return adminT(lang, "dashboard.verdict_dat");
    case "chua_dat": return adminT(lang, "dashboard.verdict_chua_dat");
    case "incomplete": return adminT(lang, "dashboard.verdict_incomplete");
    default: return "–";
  }
}

export function statusName(lang: Lang, status: string): string {
  switch (status) {
    case "in_progress": return adminT(lang, "dashboard.status_in_progress");
    case "submitted": return adminT(lang, "dashboard.status_submitted");
    case "confirmed": return adminT(lang, "dashboard.status_confirmed");
    case "rejected": return adminT(lang, "dashboard.status_rejected");
    case "needs_more": return adminT(lang, "dashboard.status_needs_more");
    case "withdrawn": return adminT(lang, "dashboard.status_withdrawn");
    default: return status;
  }
}

function campaignStatusName(lang: Lang, status: string): string {
  switch (status) {
    case "draft": return adminT(lang, "dashboard.campaign_draft");
    case "running": return adminT(lang, "dashboard.campaign_running");
    case "paused": return adminT(lang, "dashboard.campaign_paused");
    case "cancelled": return adminT(lang, "dashboard.campaign_cancelled");
    case "finished": return adminT(lang, "dashboard.campaign_finished");
    default: return status;
  }
}

function decideButtons(lang: Lang, id: string): string {
  const b = (decision: string, label: string, cls = "") =>
    `<button type="button"${cls ? ` class="${cls}"` : ""} data-decide="${decision}" data-id="${esc(id)}">${esc(label)}</button>`;
  return `<div class="decide" data-for="${esc(id)}">${b("confirmed", adminT(lang, "dashboard.decide_confirm"))} ${b("rejected", adminT(lang, "dashboard.decide_reject"), "secondary")} ${b("needs_more", adminT(lang, "dashboard.decide_more"), "secondary")}
<p class="outcome" role="status" data-outcome="${esc(id)}"></p></div>`;
}

const detailHref = (lang: Lang, id: string) => `/dashboard/assessments/${encodeURIComponent(id)}${lang === "en" ? "?lang=en" : ""}`;

export function reviewSection(lang: Lang, m: ReviewModel, timeZone: string): string {
  const intro = m.canDecide && m.counts
    ? adminT(lang, "dashboard.review_pending", { n: num(m.counts.pending), overdue: num(m.counts.overdue) })
    : adminT(lang, "dashboard.review_admin_note");
  const items = m.rows.map((r) => `<li class="review-item" data-id="${esc(r.id)}">
<div><b>${esc(r.fullName ?? adminT(lang, "dashboard.no_name"))}</b> – ${esc(r.unitName ?? "–")}${r.unitCode ? ` (${esc(r.unitCode)})` : ""}</div>
<div class="muted">${esc(adminT(lang, "dashboard.total"))}: ${r.total ?? "–"} · ${esc(verdictName(lang, r.verdict))} · ${esc(adminT(lang, "dashboard.submitted_at"))} ${esc(when(lang, r.submittedAt, timeZone))}
· <a href="${esc(detailHref(lang, r.id))}">${esc(adminT(lang, "dashboard.review_open"))}</a></div>
${m.canDecide ? decideButtons(lang, r.id) : ""}</li>`).join("\n");
  return `<section id="review"><h2>${esc(adminT(lang, "dashboard.review"))}</h2><p class="muted">${esc(intro)}</p>
${m.rows.length === 0 ? `<p class="muted">${esc(adminT(lang, "dashboard.review_empty"))}</p>` : `<ul class="list">${items}</ul>`}</section>`;
}

/** What became of a campaign button's action, shown above the list. */
export interface CampaignNotice {
  outcome: "done" | "wrong_status" | "not_found";
  action: Transition;
  /** The campaign's name and its status now; none when it is not among those one may see. */
  name?: string;
  status?: string;
}

export interface CampaignControls {
  /** The province administrator: start, pause, resume and cancel buttons. */
  canControl: boolean;
  /** The overview's query ("?lang=en&unit=…", or "") to come back to after a button. */
  back: string;
  notice?: CampaignNotice;
}

export const CAMPAIGN_ACTIONS = Object.keys(TRANSITIONS) as Transition[];

function actionName(lang: Lang, action: Transition): string {
  switch (action) {
    case "start": return adminT(lang, "dashboard.campaign_start");
    case "pause": return adminT(lang, "dashboard.campaign_pause");
    case "resume": return adminT(lang, "dashboard.campaign_resume");
    case "cancel": return adminT(lang, "dashboard.campaign_cancel");
  }
}

/** The buttons the campaign's status allows (the store's TRANSITIONS); start and cancel ask first. */
function campaignButtons(lang: Lang, c: CampaignRow, back: string): string {
  const actions = CAMPAIGN_ACTIONS.filter((a) => (TRANSITIONS[a].from as readonly string[]).includes(c.status));
  if (actions.length === 0) return "";
  const forms = actions.map((a) => {
    const ask = a === "start" ? adminT(lang, "dashboard.campaign_ask_start", { name: c.name })
      : a === "cancel" ? adminT(lang, "dashboard.campaign_ask_cancel", { name: c.name })
      : "";
    const cls = a === "cancel" ? ' class="danger"' : a === "pause" ? ' class="secondary"' : "";
    return `<form method="post" action="${esc(`/dashboard/campaigns/${encodeURIComponent(c.id)}/${a}${back}`)}"${ask ? ` data-confirm="${esc(ask)}"` : ""}>`
      + `<button type="submit" data-action="${a}"${cls}>${esc(actionName(lang, a))}</button></form>`;
  });
  return `<div class="actions">${forms.join("")}</div>`;
}

function noticeText(lang: Lang, n: CampaignNotice): string {
  const status = campaignStatusName(lang, n.status ?? "");
  if (n.outcome === "not_found" || n.name === undefined) return adminT(lang, "dashboard.campaign_gone");
  if (n.outcome === "done") return adminT(lang, "dashboard.campaign_done", { name: n.name, status });
  return adminT(lang, "dashboard.campaign_stale", { button: actionName(lang, n.action), name: n.name, status });
}

const CONFIRM_SCRIPT = `<script>document.addEventListener("submit", (e) => {
  const ask = e.target.dataset && e.target.dataset.confirm;
  if (ask && !window.confirm(ask)) e.preventDefault();
});</script>`;

export function campaignSection(lang: Lang, rows: CampaignRow[], controls: CampaignControls = { canControl: false, back: "" }): string {
  const items = rows.map((c) => {
    const p = c.progress;
    const progress = p
      ? adminT(lang, "dashboard.campaign_progress", {
          sent: num(p.sent), materialised: num(p.materialised), waiting: num(p.waiting), failed: num(p.failed), continued: num(p.continued), submitted: num(p.submitted),
        })
      : adminT(lang, "dashboard.campaign_not_started");
    const bar = p && p.materialised > 0 ? Math.round((p.sent / p.materialised) * 100) : 0;
    return `<li class="campaign" data-id="${esc(c.id)}" data-status="${esc(c.status)}"><div><b>${esc(c.name)}</b> – <span class="state">${esc(campaignStatusName(lang, c.status))}</span>
<span class="muted">${esc(adminT(lang, "dashboard.campaign_dates", { from: c.from, to: c.to }))}</span></div>
<div class="bar" aria-hidden="true"><span style="width:${bar}%"></span></div><div class="muted progress">${esc(progress)}</div>
${controls.canControl ? campaignButtons(lang, c, controls.back) : ""}</li>`;
  }).join("\n");
  const n = controls.notice;
  const notice = n ? `<p id="campaign-notice" class="${n.outcome === "done" ? "ok" : "miss"}" role="${n.outcome === "done" ? "status" : "alert"}">${esc(noticeText(lang, n))}</p>` : "";
  return `<section id="campaigns"><h2>${esc(adminT(lang, "dashboard.campaigns"))}</h2>${notice}
${rows.length === 0 ? `<p class="muted">${esc(adminT(lang, "dashboard.campaigns_empty"))}</p>` : `<ul class="list">${items}</ul>`}${controls.canControl ? CONFIRM_SCRIPT : ""}</section>`;
}

export const SECTION_STYLE = `<style>ul.list{list-style:none;margin:0;padding:0}ul.list li{border-bottom:1px solid #e3e3e3;padding:8px 0}
.decide button{margin-right:4px}.outcome{margin:4px 0 0}.outcome.ok{color:#2e7d32}.outcome.miss{color:#c25e00}
.bar{background:#e3e8ee;border-radius:4px;height:8px;margin:4px 0}.bar span{display:block;height:8px;background:#2e7d32;border-radius:4px}
dl.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0}dl.facts dt{color:#555}dl.facts dd{margin:0}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}.actions form{margin:0}.actions button{min-height:44px;min-width:96px}
button.danger{background:#b00020}ul.answers .q{margin-bottom:2px}ul.answers .a::before{content:"→ "}</style>`;

/** The script behind the decide buttons (plain ES2017, no library). */
export function decideScript(lang: Lang): string {
  const T = {
    ask_rejected: adminT(lang, "dashboard.ask_reject"),
    ask_needs_more: adminT(lang, "dashboard.ask_more"),
    done_confirmed: adminT(lang, "dashboard.done_confirmed"),
    done_rejected: adminT(lang, "dashboard.done_rejected"),
    done_needs_more: adminT(lang, "dashboard.done_more"),
    already: adminT(lang, "dashboard.err_already"),
    own: adminT(lang, "dashboard.err_own"),
    gone: adminT(lang, "dashboard.err_gone"),
    reason: adminT(lang, "dashboard.err_reason"),
    other: adminT(lang, "dashboard.err_other"),
    statuses: { confirmed: statusName(lang, "confirmed"), rejected: statusName(lang, "rejected"), needs_more: statusName(lang, "needs_more") },
  };
  return `<script>(() => {
const T = ${JSON.stringify(T).replace(/</g, "\\u003c")};
const fill = (s, v) => s.replace(/\\{\\{(\\w+)\\}\\}/g, (_, k) => v[k] == null ? "" : v[k]);
async function decide(button) {
  const id = button.dataset.id, decision = button.dataset.decide;
  const out = document.querySelector('[data-outcome="' + id + '"]');
  let reason;
  if (decision !== "confirmed") {
    reason = window.prompt(T["ask_" + decision]);
    if (reason === null) return;
    if (!reason.trim()) { out.className = "outcome miss"; out.textContent = T.reason; return; }
  }
  const buttons = document.querySelectorAll('[data-for="' + id + '"] button');
  buttons.forEach((b) => { b.disabled = true; });
  const res = await fetch("/api/v1/assessments/" + encodeURIComponent(id) + "/decision", {
    method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" },
    body: JSON.stringify(reason ? { decision, reason: reason.trim() } : { decision }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.ok) { out.className = "outcome ok"; out.textContent = T["done_" + decision]; buttons.forEach((b) => { b.hidden = true; }); return; }
  const e = body.error || {};
  out.className = "outcome miss";
  if (e.code === "already_decided") {
    const earlier = (e.details && e.details.earlier) || {};
    out.textContent = fill(T.already, { status: T.statuses[earlier.status] || earlier.status || "", by: earlier.byName || "" });
  } else if (e.code === "own_assessment") out.textContent = T.own;
  else if (e.code === "withdrawn" || e.code === "not_submitted") out.textContent = T.gone;
  else if (e.code === "reason_required") { out.textContent = T.reason; buttons.forEach((b) => { b.disabled = false; }); return; }
  else { out.textContent = T.other + " " + (e.message || res.status); buttons.forEach((b) => { b.disabled = false; }); return; }
}
document.addEventListener("click", (ev) => {
  const b = ev.target.closest && ev.target.closest("button[data-decide]");
  if (b) decide(b);
});
})();</script>`;
}

export interface AssessmentView {
  id: string;
  fullName: string | null;
  birthYear: number | null;
  unitCode: string | null;
  unitName: string | null;
  year: number;
  status: string;
  total: number | null;
  verdict: string | null;
  submittedAt: Date | null;
  setId: string;
  setVersion: string;
  answers: Record<string, unknown>;
  evidence: Record<string, unknown>;
  reason: string | null;
}

/** The answers, question by question in the set's order (answers.ts); by id when the set is not loaded. */
function answerList(lang: Lang, a: AssessmentView, set: CriteriaSet | undefined): string {
  const items = answerLines(set, a.answers, lang).map((l) => `<li data-qid="${esc(l.id)}"><div class="q">${l.question === undefined ? `<code>${esc(l.id)}</code>` : `<b>${esc(l.label ?? "")}.</b> ${esc(l.question)}`}</div>
<div class="a${l.answer === undefined ? " muted" : ""}">${esc(l.answer ?? adminT(lang, "dashboard.not_answered"))}</div></li>`);
  const missing = set ? "" : `<p class="muted" id="set-missing">${esc(adminT(lang, "dashboard.set_missing", { setId: a.setId, version: a.setVersion }))}</p>`;
  return `${missing}<ul class="list answers" id="answers">${items.join("\n")}</ul>`;
}

export function assessmentPage(lang: Lang, a: AssessmentView, canDecide: boolean, timeZone: string, set: CriteriaSet | undefined): string {
  const evidence = Object.values(a.evidence).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
  const fact = (label: string, value: string) => `<dt>${esc(label)}</dt><dd>${esc(value)}</dd>`;
  const body = `<p><a href="/dashboard${lang === "en" ? "?lang=en" : ""}">${esc(adminT(lang, "dashboard.back"))}</a></p>
<section><h2>${esc(a.fullName ?? adminT(lang, "dashboard.no_name"))}${a.birthYear ? ` (${a.birthYear})` : ""}</h2><dl class="facts">
${fact(adminT(lang, "dashboard.unit"), `${a.unitName ?? "–"}${a.unitCode ? ` (${a.unitCode})` : ""}`)}
${fact(adminT(lang, "dashboard.year"), String(a.year))}
${fact(adminT(lang, "dashboard.status"), statusName(lang, a.status))}
${fact(adminT(lang, "dashboard.total"), `${a.total ?? "–"} · ${verdictName(lang, a.verdict)}`)}
${fact(adminT(lang, "dashboard.submitted_at"), when(lang, a.submittedAt, timeZone))}
${a.reason ? fact(adminT(lang, "dashboard.reason"), a.reason) : ""}</dl>
<p class="muted">${esc(adminT(lang, "dashboard.evidence_count", { n: evidence }))}</p>
${canDecide && a.status === "submitted" ? decideButtons(lang, a.id) : ""}</section>
<section><h2>${esc(adminT(lang, "dashboard.answers"))}</h2>${answerList(lang, a, set)}</section>
${SECTION_STYLE}${decideScript(lang)}`;
  return layout(lang, `${adminT(lang, "dashboard.assessment")} – ${adminT(lang, "dashboard.title")}`, body);
}
