// The inbound path: deduplicate one platform event, run the engine's step, apply its effects and store
// its messages in the outbox – all in one transaction – then ask the delivery worker to send them.
// Two entries share it: handleInbound (a chat sent something) and handleSystem (no chat did: a reminder,
// a decision, a campaign message). Round trips: the claim, the addressees when a message names any,
// then effects + state + outbox + commit.
import type pg from "pg";
import type { Logger } from "pino";
import { parseState, step } from "../../bot/engine/index.ts";
import { LANES, type ChannelName, type CriteriaCatalog, type InboundEvent, type Lane, type StepContext, type UnitDirectory } from "../../bot/types.ts";
import { addresseeKey, recipientsOf, recipientsStatement, type OfficerScope, type Recipient } from "../accounts/addressees.ts";
import { claimForInbound, lockedAccount, lockForSystem, saveState, type LockedAccount } from "../accounts/store.ts";
import { batch, type Statement } from "../db/statement.ts";
import { outboxInsert } from "../outbox/store.ts";
import type { OutboxPayload } from "../outbox/types.ts";
import type { CachedUnitDirectory } from "../units/directory.ts";
import type { ReviewContext } from "../../bot/review.ts";
import type { ReviewHook } from "../review/hook.ts";
import { isToken, lookupToken, storeTokens } from "./button-tokens.ts";
import { effectStatements } from "./effects.ts";
import { buildOutput } from "./output.ts";
import type { InboundInput, InboundOutcome, SystemInput, SystemOutcome } from "./types.ts";

/** An outbox row the transaction inserted. */
type NewRow = { id: string; channel: ChannelName; recipient: string; lane: Lane };

export interface PipelineDeps {
  pool: pg.Pool;
  units: CachedUnitDirectory;
  criteria: CriteriaCatalog;
  context: Pick<StepContext, "t" | "consentVersion" | "timeZone" | "yearCutoff" | "dataHolder" | "retentionYears">;
  /** Called after commit for every chat that got outbox rows (enqueues a delivery job). */
  notify: (channel: ChannelName, recipient: string, options?: { ack?: boolean; lane?: Lane }) => Promise<void>;
  logger: Logger;
  /** Whom a unit's notices reach besides its officers; default: leads yes, parent unit no. */
  officers?: OfficerScope;
  /** Officer review's work before the step (server/review/hook.ts); absent: none. */
  review?: ReviewHook;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
}

export interface InboundExtras {
  /** Sent before the replies (Telegram: answer the tapped button's callback query). */
  ack?: OutboxPayload;
}

const DEFAULT_SCOPE: OfficerScope = { leads: true, parentUnit: false };

interface Applying {
  /** Read before the connection is taken: a refresh needs a connection of its own. */
  units: UnitDirectory;
  account: LockedAccount;
  event: InboundEvent;
  source: string;
  ownLane: Lane;
  before?: OutboxPayload[];
  replyTo?: string;
  /** The user wrote, tapped or followed at this time (not for an unfollow or a system event). */
  interactedAt?: Date;
}

export function createPipeline(deps: PipelineDeps) {
  const now = deps.now ?? (() => new Date());
  const scope = deps.officers ?? DEFAULT_SCOPE;

  /** Step, addressees, effects, state, outbox, COMMIT; returns the new rows. The caller holds BEGIN. */
  async function apply(client: pg.PoolClient, a: Applying, seen?: { review?: ReviewContext }): Promise<NewRow[]> {
    const units = a.units;
    const at = now();
    const state = parseState(a.account.state);
    // Officer review's database work for this event (decide, queue, invitation …), in this transaction.
    const review = deps.review
      ? await deps.review(client, { personId: a.account.personId ?? undefined, channel: a.account.channel, state, event: a.event, now: at })
      : undefined;
    if (seen && review) seen.review = review;
    const ctx: StepContext = {
      ...deps.context,
      now: at,
      units,
      criteria: deps.criteria,
      ...(a.account.personId !== null ? { personId: a.account.personId } : {}),
      ...(review ? { review } : {}),
    };
    const result = step(state, a.event, ctx);
    const recipients = new Map<string, Recipient[]>();
    const lookups: { key: string; statement: Statement }[] = [];
    for (const m of result.messages) {
      if (m.to === undefined) continue;
      const key = addresseeKey(m.to);
      if (recipients.has(key)) continue;
      recipients.set(key, []);
      const statement = recipientsStatement(m.to, scope, (m.lane ?? "notice") === "bulk");
      if (statement) lookups.push({ key, statement });
    }
    if (lookups.length > 0) {
      const found = await batch(client, lookups.map((l) => l.statement));
      lookups.forEach((l, i) => recipients.set(l.key, recipientsOf(found[i]!)));
    }
    const { statements } = effectStatements({ id: a.account.id, personId: a.account.personId }, result.effects, deps.criteria);
    const output = buildOutput({
      source: a.source,
      self: { accountId: a.account.id, channel: a.account.channel, externalId: a.account.externalId, lang: result.state.lang },
      ...(a.before ? { before: a.before } : {}),
      messages: result.messages,
      recipients,
      ownLane: a.ownLane,
      ...(a.replyTo !== undefined ? { replyTo: a.replyTo } : {}),
      now: at,
    });
    const tail: (Statement | string)[] = [
      ...statements,
      saveState(a.account.id, result.state, a.interactedAt),
      ...(output.tokens.length > 0 ? [storeTokens(output.tokens)] : []),
    ];
    const results = await batch(client, [...tail, ...(output.rows.length > 0 ? [outboxInsert(output.rows)] : []), "COMMIT"]);
    if (output.rows.length === 0) return [];
    return results[tail.length]!.rows.map((r) => ({ id: String(r.id), channel: r.channel, recipient: r.recipient, lane: r.lane }));
  }

  /** ackChat: the chat whose new rows include a button acknowledgement (delivered in a lane of its own). */
  async function afterCommit(rows: NewRow[], ackChat?: string): Promise<void> {
    // One delivery request per chat, in the most urgent lane among its new rows.
    const chats = new Map<string, NewRow>();
    for (const r of rows) {
      const key = `${r.channel}\u0000${r.recipient}`;
      const seen = chats.get(key);
      if (!seen || LANES.indexOf(r.lane) < LANES.indexOf(seen.lane)) chats.set(key, r);
    }
    // Committed: a failure here only delays delivery until the sweeper's next round.
    await Promise.all(
      [...chats.entries()].map(([key, r]) =>
        deps.notify(r.channel, r.recipient, { ack: key === ackChat, lane: r.lane }).catch((err) =>
          deps.logger.warn({ err, channel: r.channel }, "could not enqueue delivery; the sweeper will"),
        ),
      ),
    );
  }

  async function handleInbound(input: InboundInput & InboundExtras): Promise<InboundOutcome> {
    let event: InboundEvent = input.event;
    const token = event.type === "button" && isToken(event.data) ? event.data : undefined;
    const units = await deps.units.get();
    const client = await deps.pool.connect();
    let rows: NewRow[];
    try {
      const claim = claimForInbound({ channel: input.channel, eventId: input.eventId, externalId: input.externalUserId });
      const [, fresh, , claimed, resolved] = await batch(client, ["BEGIN", ...claim, ...(token ? [lookupToken(token)] : [])]);
      const account = lockedAccount(claimed);
      if (fresh!.rows.length === 0 || !account) {
        await client.query("ROLLBACK");
        return { status: "duplicate" };
      }
      // An unknown or expired token changes nothing: the engine answers it like an old button.
      if (token) event = { type: "button", data: String(resolved?.rows[0]?.data ?? "") };
      rows = await apply(client, {
        units,
        account,
        event,
        source: `${input.channel}:${input.eventId}`,
        ownLane: "reply",
        ...(input.event.type !== "unfollow" ? { interactedAt: input.at } : {}),
        ...(input.ack ? { before: [input.ack] } : {}),
        ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
      });
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    await afterCommit(rows, input.ack !== undefined ? `${input.channel}\u0000${input.externalUserId}` : undefined);
    return { status: "applied", outboxIds: rows.map((r) => r.id) };
  }

  async function handleSystem(input: SystemInput): Promise<SystemOutcome> {
    const units = await deps.units.get();
    const client = await deps.pool.connect();
    let rows: NewRow[];
    const seen: { review?: ReviewContext } = {};
    try {
      const [, fresh, locked] = await batch(client, [
        "BEGIN",
        { text: `INSERT INTO system_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1`, values: [input.eventId] },
        lockForSystem(input.target),
      ]);
      if (fresh!.rows.length === 0) {
        await client.query("ROLLBACK");
        return { status: "duplicate" };
      }
      const account = lockedAccount(locked);
      if (!account) {
        await client.query("ROLLBACK");
        return { status: "no_account" };
      }
      rows = await apply(client, { units, account, event: input.event, source: `system:${input.eventId}`, ownLane: input.lane ?? "notice" }, seen);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    await afterCommit(rows);
    return { status: "applied", outboxIds: rows.map((r) => r.id), ...(seen.review ? { review: seen.review } : {}) };
  }

  return Object.assign(handleInbound, { handleSystem });
}

export type Pipeline = ReturnType<typeof createPipeline>;
