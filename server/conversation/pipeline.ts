// The inbound path: deduplicate one platform event, run the engine's step, apply its effects and store
// its replies in the outbox – all in one transaction, in two database round trips – then ask the
// delivery worker to send them.
import type pg from "pg";
import type { Logger } from "pino";
import { parseState, step } from "../../bot/engine/index.ts";
import type { ChannelName, CriteriaCatalog, StepContext } from "../../bot/types.ts";
import { batch, sql } from "../db/statement.ts";
import { outboxInsert, type NewOutboxRow } from "../outbox/store.ts";
import type { OutboxPayload } from "../outbox/types.ts";
import type { CachedUnitDirectory } from "../units/directory.ts";
import { effectStatements } from "./effects.ts";
import type { InboundInput, InboundOutcome } from "./types.ts";

export interface PipelineDeps {
  pool: pg.Pool;
  units: CachedUnitDirectory;
  criteria: CriteriaCatalog;
  context: Pick<StepContext, "t" | "consentVersion" | "timeZone">;
  /** Called after commit for every chat that got outbox rows (enqueues a delivery job). */
  notify: (channel: ChannelName, recipient: string, options?: { ack?: boolean }) => Promise<void>;
  logger: Logger;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
}

export interface InboundExtras {
  /** Sent before the replies (Telegram: answer the tapped button's callback query). */
  ack?: OutboxPayload;
}

/**
 * Records the event (nothing when it was seen before) and locks the chat's account row, creating it
 * on first contact; returns no row for a duplicate. Events of one chat are applied one after another.
 */
const CLAIM = `
WITH fresh AS (
  INSERT INTO inbound_events (channel, external_event_id) VALUES ($1::channel, $2) ON CONFLICT DO NOTHING RETURNING 1
)
INSERT INTO channel_accounts (channel, external_id, last_interaction_at)
SELECT $1::channel, $3, $4::timestamptz FROM fresh
ON CONFLICT (channel, external_id) DO UPDATE SET
  last_interaction_at = CASE WHEN $5 THEN GREATEST(channel_accounts.last_interaction_at, EXCLUDED.last_interaction_at)
                             ELSE channel_accounts.last_interaction_at END,
  reachable = CASE WHEN $5 THEN true ELSE channel_accounts.reachable END,
  unreachable_reason = CASE WHEN $5 THEN NULL ELSE channel_accounts.unreachable_reason END,
  updated_at = now()
RETURNING id, person_id, state`;

export function createPipeline(deps: PipelineDeps) {
  const now = deps.now ?? (() => new Date());

  return async function handleInbound(input: InboundInput & InboundExtras): Promise<InboundOutcome> {
    const units = await deps.units.get();
    const interacted = input.event.type !== "unfollow";
    const client = await deps.pool.connect();
    let outboxIds: string[];
    try {
      const [, claimed] = await batch(client, [
        "BEGIN",
        sql(CLAIM, input.channel, input.eventId, input.externalUserId, interacted ? input.at : null, interacted),
      ]);
      const account = claimed!.rows[0] as { id: string; person_id: string | null; state: unknown } | undefined;
      if (!account) {
        await client.query("ROLLBACK");
        return { status: "duplicate" };
      }
      const ctx: StepContext = { ...deps.context, now: now(), units, criteria: deps.criteria };
      const result = step(parseState(account.state), input.event, ctx);
      const { statements } = effectStatements({ id: account.id, personId: account.person_id }, result.effects, deps.criteria);
      const payloads: OutboxPayload[] = [
        ...(input.ack ? [input.ack] : []),
        ...result.messages.map((message) => ({ kind: "message" as const, message })),
      ];
      const outbox: NewOutboxRow[] = payloads.map((payload, i) => ({
        channel: input.channel,
        recipient: input.externalUserId,
        payload,
        idempotencyKey: `${input.channel}:${input.eventId}:${i}`,
      }));
      const results = await batch(client, [
        ...statements,
        sql(`UPDATE channel_accounts SET state = $2 WHERE id = $1`, account.id, JSON.stringify(result.state)),
        ...(outbox.length > 0 ? [outboxInsert(outbox)] : []),
        "COMMIT",
      ]);
      outboxIds = outbox.length > 0 ? results[statements.length + 1]!.rows.map((r) => String(r.id)) : [];
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    if (outboxIds.length > 0) {
      // Committed: a failure here only delays delivery until the sweeper's next round.
      await deps.notify(input.channel, input.externalUserId, { ack: input.ack !== undefined }).catch((err) =>
        deps.logger.warn({ err, channel: input.channel }, "could not enqueue delivery; the sweeper will"),
      );
    }
    return { status: "applied", outboxIds };
  };
}

export type Pipeline = ReturnType<typeof createPipeline>;
