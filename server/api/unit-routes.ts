// /api/v1/units: the unit tree, edits, moves, targets, bulk import and QR posters. SQL lives in
// server/units/store.ts and import.ts; every change is audited.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "../audit/store.ts";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import { parseCsv, parseXlsx, runImport } from "../units/import.ts";
import { posterLinks, posterPng, posterSvg } from "../units/poster.ts";
import { posterPdf } from "../units/poster-pdf.ts";
import { allUnits, createUnit, moveUnit, setTargets, targetsOf, unitByCode, updateUnit, type UnitRow } from "../units/store.ts";
import { nest, type TreeNode } from "../units/tree.ts";
import { actorOf, mayChange, mayCreateUnder, mayRead, maySetTargets, principalOf, type Principal } from "./auth.ts";
import { errorSchema, targetGroup, targetSchema, treeUnitSchema, unitCode, unitKind, unitSchema, year } from "./schemas.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

const codeParams = z.object({ code: unitCode });
const name = z.string().trim().min(2).max(200);
const members = z.number().int().min(0).max(10_000_000);

/** A unit the caller may read, or 404 (a unit outside one's scope is not revealed). */
export async function readableUnit(db: pg.Pool | pg.PoolClient, p: Principal, code: string): Promise<UnitRow> {
  const unit = await unitByCode(db, code);
  if (!unit || !mayRead(p, unit.id)) throw new AppError(404, "unit_not_found", `No unit with code ${code}.`);
  return unit;
}

function forbidden(code: string): never {
  throw new AppError(403, "forbidden", `You may read ${code} but not change it: officers change the units below their own.`);
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function flattenTree(roots: TreeNode<UnitRow>[]): (UnitRow & { depth: number })[] {
  const out: (UnitRow & { depth: number })[] = [];
  const walk = (nodes: TreeNode<UnitRow>[], depth: number) => {
    for (const n of nodes) {
      out.push({ ...n.unit, depth });
      walk(n.children, depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}

export async function unitRoutes(api: FastifyInstance, deps: Deps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const { pool } = deps;

  r.get(
    "/units",
    {
      schema: {
        summary: "The units one may see, as a tree in depth-first order (depth 0 = a root)",
        tags: ["units"],
        querystring: z.object({ root: unitCode.optional() }),
        response: { 200: z.object({ units: z.array(treeUnitSchema) }), 404: errorSchema },
      },
    },
    async (request) => {
      const p = principalOf(request);
      let units = (await allUnits(pool)).filter((u) => mayRead(p, u.id));
      if (request.query.root) {
        const root = await readableUnit(pool, p, request.query.root);
        const ids = new Set([root.id]);
        const byParent = new Map<string, UnitRow[]>();
        for (const u of units) if (u.parentId) byParent.set(u.parentId, [...(byParent.get(u.parentId) ?? []), u]);
        const stack = [root.id];
        while (stack.length) for (const c of byParent.get(stack.pop()!) ?? []) if (!ids.has(c.id)) (ids.add(c.id), stack.push(c.id));
        units = units.filter((u) => ids.has(u.id));
      }
      return { units: flattenTree(nest(units)) };
    },
  );

  r.get(
    "/units/:code",
    { schema: { summary: "One unit with its targets", tags: ["units"], params: codeParams, response: { 200: unitSchema.extend({ targets: z.array(targetSchema) }), 404: errorSchema } } },
    async (request) => {
      const unit = await readableUnit(pool, principalOf(request), request.params.code);
      return { ...unit, targets: await targetsOf(pool, unit.id) };
    },
  );

  r.post(
    "/units",
    {
      schema: {
        summary: "Create a unit",
        tags: ["units"],
        body: z.object({ code: unitCode, name, kind: unitKind, parentCode: unitCode.nullish(), area: z.string().trim().max(200).nullish(), memberCount: members.nullish() }),
        response: { 201: unitSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      const parent = body.parentCode ? await readableUnit(pool, p, body.parentCode) : undefined;
      if (!mayCreateUnder(p, parent)) throw new AppError(403, "forbidden", "Officers add units under their own units only.");
      const unit = await inTransaction(pool, async (client) => {
        const created = await createUnit(client, body);
        await recordAudit(client, actorOf(p), "unit.create", { code: created.code, unit: created });
        return created;
      });
      return reply.code(201).send(unit);
    },
  );

  r.patch(
    "/units/:code",
    {
      schema: {
        summary: "Edit a unit's name, kind, area or member count",
        tags: ["units"],
        params: codeParams,
        body: z.object({ name: name.optional(), kind: unitKind.optional(), area: z.string().trim().max(200).nullish(), memberCount: members.nullish() }),
        response: { 200: unitSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const unit = await readableUnit(pool, p, request.params.code);
      if (!mayChange(p, unit.id)) forbidden(unit.code);
      return inTransaction(pool, async (client) => {
        await client.query(`SELECT 1 FROM units WHERE id = $1 FOR UPDATE`, [unit.id]);
        const updated = await updateUnit(client, unit, request.body);
        await recordAudit(client, actorOf(p), "unit.update", { code: unit.code, before: unit, changes: request.body });
        return updated;
      });
    },
  );

  r.post(
    "/units/:code/move",
    {
      schema: {
        summary: "Move a unit (with everything below it) under another unit, or to the top (parentCode null)",
        tags: ["units"],
        params: codeParams,
        body: z.object({ parentCode: unitCode.nullable() }),
        response: { 200: unitSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const unit = await readableUnit(pool, p, request.params.code);
      if (!mayChange(p, unit.id)) forbidden(unit.code);
      const parent = request.body.parentCode ? await readableUnit(pool, p, request.body.parentCode) : undefined;
      if (!mayCreateUnder(p, parent)) throw new AppError(403, "forbidden", "Officers move units within their own units only.");
      return inTransaction(pool, async (client) => {
        const moved = await moveUnit(client, unit, request.body.parentCode);
        await recordAudit(client, actorOf(p), "unit.move", { code: unit.code, from: unit.parentCode, to: moved.parentCode });
        return moved;
      });
    },
  );

  r.get(
    "/units/:code/targets",
    {
      schema: {
        summary: "Targets of a unit (share of members holding the title) per year and target group",
        tags: ["targets"],
        params: codeParams,
        querystring: z.object({ year: year.optional() }),
        response: { 200: z.object({ targets: z.array(targetSchema) }), 404: errorSchema },
      },
    },
    async (request) => {
      const unit = await readableUnit(pool, principalOf(request), request.params.code);
      return { targets: await targetsOf(pool, unit.id, request.query.year) };
    },
  );

  r.put(
    "/units/:code/targets",
    {
      schema: {
        summary: "Set targets per year and target group (percent null removes one)",
        tags: ["targets"],
        params: codeParams,
        body: z.object({
          targets: z
            .array(z.object({ year: year, targetGroup, percent: z.number().int().min(0).max(100).nullable(), members: members.nullish() }))
            .min(1)
            .max(100),
        }),
        response: { 200: z.object({ targets: z.array(targetSchema) }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const unit = await readableUnit(pool, p, request.params.code);
      if (!maySetTargets(p, unit.id)) forbidden(unit.code);
      await inTransaction(pool, async (client) => {
        await setTargets(client, unit.id, request.body.targets);
        await recordAudit(client, actorOf(p), "unit.targets", { code: unit.code, targets: request.body.targets });
      });
      return { targets: await targetsOf(pool, unit.id) };
    },
  );

  const problemSchema = z.object({ line: z.number().int(), code: z.string(), field: z.string(), problem: z.string(), message: z.string() });
  r.post(
    "/units/import",
    {
      schema: {
        summary: "Import units from CSV or XLSX (columns code, name, kind, parent, members); dryRun=true only reports",
        description: "Send the file as the body with Content-Type text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet. Nothing changes unless every row is clean.",
        tags: ["units"],
        querystring: z.object({ dryRun: z.enum(["true", "false"]).default("true").transform((v) => v === "true") }),
        response: {
          200: z.object({ dryRun: z.boolean(), applied: z.boolean(), rows: z.number().int(), created: z.number().int(), updated: z.number().int(), problems: z.array(problemSchema) }),
          415: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw new AppError(415, "unsupported_media_type", "Send the file as text/csv or as an XLSX workbook.");
      const isXlsx = body.subarray(0, 2).toString("latin1") === "PK";
      const rows = isXlsx ? await parseXlsx(body) : parseCsv(body);
      const dryRun = request.query.dryRun;
      const plan = await inTransaction(pool, async (client) => {
        const result = await runImport(client, rows, {
          dryRun,
          mayChange: (u) => mayChange(p, u.id),
          mayCreateUnder: (parent) => mayCreateUnder(p, parent),
        });
        if (!dryRun && result.problems.length === 0) {
          await recordAudit(client, actorOf(p), "unit.import", { rows: result.rows.length, created: result.created, updated: result.updated, codes: result.rows.map((r) => r.code) });
        }
        return result;
      });
      const out = { dryRun, applied: !dryRun && plan.problems.length === 0, rows: rows.length, created: plan.created, updated: plan.updated, problems: plan.problems };
      if (!dryRun && plan.problems.length > 0) {
        return reply.code(422).send({ error: { code: "import_invalid", message: `${plan.problems.length} problem(s) in the file; nothing was imported.`, details: out } });
      }
      return out;
    },
  );

  r.get(
    "/units/:code/poster",
    {
      schema: {
        summary: "A printable QR poster with the unit's Telegram, Zalo and web chat links (SVG, PNG or PDF)",
        tags: ["units"],
        params: codeParams,
        querystring: z.object({ format: z.enum(["svg", "png", "pdf"]).default("svg") }),
      },
    },
    async (request, reply) => {
      const unit = await readableUnit(pool, principalOf(request), request.params.code);
      const links = posterLinks(deps.config, unit.code);
      reply.header("content-disposition", `inline; filename="poster-${unit.code}.${request.query.format}"`);
      if (request.query.format === "pdf") return reply.type("application/pdf").send(await posterPdf(unit, links));
      const svg = await posterSvg(unit, links);
      if (request.query.format === "png") return reply.type("image/png").send(posterPng(svg));
      return reply.type("image/svg+xml; charset=utf-8").send(svg);
    },
  );
}
