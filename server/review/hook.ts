// Officer review inside the inbound pipeline: before the engine's step, inside the event's transaction
// (the account row locked), do what the event needs of the database – accept an invitation, read the
// queue, decide – and hand the outcome to the step as ctx.review. The engine renders it (bot/engine/
// flows/officer-*.ts), so the decision, its audit entry, the officer's answer and the citizen's notice
// commit together or not at all.
import type pg from "pg";
import type { ConversationState } from "../../bot/engine/index.ts";
import { reviewNeeds } from "../../bot/engine/flows/officer-needs.ts";
import type { ChatReport, ReviewCard, ReviewContext, ReviewNeed } from "../../bot/review.ts";
import type { InboundEvent, Lang, Translate } from "../../bot/types.ts";
import type { TargetGroup } from "../../rules/index.ts";
import type { ReviewSettings } from "../config.ts";
import { acceptInvitation, invitationSecretOf } from "../officers/invitations.ts";
import { officerRoles, setNoticePreference } from "../officers/store.ts";
import { decide, revise, type Decided, type DecideResult, type ReviseResult } from "./decide.ts";
import { latestOwn, openAssessmentId, ownAssessment, submittedNotices, reviewDetails, type ReviewDetails } from "./details.ts";
import { queueCounts, queuePage, type QueueCounts } from "./queue.ts";
import { noticeRecipients } from "./reminders.ts";
import { daysBefore } from "./scope.ts";
import { evidenceLink, WEB_UPLOAD_PREFIX, type EvidenceLinks } from "./evidence.ts";

export interface ReviewHookInput {
  personId: string | undefined;
  channel: "telegram" | "zalo" | "web";
  state: ConversationState | null;
  event: InboundEvent;
  now: Date;
}

export type ReviewHook = (client: pg.PoolClient, input: ReviewHookInput) => Promise<ReviewContext | undefined>;

function cardOf(d: ReviewDetails, now: Date, reviseDays: number): ReviewCard {
  const last = d.history[d.history.length - 1];
  const mayRevise =
    d.lead && !d.own && last !== undefined && ["confirmed", "rejected", "needs_more"].includes(d.status) && last.at >= daysBefore(now, reviseDays);
  return {
    assessmentId: d.assessmentId,
    status: d.status,
    citizenPersonId: null,
    fullName: d.fullName,
    birthYear: d.birthYear,
    targetGroup: d.targetGroup as ReviewCard["targetGroup"],
    unitName: d.unit?.name ?? "",
    unitCode: d.unit?.code ?? "",
    setId: d.setId,
    setVersion: d.setVersion,
    year: d.year,
    total: d.total,
    verdict: d.verdict,
    score: (d.score ?? null) as ReviewCard["score"],
    answers: d.answers as ReviewCard["answers"],
    evidence: d.evidence as ReviewCard["evidence"],
    evidenceCount: d.evidenceCount,
    submittedAt: d.submittedAt?.toISOString() ?? null,
    ...(mayRevise ? { mayRevise } : {}),
    ...(last && d.status !== "submitted"
      ? { decided: { status: last.decision, byName: last.byName, at: last.at.toISOString(), reason: last.reason, reasonCode: last.reasonCode } }
      : {}),
  };
}

/** How the card's evidence can be shown to an officer on this channel (ReviewCard.evidenceShow). */
function evidenceShow(card: ReviewCard, channel: ReviewHookInput["channel"], personId: string, now: Date, links?: EvidenceLinks): ReviewCard {
  const show: NonNullable<ReviewCard["evidenceShow"]> = {};
  for (const refs of Object.values(card.evidence)) {
    for (const { ref } of refs) {
      if (ref.startsWith(WEB_UPLOAD_PREFIX)) {
        if (links) show[ref] = { link: evidenceLink(links, ref.slice(WEB_UPLOAD_PREFIX.length), personId, now) };
      } else if (/^https:\/\//.test(ref)) {
        show[ref] = channel === "telegram" ? { photo: ref } : { link: ref };
      } else if (channel === "telegram") {
        show[ref] = { photo: ref };
      }
    }
  }
  return { ...card, evidenceShow: show };
}

/** Makes a dashboard sign-in link for an active officer (server/api/sessions.ts), in the event's transaction. */
export type SignInLinks = (db: pg.PoolClient, personId: string, now: Date) => Promise<{ url: string; expiresAt: Date } | undefined>;

export interface ReviewHookExtras {
  signInLink?: SignInLinks;
  /** Signed links to web uploads shown to officers (server/review/evidence.ts). */
  links?: EvidenceLinks;
  /** /report: the officer's units' chart and figures (server/reports/chat-report.ts). */
  report?: (db: pg.PoolClient, input: { personId: string; lang: Lang; now: Date }) => Promise<ChatReport | undefined>;
}

export function createReviewHook(settings: ReviewSettings, t: Translate, extras: ReviewHookExtras = {}): ReviewHook {
  const { signInLink, links } = extras;
  async function run(client: pg.PoolClient, personId: string, input: ReviewHookInput, need: ReviewNeed, out: ReviewContext): Promise<void> {
    const { now } = input;
    switch (need.kind) {
      case "accept": {
        const secret = "token" in need.secret ? need.secret : invitationSecretOf(need.secret.code);
        if (!secret) {
          out.accepted = { ok: false, code: "not_found" };
          return;
        }
        const r = await acceptInvitation(client, { secret, personId, now });
        out.accepted = r.ok ? { ok: true, unitCode: r.value.unit.code, unitName: r.value.unit.name, role: r.value.role } : { ok: false, code: r.code };
        return;
      }
      case "queue": {
        const roles = await officerRoles(client, personId);
        out.roles = roles.map((r) => ({ unitCode: r.unit.code, unitName: r.unit.name, role: r.role }));
        const after = need.after ? { submittedAt: new Date(need.after.at), assessmentId: need.after.id } : undefined;
        const [page, counts] = [await queuePage(client, { personId, now, ...(after ? { after } : {}) }, settings), await queueCounts(client, { personId, now }, settings)];
        out.queue = {
          lines: page.items.map((i) => ({
            assessmentId: i.assessmentId, fullName: i.fullName, birthYear: i.birthYear, unitName: i.unit.name,
            total: i.total, verdict: i.verdict, submittedAt: i.submittedAt.toISOString(),
          })),
          ...(page.next ? { next: { at: page.next.submittedAt.getTime(), id: page.next.assessmentId } } : {}),
          pending: counts.pending,
          overdue: counts.overdue,
          first: after === undefined,
        };
        return;
      }
      case "open": {
        const d = await reviewDetails(client, { assessmentId: need.assessmentId, personId, now }, settings);
        out.card = d.ok ? { ok: true, card: evidenceShow(cardOf(d.value, now, settings.reviseDays), input.channel, personId, now, links) } : { ok: false, code: d.code };
        return;
      }
      case "next": {
        const page = await queuePage(client, { personId, now, limit: 1 }, settings);
        const counts = await queueCounts(client, { personId, now }, settings);
        const first = page.items[0];
        const d = first ? await reviewDetails(client, { assessmentId: first.assessmentId, personId, now }, settings) : undefined;
        out.next = { pending: counts.pending, ...(d?.ok ? { card: cardOf(d.value, now, settings.reviseDays) } : {}) };
        return;
      }
      case "decide":
      case "revise": {
        const decision = {
          assessmentId: need.assessmentId, personId, decision: need.decision, channel: input.channel, now,
          ...(need.reasonCode !== undefined ? { reasonCode: need.reasonCode } : {}),
          ...(need.kind === "decide" && need.reason !== undefined ? { reason: need.reason } : {}),
          ...(need.kind === "decide" && need.questions !== undefined ? { questions: need.questions } : {}),
        };
        // The counts are queued right behind the decision's statement (one round trip in pipeline mode)
        // and see it: "n left" after this decision.
        const [r, counts]: [DecideResult | ReviseResult, QueueCounts] = await Promise.all([
          need.kind === "decide" ? decide(client, decision, settings) : revise(client, decision, settings),
          queueCounts(client, { personId, now }, settings),
        ]);
        if (!r.ok) {
          out.decided = {
            ok: false, code: r.code,
            ...("earlier" in r ? { earlier: { status: r.earlier.status, byName: r.earlier.byName, at: r.earlier.at?.toISOString() ?? null } } : {}),
          };
          return;
        }
        const v: Decided = r.value;
        out.decided = {
          ok: true, assessmentId: need.assessmentId, decision: need.decision, year: v.year, fullName: v.fullName,
          citizenBirthYear: v.birthYear, citizenGroup: v.targetGroup as TargetGroup,
          citizenPersonId: v.citizenPersonId, reason: decision.reason ?? null, reasonCode: need.reasonCode ?? null, pending: counts.pending,
          questions: decision.questions ?? [], setId: v.setId, setVersion: v.setVersion,
          ...(need.kind === "revise" ? { revisedFrom: v.statusBefore } : {}),
        };
        return;
      }
      case "submission": {
        const id = await openAssessmentId(client, personId);
        if (!id) return;
        const recipients = await noticeRecipients(client, id, now, settings);
        out.submission = { assessmentId: id, notify: recipients.filter((r) => r.mode === "immediate").map((r) => r.personId) };
        return;
      }
      case "own":
        out.own = await ownAssessment(client, personId, need.assessmentId);
        return;
      case "withdrawing": {
        const found = await submittedNotices(client, personId);
        if (found) out.withdrawing = found;
        return;
      }
      case "mine":
        out.mine = await latestOwn(client, personId);
        return;
      case "prefs":
        await setNoticePreference(client, personId, { mode: need.mode });
        out.prefs = { mode: need.mode };
        return;
      case "dashboard": {
        const link = signInLink ? await signInLink(client, personId, now) : undefined;
        out.dashboard = link ? { ok: true, url: link.url, minutes: Math.round((link.expiresAt.getTime() - now.getTime()) / 60_000) } : { ok: false };
        return;
      }
      case "report": {
        const report = extras.report ? await extras.report(client, { personId, lang: input.state?.lang ?? "vi", now }) : undefined;
        out.report = report ? { ok: true, ...report } : { ok: false };
        return;
      }
    }
  }

  return async (client, input) => {
    if (input.personId === undefined) return undefined;
    const e = input.event;
    if (e.type === "system" && e.name === "review.decide") {
      // A decision made on the dashboard (a web client), under the same rules as in chat.
      const out: ReviewContext = {};
      const need: ReviewNeed = {
        kind: "decide", assessmentId: e.assessmentId, decision: e.decision,
        ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}), ...(e.reason !== undefined ? { reason: e.reason } : {}),
      };
      await run(client, input.personId, { ...input, channel: "web" }, need, out);
      return out;
    }
    const needs = reviewNeeds(input.state, input.event, input.personId, t, input.now);
    if (needs.length === 0) return undefined;
    const out: ReviewContext = {};
    for (const need of needs) await run(client, input.personId, input, need, out);
    return out;
  };
}
