// The harness of the browser tests: starts `kefu serve --demo` on a fresh
// SQLite database in a temporary folder and a free port, reads the address
// and the demo accounts' passwords from what it prints, and launches
// Debian's Chromium through playwright-core. It builds nothing: it runs
// target/debug/kefu (built by `cargo test`) or $KEFU_BIN.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SHOTS = path.join(ROOT, "target", "screenshots");
const BIN = process.env.KEFU_BIN
  ? path.resolve(process.env.KEFU_BIN)
  : path.join(ROOT, "target", "debug", "kefu");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const START_TIMEOUT_MS = 180_000;

/// Starts the server; resolves to { url, users: {name: {role, password}},
/// db, bin, stop(), log() }.
export async function startServer() {
  if (!fs.existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build it first (cargo build -p kefu) or set KEFU_BIN`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kefu-browser-"));
  const db = path.join(dir, "kefu.db");
  const child = spawn(BIN, ["--db", db, "serve", "--demo", "--listen", "127.0.0.1:0"], {
    cwd: dir,
    env: { ...process.env, KEFU_LANG: "zh", KEFU_LOG: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.on("exit", kill);

  // The accounts' lines end with a note that the passwords are shown once.
  const done = /（密码只显示这一次|\(passwords are shown only/;
  const started = Date.now();
  while (!done.test(out)) {
    if (child.exitCode !== null) {
      throw new Error(`kefu serve exited with ${child.exitCode}\nstdout:\n${out}\nstderr:\n${err}`);
    }
    if (Date.now() - started > START_TIMEOUT_MS) {
      kill();
      throw new Error(`kefu serve did not start in ${START_TIMEOUT_MS / 1000} s\nstdout:\n${out}\nstderr:\n${err}`);
    }
    await sleep(100);
  }
  const m = out.match(/(?:已启动:|is serving) (http:\/\/[^\s/]+\/)/);
  if (!m) throw new Error(`no address in kefu serve's output:\n${out}`);
  const url = m[1];
  const users = {};
  for (const line of out.split("\n")) {
    const u = line.match(/^\s+(?:用户|user) (\S+) \((\w+)\) (?:密码|password) (\S+)\s*$/);
    if (u) users[u[1]] = { role: u[2], password: u[3] };
  }
  for (const name of ["admin", "manager", "client"]) {
    if (!users[name]) throw new Error(`no password for ${name} in kefu serve's output:\n${out}`);
  }
  // /healthz answers once the server is up.
  for (;;) {
    try {
      const r = await fetch(url + "healthz");
      if (r.ok && (await r.text()).trim() === "ok") break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error("/healthz never answered ok");
    await sleep(100);
  }
  return {
    url,
    users,
    db,
    bin: BIN,
    log: () => `stdout:\n${out}\nstderr:\n${err}`,
    async stop() {
      process.off("exit", kill);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const t = setTimeout(kill, 10_000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// The stores of a client company, read from the database by the CLI
/// (`kefu client list`), not by the web application under test.
export function clientStores(server, company) {
  const text = execFileSync(server.bin, ["--db", server.db, "client", "list"], {
    encoding: "utf8",
    env: { ...process.env, KEFU_LANG: "zh" },
  });
  for (const line of text.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] === company) return cols[cols.length - 1].split(",").sort();
  }
  throw new Error(`client ${company} not in:\n${text}`);
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/// A new page in a new context (own cookies) that records console errors
/// and uncaught page errors in `page.problems`.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, locale: "zh-CN", ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") page.problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (e) => page.problems.push(`page error: ${e.message}`));
  return page;
}

/// Logs in through the login form and waits for the overview.
export async function login(page, server, name) {
  await page.goto(server.url + "login");
  await page.fill('input[name="username"]', name);
  await page.fill('input[name="password"]', server.users[name].password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/login")),
    page.click('form.login-box button[type="submit"]'),
  ]);
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/// The entries of a ZIP file (an XLSX), by name, inflated.
export function unzip(buf) {
  // End of central directory: the last "PK\x05\x06".
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip file: no end of central directory");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory entry");
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files[name] = method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
