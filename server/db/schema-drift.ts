// Compares the tables described by prisma/schema.prisma with the tables the SQL migrations build,
// so that the two cannot silently drift apart (`prisma migrate` cannot run on this machine kind).
// Compared: tables, columns (type, nullability), primary keys, unique constraints, indexes, enums.
// Not compared: defaults, foreign keys, CHECK constraints and partial indexes (SQL-only by design).
import type pg from "pg";

export interface TableShape {
  columns: Map<string, { type: string; nullable: boolean }>;
  primaryKey: string;
  /** Column lists joined by ",", prefixed "unique:" or "index:". */
  indexes: Set<string>;
}

export interface SchemaShape {
  tables: Map<string, TableShape>;
  enums: Map<string, string[]>;
}

const SCALARS: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  Float: "double precision",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

const NATIVE: Record<string, (arg?: string) => string> = {
  Uuid: () => "uuid",
  Text: () => "text",
  VarChar: (n) => `character varying(${n})`,
  Timestamptz: (n) => `timestamp(${n ?? 3}) with time zone`,
  Timestamp: (n) => `timestamp(${n ?? 3}) without time zone`,
  Date: () => "date",
  Integer: () => "integer",
  SmallInt: () => "smallint",
  JsonB: () => "jsonb",
};

function blocks(text: string, keyword: string): { name: string; body: string[] }[] {
  const out: { name: string; body: string[] }[] = [];
  const re = new RegExp(`^${keyword}\\s+(\\w+)\\s*\\{([\\s\\S]*?)^\\}`, "gm");
  for (const m of text.matchAll(re)) {
    const body = m[2]!
      .split("\n")
      .map((line) => line.replace(/\/\/.*$/, "").trim())
      .filter((line) => line.length > 0);
    out.push({ name: m[1]!, body });
  }
  return out;
}

const mapped = (lines: string[], fallback: string) =>
  lines.map((l) => l.match(/^@@map\("([^"]+)"\)/)?.[1]).find(Boolean) ?? fallback;

const fieldList = (s: string) => s.split(",").map((f) => f.trim().replace(/\(.*\)$/, ""));

export function parsePrismaSchema(text: string): SchemaShape {
  const enums = new Map<string, string[]>();
  const enumDbName = new Map<string, string>();
  for (const e of blocks(text, "enum")) {
    const values = e.body.filter((l) => !l.startsWith("@@")).map((l) => l.split(/\s+/)[0]!);
    const dbName = mapped(e.body, e.name);
    enums.set(dbName, values);
    enumDbName.set(e.name, dbName);
  }
  const models = blocks(text, "model");
  const modelNames = new Set(models.map((m) => m.name));
  const tables = new Map<string, TableShape>();
  for (const model of models) {
    const table: TableShape = { columns: new Map(), primaryKey: "", indexes: new Set() };
    const columnOf = new Map<string, string>();
    for (const line of model.body) {
      if (line.startsWith("@@")) continue;
      const m = line.match(/^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/);
      if (!m) continue;
      const field = m[1]!;
      const type = m[2]!;
      const list = m[3];
      const optional = m[4];
      const attrs = m[5] ?? "";
      if (modelNames.has(type) || list) continue; // relation fields have no column
      const column = attrs.match(/@map\("([^"]+)"\)/)?.[1] ?? field;
      columnOf.set(field, column);
      const native = attrs.match(/@db\.(\w+)(?:\((\d+)\))?/);
      let dbType = enumDbName.get(type) ?? SCALARS[type] ?? `unknown(${type})`;
      if (native) dbType = NATIVE[native[1]!]?.(native[2]) ?? `unknown(@db.${native[1]})`;
      table.columns.set(column, { type: dbType, nullable: Boolean(optional) });
      if (/@id\b/.test(attrs)) table.primaryKey = column;
      if (/@unique\b/.test(attrs)) table.indexes.add(`unique:${column}`);
    }
    for (const line of model.body) {
      const m = line.match(/^@@(unique|index|id)\(\s*\[([^\]]+)\]/);
      if (!m) continue;
      const cols = fieldList(m[2]!).map((f) => columnOf.get(f) ?? `?${f}`).join(",");
      if (m[1] === "id") table.primaryKey = cols;
      else table.indexes.add(`${m[1]}:${cols}`);
    }
    tables.set(mapped(model.body, model.name), table);
  }
  return { tables, enums };
}

export async function introspectDatabase(client: pg.Pool | pg.Client, schema = "public"): Promise<SchemaShape> {
  const tables = new Map<string, TableShape>();
  const cols = await client.query<{ table: string; column: string; type: string; nullable: boolean }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  for (const row of cols.rows) {
    let table = tables.get(row.table);
    if (!table) tables.set(row.table, (table = { columns: new Map(), primaryKey: "", indexes: new Set() }));
    table.columns.set(row.column, { type: row.type, nullable: row.nullable });
  }
  const idx = await client.query<{ table: string; cols: string; unique: boolean; primary: boolean }>(
    `SELECT t.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
               FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname <> '_prisma_migrations' AND i.indpred IS NULL`,
    [schema],
  );
  for (const row of idx.rows) {
    const table = tables.get(row.table);
    if (!table) continue;
    if (row.primary) table.primaryKey = row.cols;
    else table.indexes.add(`${row.unique ? "unique" : "index"}:${row.cols}`);
  }
  const enumRows = await client.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value
       FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`,
    [schema],
  );
  const enums = new Map<string, string[]>();
  for (const row of enumRows.rows) enums.set(row.name, [...(enums.get(row.name) ?? []), row.value]);
  return { tables, enums };
}

/** Every difference, as a sentence naming the table and column; empty when the two agree. */
export function diffSchemas(prisma: SchemaShape, sql: SchemaShape): string[] {
  const out: string[] = [];
  for (const name of new Set([...prisma.tables.keys(), ...sql.tables.keys()])) {
    const p = prisma.tables.get(name);
    const s = sql.tables.get(name);
    if (!p || !s) {
      out.push(`table ${name} exists only in ${p ? "schema.prisma" : "the SQL migrations"}`);
      continue;
    }
    for (const col of new Set([...p.columns.keys(), ...s.columns.keys()])) {
      const pc = p.columns.get(col);
      const sc = s.columns.get(col);
      if (!pc || !sc) out.push(`column ${name}.${col} exists only in ${pc ? "schema.prisma" : "the SQL migrations"}`);
      else if (pc.type !== sc.type) out.push(`column ${name}.${col}: type ${pc.type} in schema.prisma, ${sc.type} in SQL`);
      else if (pc.nullable !== sc.nullable)
        out.push(`column ${name}.${col}: ${pc.nullable ? "nullable" : "NOT NULL"} in schema.prisma, ${sc.nullable ? "nullable" : "NOT NULL"} in SQL`);
    }
    if (p.primaryKey !== s.primaryKey) out.push(`table ${name}: primary key (${p.primaryKey}) in schema.prisma, (${s.primaryKey}) in SQL`);
    for (const index of new Set([...p.indexes, ...s.indexes])) {
      if (!p.indexes.has(index) || !s.indexes.has(index)) {
        const [kind, cols] = index.split(":");
        out.push(`${kind} on ${name}(${cols}) exists only in ${p.indexes.has(index) ? "schema.prisma" : "the SQL migrations"}`);
      }
    }
  }
  for (const name of new Set([...prisma.enums.keys(), ...sql.enums.keys()])) {
    const p = prisma.enums.get(name)?.join(",");
    const s = sql.enums.get(name)?.join(",");
    if (p !== s) out.push(`enum ${name}: [${p ?? "missing"}] in schema.prisma, [${s ?? "missing"}] in SQL`);
  }
  return out;
}
