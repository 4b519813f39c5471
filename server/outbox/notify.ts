// Asks for delivery after a commit, coalescing the requests of one event-loop turn into one Redis
// round trip (BullMQ addBulk); a chat asked for twice in a turn gets one job. A chat whose event left a
// button acknowledgement also gets a job in the acknowledgement lane.
// Bounded: the queues should sit on a fail-fast connection (createFailFastRedis), and the returned
// promise settles within timeoutMs whatever Redis does – a webhook whose event is committed answers at
// once, and a request that did not reach Redis is left to the sweeper, which finds every due row.
import type { Queue } from "bullmq";
import type { ChannelName } from "../../bot/types.ts";
import { ackJob, deliveryJob, type DeliverJob } from "./jobs.ts";

export interface DeliveryQueues {
  messages: Map<ChannelName, Queue<DeliverJob>>;
  acks: Map<ChannelName, Queue<DeliverJob>>;
}

export class EnqueueTimeout extends Error {}

export function createDeliveryNotifier(queues: DeliveryQueues, options: { timeoutMs?: number } = {}) {
  const timeoutMs = options.timeoutMs ?? 1_000;
  let pending = new Map<string, DeliverJob & { ack: boolean }>();
  let flushing: Promise<void> | undefined;

  async function flush(batch: Map<string, DeliverJob & { ack: boolean }>): Promise<void> {
    const byChannel = new Map<ChannelName, (DeliverJob & { ack: boolean })[]>();
    for (const job of batch.values()) byChannel.set(job.channel, [...(byChannel.get(job.channel) ?? []), job]);
    await Promise.all(
      [...byChannel].flatMap(([channel, jobs]) => {
        const acks = jobs.filter((j) => j.ack).map(({ channel, recipient }) => ackJob({ channel, recipient }));
        return [
          queues.messages.get(channel)?.addBulk(jobs.map(({ channel, recipient }) => deliveryJob({ channel, recipient }))),
          acks.length > 0 ? queues.acks.get(channel)?.addBulk(acks) : undefined,
        ];
      }),
    );
  }

  return function notify(channel: ChannelName, recipient: string, options: { ack?: boolean } = {}): Promise<void> {
    const key = `${channel}\u0000${recipient}`;
    pending.set(key, { channel, recipient, ack: (pending.get(key)?.ack ?? false) || options.ack === true });
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = pending;
      pending = new Map();
      flushing = undefined;
      return bounded(flush(batch), timeoutMs);
    });
    return flushing;
  };
}

/** The promise, or an EnqueueTimeout after ms (the late outcome is then ignored). */
function bounded(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnqueueTimeout(`Redis did not take the delivery request within ${ms} ms`)), ms);
  });
  work.catch(() => {});
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
