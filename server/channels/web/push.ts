// Wakes the web chat's long polls when the delivery worker (any process) delivers a row to their
// account, through Redis pub/sub (server/outbox/announce.ts), so that an open page costs no database
// query while nothing happens: one subscriber connection per web process, one channel per account
// with a waiting page (counted, unsubscribed when the last one leaves).
import type { Redis } from "../../redis.ts";
import { deliveredChannel, LAST_DELIVERED_TTL_MS, lastDeliveredKey } from "../../outbox/announce.ts";

type Listener = (rowId: string) => void;

export class WebPush {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private connection(): Redis {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on("error", () => {});
      this.subscriber.on("message", (channel: string, rowId: string) => {
        for (const listener of this.listeners.get(channel) ?? []) listener(rowId);
      });
    }
    return this.subscriber;
  }

  /** Calls `listener` with each row id delivered to the account from now on; resolves once listening. */
  async listen(account: string, listener: Listener): Promise<() => void> {
    const channel = deliveredChannel(this.prefix, "web", account);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribed.set(channel, this.connection().subscribe(channel));
    }
    set.add(listener);
    const stop = () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      this.subscribed.delete(channel);
      void this.subscriber?.unsubscribe(channel).catch(() => {});
    };
    try {
      await this.subscribed.get(channel);
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  /** The highest row id delivered to the account, as far as Redis remembers (null: ask the database). */
  async lastDelivered(account: string): Promise<string | null> {
    return this.redis.getex(lastDeliveredKey(this.prefix, "web", account), "PX", LAST_DELIVERED_TTL_MS);
  }

  /** Remembers the database's answer unless a delivery recorded a newer one meanwhile. */
  async remember(account: string, rowId: string): Promise<void> {
    await this.redis.set(lastDeliveredKey(this.prefix, "web", account), rowId, "PX", LAST_DELIVERED_TTL_MS, "NX");
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    this.listeners.clear();
    this.subscribed.clear();
  }
}
