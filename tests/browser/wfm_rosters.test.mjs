// Browser test of stored rosters and adherence on the demo (`serve --demo`:
// five imported rosters of the demo agents' plan, 2026-08-02 – 2026-11-30,
// and one solved from the database for 2026-12-01 + 28 days): the manager
// opens /wfm/rosters, then the December roster (grid, coverage heatmap,
// Excel download); the agent user sees only their own row and no coverage;
// the adherence page of 2026-11-23..29 has rows, the agent only theirs; the
// surge and settings pages answer. Screenshots: wfm-rosters*.png,
// wfm-adherence*.png, wfm-surge.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { startServer, launchBrowser, newPage, login, shot, unzip } from "./harness.mjs";

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

const WEEK = "wfm/adherence?from=2026-11-23&to=2026-11-29";

/// The agents of the adherence rows table (its second column).
async function adherenceAgents(page) {
  return page.$$eval("#adherence-rows tbody tr:not(:has(td.empty)) td:nth-child(2)", (tds) =>
    tds.map((t) => t.textContent),
  );
}

test("the manager opens the December roster: grid, heatmap, Excel; adherence has rows", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  await page.click('header nav a[href="/wfm/rosters"]');
  await page.waitForSelector("#rosters");
  const spans = await page.$$eval("#rosters tbody tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
  assert.ok(spans.length >= 6, `five imported rosters and the December one: ${spans}`);
  assert.ok(spans.includes("2026-08-02 – 2026-08-29"), `the first imported roster: ${spans}`);
  assert.ok(await page.$("#plan-form"), "a manager plans");
  await shot(page, "wfm-rosters.png");

  const december = page.locator("#rosters tbody tr", { hasText: "2026-12-01 – 2026-12-28" });
  assert.equal(await december.count(), 1);
  await Promise.all([page.waitForURL(/\/wfm\/rosters\/\d+$/), december.locator("td:nth-child(2) a").click()]);
  const href = new URL(page.url()).pathname;
  await page.waitForSelector("#roster-grid");
  const header = await page.$$eval("#roster-grid thead th", (ths) => ths.map((t) => t.textContent));
  assert.equal(header.length, 29, "the agent and 28 days");
  assert.equal(header[1], "12-01");
  const agents = await page.$$eval("#roster-grid tbody tr td:first-child", (tds) => tds.map((t) => t.textContent));
  assert.ok(agents.length > 3, `the demo's agents: ${agents}`);
  const codes = await page.$$eval("#roster-grid tbody td:not(:first-child)", (tds) => tds.map((t) => t.textContent));
  assert.ok(codes.filter((c) => c !== "-").length > agents.length * 10, "most days worked");
  const heatmaps = await page.$$("svg.chart.heatmap.coverage");
  assert.ok(heatmaps.length >= 1, "a coverage heatmap per store and skill");
  const fills = await page.$$eval("svg.chart.heatmap.coverage rect", (rs) => rs.map((r) => r.getAttribute("fill")));
  assert.ok(fills.some((f) => f.startsWith("rgba(56,158,13")), "covered slots in green");
  assert.ok(await page.$("#roster-gaps") && await page.$("#roster-hours"));
  await shot(page, "wfm-rosters-december.png");

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#roster-xlsx")]);
  const files = unzip(fs.readFileSync(await download.path()));
  const strings = files["xl/sharedStrings.xml"].toString("utf8");
  assert.ok(strings.includes(agents[0]), "the workbook names the agents");

  await page.goto(server.url + WEEK);
  const rows = await adherenceAgents(page);
  assert.ok(rows.length > 0, "the demo agents' plan against their messages");
  const totals = await page.$$("#adherence-totals tbody tr[data-agent]");
  assert.ok(totals.length > 1, "totals per agent");
  assert.ok(await page.$("svg.chart.bars"), "late and early minutes per agent");
  const late = Number(await page.textContent('[data-figure="late"]'));
  assert.ok(late > 0, "about 5 % of the demo's agent-days start late");
  await shot(page, "wfm-adherence.png");

  await page.click('header nav a[href="/wfm/surge"]');
  await page.waitForSelector("#surge-cards");
  assert.equal((await page.$$("#surge-rows tbody tr")).length, 48);
  await shot(page, "wfm-surge.png");
  await page.click('header nav a[href="/wfm/settings"]');
  assert.match(await page.inputValue("#settings-form textarea[name=text]"), /\[\[shift\]\]/);
  assert.deepEqual(page.problems, [], "console or page errors");

  // The agent user: their own row, no coverage, their own adherence.
  const agent = await newPage(browser);
  await login(agent, server, "agent");
  assert.ok(await agent.$('header nav a[href="/wfm/rosters"]'));
  assert.equal(await agent.$('header nav a[href="/wfm/surge"]'), null);
  await agent.goto(server.url + href.slice(1));
  await agent.waitForSelector("#roster-grid");
  const own = await agent.$$eval("#roster-grid tbody tr td:first-child", (tds) => tds.map((t) => t.textContent));
  assert.equal(own.length, 1, `only their own row: ${own}`);
  assert.ok(agents.includes(own[0]), `${own[0]} is a demo agent`);
  assert.equal(await agent.$("svg.chart.heatmap.coverage"), null, "no coverage");
  assert.equal(await agent.$("#roster-gaps"), null, "no gaps");
  assert.ok(await agent.isVisible("#roster-partial"));
  await shot(agent, "wfm-rosters-agent.png");
  await agent.goto(server.url + WEEK);
  const mine = await adherenceAgents(agent);
  assert.ok(mine.length > 0 && mine.every((a) => a === own[0]), `only their own days: ${mine}`);
  await shot(agent, "wfm-adherence-agent.png");
  assert.deepEqual(agent.problems, [], "console or page errors");

  const client = await newPage(browser);
  await login(client, server, "client");
  const r = await client.goto(server.url + href.slice(1));
  assert.equal(r.status(), 404);
});
