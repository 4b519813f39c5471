// Asks for delivery after a commit, coalescing the requests of one event-loop turn into one Redis
// round trip (BullMQ addBulk); a chat asked for twice in a turn gets one job.
import type { Queue } from "bullmq";
import type { ChannelName } from "../../bot/types.ts";
import { deliveryJob, type DeliverJob } from "./jobs.ts";

export function createDeliveryNotifier(queues: Map<ChannelName, Queue<DeliverJob>>) {
  let pending = new Map<string, DeliverJob>();
  let flushing: Promise<void> | undefined;

  async function flush(batch: Map<string, DeliverJob>): Promise<void> {
    const byChannel = new Map<ChannelName, DeliverJob[]>();
    for (const job of batch.values()) byChannel.set(job.channel, [...(byChannel.get(job.channel) ?? []), job]);
    await Promise.all(
      [...byChannel].map(([channel, jobs]) =>
        queues.get(channel)?.addBulk(jobs.map((data) => deliveryJob(data))),
      ),
    );
  }

  return function notify(channel: ChannelName, recipient: string): Promise<void> {
    pending.set(`${channel}\u0000${recipient}`, { channel, recipient });
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = pending;
      pending = new Map();
      flushing = undefined;
      return flush(batch);
    });
    return flushing;
  };
}
