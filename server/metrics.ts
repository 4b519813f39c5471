// Prometheus metrics (prom-client), one registry per runtime built here and passed in: webhooks by
// channel and outcome with latency, deliveries by result with latency (the senders are wrapped), and,
// read when scraped, the outbox backlog by lane and channel, queue depths and the Zalo token's state.
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ChannelName } from "../bot/types.ts";
import type { CheckResult } from "./health.ts";
import type { ChannelSender, SendResult } from "./outbox/types.ts";

export interface QueueLike {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface MetricsSources {
  pool: pg.Pool;
  /** Delivery queues by lane. */
  queues: () => { lane: string; channel: ChannelName; queue: QueueLike }[];
  /** The Zalo token store's readiness check, when Zalo is configured. */
  zaloCheck?: () => Promise<CheckResult>;
}

export interface Metrics {
  registry: Registry;
  /** Wraps a channel's sender so that every delivery attempt is counted with its result and latency. */
  instrumentSender(sender: ChannelSender): ChannelSender;
  /** Counts webhook requests (/webhooks/<channel>) by outcome, with latency. */
  observeWebhooks(app: FastifyInstance): void;
  /** Adds the gauges read at scrape time. */
  watch(sources: MetricsSources): void;
}

const outcomeOf = (status: number) => (status < 300 ? "ok" : status === 401 || status === 403 ? "refused" : status < 500 ? "rejected" : "error");

function resultOf(r: SendResult): string {
  if (r.ok) return "sent";
  return r.retry === "never" ? (("unreachable" in r && r.unreachable) ? "unreachable" : "failed") : r.retry === "after" ? "rate_limited" : "retry";
}

/** Đồng per billed message kind (Zalo's prices: settings, not code); unlisted kinds cost nothing. */
export type MessagePrices = Partial<Record<"reply" | "consultation" | "template" | "promotion", number>>;

export function createMetrics(prices: MessagePrices = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "cdht_" });
  const webhooks = new Counter({ name: "cdht_webhook_requests_total", help: "Webhook requests by channel and outcome", labelNames: ["channel", "outcome"], registers: [registry] });
  const webhookSeconds = new Histogram({
    name: "cdht_webhook_duration_seconds", help: "Webhook handling time by channel", labelNames: ["channel"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  const deliveries = new Counter({ name: "cdht_deliveries_total", help: "Delivery attempts by channel and result", labelNames: ["channel", "result"], registers: [registry] });
  const billed = new Counter({
    name: "cdht_messages_billed_total", help: "Messages delivered by channel and how the platform bills them (Zalo: reply, consultation, template)",
    labelNames: ["channel", "kind"], registers: [registry],
  });
  const cost = new Counter({ name: "cdht_messages_cost_dong_total", help: "What the delivered messages cost, in đồng, by channel and kind", labelNames: ["channel", "kind"], registers: [registry] });
  const deliverySeconds = new Histogram({
    name: "cdht_delivery_duration_seconds", help: "Platform send time by channel", labelNames: ["channel"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });

  return {
    registry,
    instrumentSender(sender) {
      return {
        channel: sender.channel,
        globalPerSecond: sender.globalPerSecond,
        perRecipientIntervalMs: sender.perRecipientIntervalMs,
        // The sender's optional capabilities pass through unchanged: the worker reads them.
        ...(sender.announcesDelivery ? { announcesDelivery: true } : {}),
        ...(sender.idempotent ? { idempotent: true } : {}),
        ...(sender.combine ? { combine: sender.combine.bind(sender) } : {}),
        ...(sender.windowOpen ? { windowOpen: sender.windowOpen.bind(sender) } : {}),
        async send(recipient, payload, info, done, row) {
          const end = deliverySeconds.startTimer({ channel: sender.channel });
          try {
            const result = await sender.send(recipient, payload, info, done, row);
            deliveries.inc({ channel: sender.channel, result: resultOf(result) });
            if (result.ok && result.billed) {
              billed.inc({ channel: sender.channel, kind: result.billed });
              cost.inc({ channel: sender.channel, kind: result.billed }, prices[result.billed] ?? 0);
            }
            return result;
          } catch (error) {
            deliveries.inc({ channel: sender.channel, result: "error" });
            throw error;
          } finally {
            end();
          }
        },
      };
    },
    observeWebhooks(app) {
      app.addHook("onResponse", async (request, reply) => {
        const m = /^\/webhooks\/([a-z]+)/.exec(request.url);
        if (!m) return;
        webhooks.inc({ channel: m[1], outcome: outcomeOf(reply.statusCode) });
        webhookSeconds.observe({ channel: m[1] }, reply.elapsedTime / 1000);
      });
    },
    watch(sources) {
      new Gauge({
        name: "cdht_outbox_backlog", help: "Outbox rows waiting (pending or sending) by lane (reply, notice, bulk; ack: button acknowledgements) and channel", labelNames: ["lane", "channel"], registers: [registry],
        async collect() {
          this.reset();
          const { rows } = await sources.pool.query<{ lane: string; channel: string; n: number }>(
            `SELECT CASE WHEN payload->>'kind' = 'callback_answer' THEN 'ack' ELSE lane::text END AS lane, channel::text, count(*)::int AS n
               FROM outbox WHERE status IN ('pending', 'sending') GROUP BY 1, 2`,
          );
          for (const r of rows) this.set({ lane: r.lane, channel: r.channel }, r.n);
        },
      });
      new Gauge({
        name: "cdht_outbox_undelivered", help: "Outbox rows that failed or whose delivery is uncertain, by channel", labelNames: ["channel", "status"], registers: [registry],
        async collect() {
          this.reset();
          const { rows } = await sources.pool.query<{ channel: string; status: string; n: number }>(
            `SELECT channel::text, status::text, count(*)::int AS n FROM outbox WHERE status IN ('failed', 'uncertain') GROUP BY 1, 2`,
          );
          for (const r of rows) this.set({ channel: r.channel, status: r.status }, r.n);
        },
      });
      new Gauge({
        name: "cdht_queue_jobs", help: "BullMQ delivery jobs by lane, channel and state", labelNames: ["lane", "channel", "state"], registers: [registry],
        async collect() {
          this.reset();
          for (const { lane, channel, queue } of sources.queues()) {
            const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed");
            for (const [state, n] of Object.entries(counts)) this.set({ lane, channel, state }, n);
          }
        },
      });
      if (sources.zaloCheck) {
        const check = sources.zaloCheck;
        new Gauge({
          name: "cdht_zalo_token_state", help: "Zalo token pair: 1 for the current state (ok, degraded: an operator must load new tokens, failed)", labelNames: ["state"], registers: [registry],
          async collect() {
            const r = await check();
            const state = r.ok === true ? "ok" : r.ok === "degraded" ? "degraded" : "failed";
            for (const s of ["ok", "degraded", "failed"]) this.set({ state: s }, s === state ? 1 : 0);
          },
        });
      }
    },
  };
}
