// The dashboard's routes: sign-in (the administrator with ADMIN_TOKEN; an officer with the link the bot
// sent, confirmed by a button so that a chat app's link preview cannot use it up), sign-out, the
// overview, and the administrator's campaign buttons (moveCampaign, as the API: same rules, same audit).
// Every form posted from another site is refused by its Origin (same-site.ts). The session lives in an
// http-only SameSite=Lax cookie that the /api/v1 routes also accept.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import { z } from "zod";
import type { CriteriaCatalog, Lang } from "../../bot/types.ts";
import { authenticate, isAdminToken, mayRead, presentedToken, SESSION_COOKIE } from "../api/auth.ts";
import { moveCampaign } from "../api/campaign-routes.ts";
import { currentYear, reportRoots } from "../api/report-routes.ts";
import { createSession, endSession, redeemSignInLink, SESSION_TTL_MS } from "../api/sessions.ts";
import { recordAudit } from "../audit/store.ts";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import { assessmentDetail } from "../reports/assessments.ts";
import { reportFor } from "../reports/store.ts";
import { campaignNotice, campaignRows, reviewModel } from "./data.ts";
import { assessmentPage, CAMPAIGN_ACTIONS, campaignSection, decideScript, reviewSection, SECTION_STYLE } from "./sections.ts";
import { adminT } from "./i18n.ts";
import { refuseCrossSiteForms } from "./same-site.ts";
import { esc, layout, overviewPage, signInPage, SORT_KEYS } from "./page.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
  /** The published criteria sets: an assessment's questions from the version it began with. */
  criteria: CriteriaCatalog;
}

const langOf = (request: FastifyRequest): Lang => ((request.query as { lang?: string })?.lang === "en" ? "en" : "vi");

const overviewQuery = z.object({
  unit: z.string().trim().toUpperCase().regex(/^[A-Z0-9_-]{2,32}$/).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  sort: z.enum(SORT_KEYS).default("share"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  lang: z.enum(["vi", "en"]).default("vi"),
  // After a campaign button: which campaign, which action and what became of it.
  campaign: z.uuid().optional(),
  action: z.enum(CAMPAIGN_ACTIONS as [(typeof CAMPAIGN_ACTIONS)[number]]).optional(),
  outcome: z.enum(["done", "wrong_status", "not_found"]).optional(),
});
const campaignParams = z.object({ id: z.uuid(), action: z.enum(CAMPAIGN_ACTIONS as [(typeof CAMPAIGN_ACTIONS)[number]]) });
/** Where a campaign button comes back to: the overview as it was (language, unit, year). */
const backQuery = overviewQuery.pick({ lang: true, unit: true, year: true });

function overviewSearch(q: { lang: Lang; unit?: string; year?: number }, more: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (q.lang === "en") p.set("lang", "en");
  if (q.unit) p.set("unit", q.unit);
  if (q.year) p.set("year", String(q.year));
  for (const [k, v] of Object.entries(more)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
}

function setSessionCookie(reply: FastifyReply, config: Config, token: string | null): void {
  const secure = config.publicBaseUrl.startsWith("https:") ? "; Secure" : "";
  const value = token ?? "";
  const age = token ? Math.floor(SESSION_TTL_MS / 1000) : 0;
  reply.header("set-cookie", `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${age}${secure}`);
}

function html(reply: FastifyReply, body: string, status = 200) {
  return reply.code(status).header("cache-control", "no-store").type("text/html; charset=utf-8").send(body);
}

export function dashboardRoutes(deps: Deps) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      refuseCrossSiteForms(scope, deps.config.publicBaseUrl);
      scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 4_096 }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });

      scope.get("/dashboard/sign-in", async (request, reply) => {
        const lang = langOf(request);
        const token = (request.query as { token?: string }).token;
        if (!token) return html(reply, signInPage(lang));
        // A button, not an automatic sign-in: link previews fetch the URL and would use the token up.
        return html(
          reply,
          layout(lang, adminT(lang, "dashboard.title"), `<section><h2>${esc(adminT(lang, "dashboard.sign_in"))}</h2>
<form method="post" action="/dashboard/sign-in"><input type="hidden" name="link" value="${esc(token)}">
<button type="submit" id="continue">${esc(adminT(lang, "dashboard.continue"))}</button></form></section>`),
        );
      });

      scope.post("/dashboard/sign-in", async (request, reply) => {
        const lang = langOf(request);
        const form = (request.body ?? {}) as { token?: string; link?: string };
        if (typeof form.link === "string" && form.link.length > 0) {
          const session = form.link.length <= 200 ? await redeemSignInLink(deps.pool, form.link) : undefined;
          if (!session) return html(reply, signInPage(lang, "link_invalid"), 401);
          setSessionCookie(reply, deps.config, session.token);
          return reply.redirect("/dashboard", 303);
        }
        if (typeof form.token !== "string" || !isAdminToken(form.token, deps.config.adminToken)) {
          return html(reply, signInPage(lang, "invalid_token"), 401);
        }
        const session = await createSession(deps.pool, null);
        await recordAudit(deps.pool, { kind: "admin" }, "dashboard.sign_in", {});
        setSessionCookie(reply, deps.config, session.token);
        return reply.redirect("/dashboard", 303);
      });

      scope.post("/dashboard/sign-out", async (request, reply) => {
        const token = presentedToken(request);
        if (token) await endSession(deps.pool, token);
        setSessionCookie(reply, deps.config, null);
        return reply.redirect("/dashboard/sign-in", 303);
      });

      scope.get("/dashboard", async (request, reply) => {
        const p = await authenticate(deps.pool, deps.config.adminToken, presentedToken(request));
        if (!p) return reply.redirect("/dashboard/sign-in", 303);
        const parsed = overviewQuery.safeParse(request.query ?? {});
        if (!parsed.success) throw new AppError(400, "bad_request", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
        const q = parsed.data;
        const year = q.year ?? currentYear(deps.config.timeZone);
        const roots = await reportRoots(deps.pool, p, q.unit);
        const report = await reportFor(deps.pool, roots, year);
        let who = adminT(q.lang, "dashboard.admin");
        if (p.kind === "officer") {
          const { rows } = await deps.pool.query<{ name: string }>(`SELECT name FROM units WHERE id = ANY($1::uuid[]) ORDER BY code`, [p.roots]);
          who = adminT(q.lang, "dashboard.officer_of", { units: rows.map((r) => r.name).join(", ") });
        }
        const now = new Date();
        const controls = { canControl: p.kind === "admin", back: overviewSearch(q), notice: await campaignNotice(deps.pool, p, q) };
        const sections = reviewSection(q.lang, await reviewModel(deps.pool, p, { roots, year, now }, deps.config.review), deps.config.timeZone) +
          campaignSection(q.lang, await campaignRows(deps.pool, p), controls) + SECTION_STYLE + decideScript(q.lang);
        return html(reply, overviewPage({ lang: q.lang, year, who, unitCode: q.unit, report, sort: q.sort, dir: q.dir, isAdmin: p.kind === "admin", sections }));
      });

      scope.post("/dashboard/campaigns/:id/:action", async (request, reply) => {
        const back = backQuery.safeParse(request.query ?? {});
        const q = back.success ? back.data : { lang: "vi" as const };
        const refuse = (text: string) =>
          html(reply, layout(q.lang, adminT(q.lang, "dashboard.title"), `<section><p class="miss" role="alert" id="campaign-notice">${esc(text)}</p>
<p><a href="${esc(`/dashboard${overviewSearch(q)}`)}">${esc(adminT(q.lang, "dashboard.back"))}</a></p></section>`), 403);
        const p = await authenticate(deps.pool, deps.config.adminToken, presentedToken(request));
        if (!p) return reply.redirect("/dashboard/sign-in", 303);
        if (p.kind !== "admin") return refuse(adminT(q.lang, "dashboard.campaign_admin_only"));
        const params = campaignParams.safeParse(request.params);
        if (!params.success) throw new AppError(404, "campaign_not_found", "No such campaign or action.");
        const { id, action } = params.data;
        let outcome = "done";
        try {
          await moveCampaign(deps.pool, p, id, action);
        } catch (error) {
          if (!(error instanceof AppError) || (error.statusCode !== 404 && error.statusCode !== 409)) throw error;
          outcome = error.statusCode === 409 ? "wrong_status" : "not_found";
        }
        return reply.redirect(`/dashboard${overviewSearch(q, { campaign: id, action, outcome })}#campaigns`, 303);
      });

      scope.get("/dashboard/assessments/:id", async (request, reply) => {
        const p = await authenticate(deps.pool, deps.config.adminToken, presentedToken(request));
        if (!p) return reply.redirect("/dashboard/sign-in", 303);
        const lang = langOf(request);
        const a = await assessmentDetail(deps.pool, (request.params as { id: string }).id);
        if (!a || a.unitId === null || !mayRead(p, a.unitId)) throw new AppError(404, "assessment_not_found", "No such assessment among those you may see.");
        return html(reply, assessmentPage(lang, a, p.kind === "officer", deps.config.timeZone, deps.criteria.get(a.setId, a.setVersion)));
      });
    });
  };
}
