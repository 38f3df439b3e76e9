// Browser test of contracts and billing: a manager walks a store from a
// draft contract to formal service with the pages' forms (a refused step
// shows its reasons and changes nothing), settles the month, reads the
// invoice; the client reads it and confirms the statement (对账单); the
// manager sees who confirmed and issues it. Screenshots: contract-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, login, shot, clientStores } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const CLIENT = "示例甲方";
const ID = "HT-BROWSER-1";

/// No console or page errors, besides the 409s of the steps this test
/// expects to be refused.
function noProblems(page) {
  const unexpected = page.problems.filter((p) => !/status of 409 .*\/advance\)$/.test(p));
  assert.deepEqual(unexpected, [], "console or page errors");
}

/// Submits a form of the contract page and waits for the page it leads to.
async function submit(page, form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const el = page.locator(`${form} [name="${name}"]`);
    if ((await el.evaluate((e) => e.tagName)) === "SELECT") await el.selectOption(value);
    else await el.fill(value);
  }
  await Promise.all([page.waitForLoadState("load"), page.click(`${form} button[type="submit"]`)]);
  await page.waitForLoadState("load");
}

async function state(page) {
  return page.getAttribute("#contract-state", "data-state");
}

test("a store from draft to formal, its invoice, the client's confirmation", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  await page.goto(server.url);
  const all = await page.$$eval("table.data tbody tr td:first-child a", (as) => as.map((a) => a.textContent.trim()));
  const own = clientStores(server, CLIENT);
  const store = all.find((s) => !own.includes(s));
  assert.ok(store, `a store outside ${own}`);
  const stores = [...own, store].map((s) => `"${s}"`).join(", ");

  await page.goto(server.url + "contracts");
  await page.fill("#import-contract textarea[name=text]", `[[client]]
name = "${CLIENT}"
stores = [${stores}]

[[contract]]
id = "${ID}"
client = "${CLIENT}"
type = "outsourcing"
stores = ["${store}"]
start = "2026-10-01"
end = "2027-09-30"
annual_base_fee = "6000.00"
deposit = { amount = "5000.00", kind = "earnest" }
targets = { first_response_s = 30 }

[[contract.charge]]
kind = "per_inquiry"
tiers = [ { up_to = 1000, price = "2.00" }, { price = "1.50" } ]
`);
  await Promise.all([page.waitForURL(/\/contracts\/HT-BROWSER-1/), page.click("#import-contract button[type=submit]")]);
  assert.equal(await state(page), "draft");

  // Going live from a draft is refused with the reason; nothing changes.
  await submit(page, "#advance-form", { state: "live_trial", on: "2026-10-01" });
  assert.match(await page.textContent("#step-error"), /下一步是|signed/);
  assert.equal(await state(page), "draft");
  await shot(page, "contract-refused.png");

  await submit(page, "#advance-form", { state: "signed", on: "2026-10-01", reason: "双方签字" });
  assert.equal(await state(page), "signed");
  assert.match(await page.textContent("#missing"), /基础服务费|base fee/);

  // The base fee paid, in the client's ledger.
  await page.goto(server.url + `ledger/${encodeURIComponent(CLIENT)}`);
  await submit(page, "#record-form", { kind: "payment", amount: "6000.00", on: "2026-10-02", contract: ID });
  await page.goto(server.url + `contracts/${ID}`);
  await submit(page, "#advance-form", { state: "base_fee_paid", on: "2026-10-02" });
  assert.equal(await state(page), "base_fee_paid");
  await submit(page, "#assign-form", { store, agent: "小李", account: `${store}:小李`, team: "售前一组" });
  await submit(page, "#advance-form", { state: "training", on: "2026-10-03" });
  await submit(page, "#training-form", { store, agent: "小李", on: "2026-10-03", topic: "产品培训" });
  await submit(page, "#advance-form", { state: "assessment", on: "2026-10-04" });
  // Below the pass mark: going live is refused, naming the agent.
  await submit(page, "#assess-form", { store, agent: "小李", on: "2026-10-04", score: "70", pass_mark: "80" });
  await submit(page, "#advance-form", { state: "live_trial", on: "2026-10-05" });
  assert.match(await page.textContent("#step-error"), /小李/);
  assert.equal(await state(page), "assessment");
  await submit(page, "#assess-form", { store, agent: "小李", on: "2026-10-04", score: "92", pass_mark: "80" });
  await submit(page, "#advance-form", { state: "live_trial", on: "2026-10-05" });
  assert.equal(await state(page), "live_trial");
  await submit(page, "#advance-form", { state: "formal", on: "2026-11-05", reason: "试用期满" });
  assert.equal(await state(page), "formal");
  const steps = await page.$$eval("#steps tbody tr", (rs) => rs.length);
  assert.equal(steps, 7, "import and six steps, each with who and when");
  await shot(page, "contract-formal.png");

  // The printable summary.
  await page.goto(server.url + `contracts/${ID}/print`);
  assert.match(await page.textContent("#contract-summary"), /定金/);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible("header.top"), false, "print CSS hides the navigation");
  await page.emulateMedia({ media: "screen" });

  // Settle November; the invoice's per-inquiry line against the month's
  // manual sessions of the store in its monthly report.
  await page.goto(server.url + "contracts");
  await submit(page, "#settle-form", { month: "2026-11" });
  assert.match(await page.textContent("#settle-result"), /2026-11/);
  await page.goto(server.url + `reports/monthly?store=${store}&month=2026-11`);
  const report = await (await page.request.get(server.url + `api/v1/reports/monthly?store=${store}&month=2026-11`)).json();
  assert.equal(report.contract, ID);
  const sessions = report.figures.manual_sessions;
  assert.ok(sessions > 1000, `the demo store has more than one tier of sessions: ${sessions}`);
  const gross = (1000 * 2 + (sessions - 1000) * 1.5).toFixed(2);
  const number = report.invoices[0].number;
  await page.goto(server.url + `invoices/${number}`);
  assert.equal((await page.textContent("#gross")).trim(), `¥${gross}`);
  assert.match(await page.textContent("#lines"), new RegExp(String(sessions)));
  noProblems(page);

  // The client reads it and confirms the statement.
  const client = await newPage(browser);
  await login(client, server, "client");
  await client.click('header nav a[href="/invoices"]');
  await Promise.all([client.waitForURL(new RegExp(number)), client.click(`a[href="/invoices/${number}"]`)]);
  assert.equal((await client.textContent("#gross")).trim(), `¥${gross}`);
  assert.equal(await client.isVisible("#issue-form"), false, "a client does not issue");
  await submit(client, "#confirm-form", {});
  assert.match(await client.textContent("#confirmation"), /client/);
  await shot(client, "contract-confirmed.png");
  await client.goto(server.url + `reports/monthly?store=${store}&month=2026-11`);
  assert.match(await client.textContent("#report-targets"), /≤ 30/);
  await shot(client, "contract-monthly-report.png");
  noProblems(client);

  // The provider sees who confirmed, and issues it.
  await page.goto(server.url + `invoices/${number}`);
  assert.match(await page.textContent("#confirmation"), /client/);
  await submit(page, "#issue-form", { on: "2026-12-02" });
  assert.equal(await page.getAttribute("#invoice", "data-status"), "issued");
  await page.goto(server.url + `ledger/${encodeURIComponent(CLIENT)}`);
  assert.match(await page.textContent("table.data"), new RegExp(number));
  await shot(page, "contract-ledger.png");
  noProblems(page);
});
