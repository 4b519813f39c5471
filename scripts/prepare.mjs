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

/** The web chat's browser tests drive Debian's chromium: install it when missing and apt-get can. */
export function prepareBrowser() {
  if (existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    console.warn("chromium is missing and cannot be installed from here: run `apt-get install -y chromium` as root, or the browser tests fail.");
    return;
  }
  console.log("Installing Debian's chromium for the web chat's browser tests …");
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "chromium"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) prepare();
