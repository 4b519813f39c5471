// Makes a fresh checkout runnable using only Node's built-ins: installs the locked dependencies when
// node_modules is missing or older than package-lock.json, and generates the Prisma client when it is
// missing or older than prisma/schema.prisma. Used by `npm start` and `npm test`.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const at = (p) => `${root}/${p}`;
const mtime = (p) => (existsSync(at(p)) ? statSync(at(p)).mtimeMs : 0);

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

export function prepare() {
  if (mtime("node_modules/.package-lock.json") < mtime("package-lock.json")) {
    console.log("Installing dependencies from package-lock.json …");
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  }
  if (mtime("server/db/generated/client.ts") < mtime("prisma/schema.prisma")) {
    console.log("Generating the Prisma client …");
    run("node", ["scripts/prisma-generate.mjs"]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) prepare();
