// Prisma CLI configuration (Prisma 7): the schema, the migrations folder and, for `prisma migrate deploy`
// in production, the database URL. The running app connects through @prisma/adapter-pg instead.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/cdht" },
});
