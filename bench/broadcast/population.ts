// A synthetic population for campaign tests and benchmarks: a commune with villages, N consenting
// people spread over them with one chat account each (Telegram, Zalo or web), assessments of the year
// in every status, some opted out, some unreachable, Zalo users silent for up to 60 days. Built with
// generate_series in a few statements, so a million people take seconds. Person i has the id
// md5('<tag>:' || i)::uuid (deterministic, for assertions).
import type pg from "pg";
import { STATE_VERSION } from "../../bot/engine/index.ts";

export interface PopulationOptions {
  people: number;
  /** Unit code prefix, so that several populations can live in one database. */
  tag: string;
  villages?: number;
  year: number;
  /** Interactions are counted back from this instant. */
  now?: Date;
  /** Share per channel, in tenths: telegram, zalo, web (default 6, 3, 1). */
  channels?: [number, number, number];
  /** External ids of Telegram accounts are `${telegramBase + i}`. */
  telegramBase?: number;
  /**
   * Give every account the conversation state of a consenting citizen (name, birth year, group, unit),
   * so that system events reach it as they reach a real one.
   */
  states?: boolean;
}

export async function seedPopulation(pool: pg.Pool, o: PopulationOptions): Promise<{ rootCode: string }> {
  const villages = o.villages ?? 20;
  const rootCode = `${o.tag}-XA`.toUpperCase();
  const now = o.now ?? new Date();
  const [tg, zl] = o.channels ?? [6, 3, 1];
  await pool.query(
    `WITH root AS (INSERT INTO units (code, name, kind) VALUES ($1, $2, 'commune') RETURNING id)
     INSERT INTO units (code, name, kind, parent_id)
     SELECT $1 || '-T' || v, 'Thôn ' || v, 'village', root.id FROM root, generate_series(1, $3) v`,
    [rootCode, `Xã ${o.tag}`, villages],
  );
  await pool.query(
    `WITH v AS (SELECT array_agg(id ORDER BY code) AS ids FROM units WHERE code LIKE $2 || '-T%')
     INSERT INTO people (id, full_name, birth_year, target_group, unit_id, language, consent_version, consent_at, opt_out_at)
     SELECT md5($1 || ':' || i)::uuid, 'Người dân ' || i, 1940 + (i % 70),
            (ARRAY['worker', 'public_servant', 'student', 'resident'])[1 + i % 4]::target_group,
            v.ids[1 + i % $4],
            CASE WHEN i % 10 = 0 THEN 'en' ELSE 'vi' END, 'seed', $5::timestamptz - interval '90 days',
            CASE WHEN i % 50 = 0 THEN $5::timestamptz - interval '1 day' END
       FROM v, generate_series(1, $3) i`,
    [o.tag, rootCode, o.people, villages, now],
  );
  await pool.query(
    `INSERT INTO channel_accounts (channel, external_id, person_id, last_interaction_at, reachable, unreachable_reason)
     SELECT ch::channel,
            CASE ch WHEN 'telegram' THEN ($6::bigint + i)::text ELSE $1 || '-' || i END,
            md5($1 || ':' || i)::uuid,
            $3::timestamptz - make_interval(days => (i / 10) % 60, mins => i % 1440),
            i % 97 <> 0, CASE WHEN i % 97 = 0 THEN 'blocked' END
       FROM generate_series(1, $2) i,
            LATERAL (SELECT CASE WHEN i % 10 < $4 THEN 'telegram' WHEN i % 10 < $4 + $5 THEN 'zalo' ELSE 'web' END AS ch) c`,
    [o.tag, o.people, now, tg, zl, o.telegramBase ?? 9_000_000_000],
  );
  if (o.states) {
    await pool.query(
      `UPDATE channel_accounts ca SET state = jsonb_build_object(
          'v', $3::int, 'lang', p.language, 'seq', 1, 'consentVersion', 'seed', 'optedOut', p.opt_out_at IS NOT NULL,
          'profile', jsonb_build_object('fullName', p.full_name, 'birthYear', p.birth_year, 'targetGroup', p.target_group,
                                        'unitId', p.unit_id, 'unitCode', u.code, 'unitName', u.name),
          'step', jsonb_build_object('kind', 'group'))
         FROM people p JOIN units u ON u.id = p.unit_id
        WHERE ca.person_id = p.id AND p.id IN (SELECT md5($1 || ':' || i)::uuid FROM generate_series(1, $2) i)`,
      [o.tag, o.people, STATE_VERSION],
    );
  }
  // The first person of each village is its officer.
  await pool.query(
    `INSERT INTO officers (person_id, unit_id)
     SELECT p.id, p.unit_id FROM generate_series(1, LEAST($2::int, $3::int)) i JOIN people p ON p.id = md5($1 || ':' || i)::uuid`,
    [o.tag, villages, o.people],
  );
  // Status by i % 12: 0–3 none, 4–6 in progress, 7 needs more, 8–9 submitted, 10–11 confirmed.
  await pool.query(
    `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, submitted_at)
     SELECT p.id, p.unit_id, p.target_group, 'seed', '1', $3,
            (CASE WHEN i % 12 < 7 THEN 'in_progress' WHEN i % 12 = 7 THEN 'needs_more'
                  WHEN i % 12 < 10 THEN 'submitted' ELSE 'confirmed' END)::assessment_status,
            CASE WHEN i % 12 >= 8 THEN now() - interval '3 days' END
       FROM generate_series(1, $2) i JOIN people p ON p.id = md5($1 || ':' || i)::uuid
      WHERE i % 12 >= 4`,
    [o.tag, o.people, o.year],
  );
  return { rootCode };
}
