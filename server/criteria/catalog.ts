// The criteria sets the engine may use: the current version per target group starts new assessments;
// every published version stays available so that an assessment finishes on the version it began with.
//
// LiveCatalog keeps the published sets of the database in memory, so the engine reads them without a
// query per inbound event. A publish announces itself over Redis pub/sub and every process reloads at
// once; a slow periodic reload (and a reload when the subscriber reconnects) covers a lost message.
import type { CriteriaCatalog } from "../../bot/types.ts";
import { parseCriteriaSet, type CriteriaSet, type TargetGroup } from "../../rules/index.ts";
import type { Logger } from "../logger.ts";
import type { Redis } from "../redis.ts";
import type pg from "pg";
import { contentHash } from "../../rules/index.ts";
import { publishedFingerprint, publishedSets, seedIfEmpty } from "./store.ts";

function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** A catalog of fixed sets: the highest version per target group is current (files, tests). */
export function catalogOf(sets: CriteriaSet[]): CriteriaCatalog {
  const ordered = [...sets].sort((a, b) => compareVersions(a.version, b.version));
  return catalogInOrder(ordered);
}

/** A catalog of sets in publishing order: the last one of each target group is current. */
export function catalogInOrder(sets: CriteriaSet[]): CriteriaCatalog {
  const byKey = new Map(sets.map((s) => [`${s.id}@${s.version}`, s]));
  const current = new Map<TargetGroup, CriteriaSet>();
  for (const set of sets) current.set(set.targetGroup, set);
  return {
    current: (group) => current.get(group),
    get: (id, version) => byKey.get(`${id}@${version}`),
  };
}

/** The Redis channel a publish is announced on (per deployment prefix). */
export const criteriaChannel = (prefix: string) => `${prefix}:criteria:published`;

export interface LiveCatalogOptions {
  pool: pg.Pool;
  /** A connection to duplicate for the subscriber. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** The defaults loaded into an empty table. */
  shipped: CriteriaSet[];
  /** Reload this often even without an announcement (ms). */
  refreshMs?: number;
}

export const DEFAULT_REFRESH_MS = 60_000;

export class LiveCatalog implements CriteriaCatalog {
  private catalog: CriteriaCatalog = catalogInOrder([]);
  private fingerprint = "";
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  /** Completed reloads (tests wait on it). */
  generation = 0;

  private constructor(private readonly options: LiveCatalogOptions) {}

  static async start(options: LiveCatalogOptions): Promise<LiveCatalog> {
    const live = new LiveCatalog(options);
    await seedIfEmpty(options.pool, options.shipped);
    await live.reload();
    live.warnAboutShipped();
    const subscriber = options.redis.duplicate();
    subscriber.on("error", () => {});
    subscriber.on("message", () => void live.refresh());
    // After a reconnection an announcement may have been missed.
    let first = true;
    subscriber.on("ready", () => {
      if (!first) void live.refresh();
      first = false;
    });
    live.subscriber = subscriber;
    // Not awaited (startup does not wait on Redis); a reload once subscribed covers the gap since the first.
    subscriber.subscribe(criteriaChannel(options.prefix)).then(
      () => live.refresh(),
      (err: unknown) => options.logger.warn({ err }, "criteria: cannot subscribe; reloading periodically only"),
    );
    live.timer = setInterval(() => void live.refresh(), options.refreshMs ?? DEFAULT_REFRESH_MS);
    live.timer.unref();
    return live;
  }

  /** A shipped file that differs from the database is not loaded by itself: the operator is told once. */
  private warnAboutShipped(): void {
    for (const file of this.options.shipped) {
      const stored = this.get(file.id, file.version);
      if (!stored) this.options.logger.warn({ set: `${file.id}@${file.version}` }, "criteria: a shipped set is not published in the database; publish it through /api/v1/criteria-sets to use it");
      else if (contentHash(stored) !== contentHash(file)) this.options.logger.warn({ set: `${file.id}@${file.version}` }, "criteria: the shipped file differs from the published set of the same version; the database's is used");
    }
  }

  current(group: TargetGroup): CriteriaSet | undefined {
    return this.catalog.current(group);
  }

  get(id: string, version: string): CriteriaSet | undefined {
    return this.catalog.get(id, version);
  }

  /** Reloads now (coalescing concurrent calls); never throws, a failure keeps the sets in memory. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.reload();
        } while (this.again);
      } catch (err) {
        this.options.logger.warn({ err }, "criteria: reload failed; keeping the sets in memory");
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Loads the sets when the published rows changed (a cheap count first: the bodies are ~30 KB each). */
  private async reload(): Promise<void> {
    const fingerprint = await publishedFingerprint(this.options.pool);
    if (fingerprint !== this.fingerprint) {
      const rows = await publishedSets(this.options.pool);
      const sets: CriteriaSet[] = [];
      for (const row of rows) {
        const outcome = parseCriteriaSet(row.body);
        if (outcome.ok) sets.push(outcome.set);
        else this.options.logger.error({ set: `${row.setId}@${row.version}`, problems: outcome.problems }, "criteria: a published set no longer parses; skipped");
      }
      this.catalog = catalogInOrder(sets);
      this.fingerprint = fingerprint;
    }
    this.generation += 1;
  }

  /** Tells every process (this one included) to reload; gives up after timeoutMs (Redis down). */
  static async announce(redis: Redis, prefix: string, timeoutMs = 1_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([redis.publish(criteriaChannel(prefix), String(Date.now())), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.subscriber?.disconnect();
  }
}
