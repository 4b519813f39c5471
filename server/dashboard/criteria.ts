// The dashboard's criteria sets page (administrator only): the versions and which is current, an upload
// form (problems listed with their paths, nothing stored until clean), the preview as a citizen would see
// it, and publishing. Server-rendered forms over the same functions as /api/v1/criteria-sets; a form
// posted from another site is refused by its Origin (same-site.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createTranslateSync } from "../../bot/i18n.ts";
import { groupName } from "../../bot/engine/labels.ts";
import type { Lang } from "../../bot/types.ts";
import { authenticate, presentedToken, type Principal } from "../api/auth.ts";
import { publishStored, renderPreview, storeUpload, type CriteriaDeps } from "../api/criteria-routes.ts";
import { listSets, setByKey } from "../criteria/store.ts";
import { AppError } from "../errors.ts";
import { adminT } from "./i18n.ts";
import { refuseCrossSiteForms } from "./same-site.ts";
import { esc, layout } from "./page.ts";

/** A pasted set is about 35 KB; a form carrying one may be up to this large. */
const FORM_LIMIT_BYTES = 1_048_576;
/** The bot's own names of the target groups. */
const botT = createTranslateSync();
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const langOf = (request: FastifyRequest): Lang => ((request.query as { lang?: string } | undefined)?.lang === "en" ? "en" : "vi");
const withLang = (path: string, lang: Lang) => (lang === "en" ? `${path}${path.includes("?") ? "&" : "?"}lang=en` : path);

function html(reply: FastifyReply, body: string, status = 200) {
  return reply.code(status).header("cache-control", "no-store").type("text/html; charset=utf-8").send(body);
}

type Notice = { kind: "ok" | "miss"; text: string; problems?: { path: string; message: string }[] };

async function listPage(deps: CriteriaDeps, lang: Lang, notice?: Notice, pasted = ""): Promise<string> {
  const sets = await listSets(deps.pool);
  const rows = sets
    .map(
      (s) => `<tr data-key="${esc(s.key)}"${s.current ? ' class="current"' : ""}><td>${esc(groupName(botT, lang, s.targetGroup))}</td><td>${esc(s.setId)}</td><td>${esc(s.version)}</td>
<td>${esc(s.status === "published" ? adminT(lang, "criteria.published") : adminT(lang, "criteria.draft"))}${s.current ? ` <span class="ok">${esc(adminT(lang, "criteria.current"))}</span>` : ""}</td>
<td>${s.publishedAt ? esc(s.publishedAt.toISOString().slice(0, 16).replace("T", " ")) : "–"}</td><td><code>${esc(s.hash.slice(0, 12))}</code></td>
<td><a href="${esc(withLang(`/dashboard/criteria/${s.key}`, lang))}">${esc(adminT(lang, "criteria.preview"))}</a></td></tr>`,
    )
    .join("\n");
  const problems = notice?.problems?.length
    ? `<ul class="problems" id="problems">${notice.problems.map((p) => `<li><code>${esc(p.path || "(file)")}</code> ${esc(p.message)}</li>`).join("")}</ul>`
    : "";
  const body = `<p><a href="${esc(withLang("/dashboard", lang))}">← ${esc(adminT(lang, "dashboard.title"))}</a></p>
${notice ? `<section><p class="${notice.kind}" role="alert" id="notice">${esc(notice.text)}</p>${problems}</section>` : ""}
<section><h2>${esc(adminT(lang, "criteria.versions"))}</h2><p class="muted">${esc(adminT(lang, "criteria.intro"))}</p>
<div class="table"><table id="criteria-sets"><thead><tr><th>${esc(adminT(lang, "criteria.group"))}</th><th>${esc(adminT(lang, "criteria.set_id"))}</th>
<th>${esc(adminT(lang, "criteria.version"))}</th><th>${esc(adminT(lang, "criteria.status"))}</th><th>${esc(adminT(lang, "criteria.published_at"))}</th>
<th>${esc(adminT(lang, "criteria.hash"))}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div></section>
<section><h2>${esc(adminT(lang, "criteria.upload"))}</h2>
<form method="post" action="${esc(withLang("/dashboard/criteria", lang))}" id="upload">
<label>${esc(adminT(lang, "criteria.file"))}<br><input type="file" id="set-file" accept=".json,application/json"></label><br>
<label>${esc(adminT(lang, "criteria.paste"))}<br><textarea name="set" id="set-json" rows="8" style="width:100%;font-family:monospace">${esc(pasted)}</textarea></label><br>
<button type="submit" id="check">${esc(adminT(lang, "criteria.check"))}</button></form>
<script>document.getElementById("set-file").addEventListener("change", async (e) => {
  const f = e.target.files[0]; if (f) document.getElementById("set-json").value = await f.text();
});</script></section>`;
  return layout(lang, adminT(lang, "criteria.title"), body);
}

function previewPage(lang: Lang, preview: ReturnType<typeof renderPreview>, notice?: Notice): string {
  const s = preview.set;
  const questions = preview.questions
    .map(
      (q) => `<article class="question" data-qid="${esc(q.id)}">${q.shownIf ? `<p class="muted">${esc(adminT(lang, "criteria.shown_if", { label: q.shownIf.label }))}</p>` : ""}
${q.title ? `<b>${esc(q.title)}</b>` : ""}<pre style="white-space:pre-wrap;font-family:inherit;margin:4px 0">${esc(q.text)}</pre>
${q.buttons.map((row) => `<div>${row.map((b) => `<span class="button secondary">${esc(b.label)}</span>`).join(" ")}</div>`).join("")}</article><hr>`,
    )
    .join("\n");
  const publish =
    s.status === "draft"
      ? `<form method="post" action="${esc(withLang(`/dashboard/criteria/${s.key}/publish`, lang))}"><p class="muted">${esc(adminT(lang, "criteria.publish_note"))}</p>
<button type="submit" id="publish">${esc(adminT(lang, "criteria.publish"))}</button></form>`
      : "";
  const body = `<p><a href="${esc(withLang("/dashboard/criteria", lang))}">${esc(adminT(lang, "criteria.back"))}</a></p>
${notice ? `<section><p class="${notice.kind}" role="alert" id="notice">${esc(notice.text)}</p></section>` : ""}
<section><h2>${esc(adminT(lang, "criteria.preview_of", { title: preview.title, version: s.version }))}</h2>
<p class="muted">${esc(groupName(botT, lang, s.targetGroup))} · ${esc(s.setId)} · <code>${esc(s.hash.slice(0, 12))}</code></p>${publish}</section>
<section id="preview"><p>${esc(preview.intro)}</p><hr>${questions}</section>`;
  return layout(lang, adminT(lang, "criteria.title"), body);
}

export function criteriaDashboardRoutes(deps: CriteriaDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      refuseCrossSiteForms(scope, deps.config.publicBaseUrl);
      scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: FORM_LIMIT_BYTES }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });

      /** The administrator, or a redirect (not signed in) or a 403 page (an officer); null when answered. */
      const admin = async (request: FastifyRequest, reply: FastifyReply): Promise<Principal | null> => {
        const p = await authenticate(deps.pool, deps.config.adminToken, presentedToken(request));
        if (!p) {
          await reply.redirect("/dashboard/sign-in", 303);
          return null;
        }
        if (p.kind !== "admin") {
          const lang = langOf(request);
          await html(reply, layout(lang, adminT(lang, "criteria.title"), `<section><p class="miss" role="alert">${esc(adminT(lang, "criteria.admin_only"))}</p></section>`), 403);
          return null;
        }
        return p;
      };

      scope.get("/dashboard/criteria", async (request, reply) => {
        if (!(await admin(request, reply))) return reply;
        return html(reply, await listPage(deps, langOf(request)));
      });

      scope.post("/dashboard/criteria", async (request, reply) => {
        const p = await admin(request, reply);
        if (!p) return reply;
        const lang = langOf(request);
        const text = String((request.body as { set?: unknown } | undefined)?.set ?? "");
        let json: unknown;
        try {
          json = JSON.parse(text.replace(/^\uFEFF/, ""));
        } catch (error) {
          const notice: Notice = { kind: "miss", text: adminT(lang, "criteria.invalid_json", { message: (error as Error).message }) };
          return html(reply, await listPage(deps, lang, notice, text), 400);
        }
        try {
          const { record } = await storeUpload(deps, p, json);
          return reply.redirect(withLang(`/dashboard/criteria/${record.key}`, lang), 303);
        } catch (error) {
          if (!(error instanceof AppError) || (error.statusCode !== 400 && error.statusCode !== 409)) throw error;
          const details = error.details as { problems?: Notice["problems"]; setId?: string; version?: string } | undefined;
          const notice: Notice =
            error.statusCode === 409
              ? { kind: "miss", text: adminT(lang, "criteria.conflict", { setId: details?.setId, version: details?.version }) }
              : { kind: "miss", text: adminT(lang, "criteria.problems", { n: details?.problems?.length ?? 0 }), problems: details?.problems ?? [] };
          return html(reply, await listPage(deps, lang, notice, text), error.statusCode);
        }
      });

      scope.get("/dashboard/criteria/:key", async (request, reply) => {
        if (!(await admin(request, reply))) return reply;
        const lang = langOf(request);
        const key = (request.params as { key: string }).key;
        const record = KEY.test(key) ? await setByKey(deps.pool, key) : undefined;
        if (!record) return html(reply, layout(lang, adminT(lang, "criteria.title"), `<section><p class="miss">${esc(adminT(lang, "criteria.not_found"))}</p></section>`), 404);
        const done = (request.query as { done?: string } | undefined)?.done;
        const notice: Notice | undefined =
          done === "published" ? { kind: "ok", text: adminT(lang, "criteria.published_ok", { setId: record.setId, version: record.version }) }
          : done === "unchanged" ? { kind: "ok", text: adminT(lang, "criteria.unchanged") }
          : undefined;
        return html(reply, previewPage(lang, renderPreview(record, lang, deps.config), notice));
      });

      scope.post("/dashboard/criteria/:key/publish", async (request, reply) => {
        const p = await admin(request, reply);
        if (!p) return reply;
        const lang = langOf(request);
        const key = (request.params as { key: string }).key;
        if (!KEY.test(key)) return html(reply, layout(lang, adminT(lang, "criteria.title"), `<section><p class="miss">${esc(adminT(lang, "criteria.not_found"))}</p></section>`), 404);
        try {
          const outcome = await publishStored(deps, p, key, request.log);
          return reply.redirect(withLang(`/dashboard/criteria/${outcome.record.key}?done=${outcome.kind}`, lang), 303);
        } catch (error) {
          if (!(error instanceof AppError) || (error.statusCode !== 404 && error.statusCode !== 409)) throw error;
          const details = error.details as { setId?: string; version?: string } | undefined;
          const text = error.statusCode === 409 ? adminT(lang, "criteria.conflict", { setId: details?.setId, version: details?.version }) : adminT(lang, "criteria.not_found");
          return html(reply, await listPage(deps, lang, { kind: "miss", text }), error.statusCode);
        }
      });
    });
  };
}
