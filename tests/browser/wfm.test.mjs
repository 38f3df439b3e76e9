// Browser test of workforce planning: a team lead solves the sample roster
// problem on /wfm/roster (the grid, the coverage heatmap with its short
// slots in red, gaps with reasons, hours) and uses the staffing calculator;
// an agent has neither. Screenshots: wfm-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, login, shot } from "./harness.mjs";

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

test("the roster page solves the sample and shows the heatmap; the calculator answers", async () => {
  const page = await newPage(browser);
  await login(page, server, "lead");
  await page.click('header nav a[href="/wfm/roster"]');
  assert.match(await page.inputValue("#roster-form textarea[name=instance]"), /\[\[agent\]\]/);
  await Promise.all([page.waitForLoadState("load"), page.click("#roster-form button[type=submit]:not([name])")]);
  await page.waitForSelector("#roster-grid");
  const agents = await page.$$eval("#roster-grid tbody tr td:first-child", (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(agents, ["小夏", "小秋", "小冬", "小春"]);
  // 小夏 is on leave on 12-10 (the fourth day): no shift.
  const leave = await page.$eval("#roster-grid tbody tr:first-child td:nth-child(5)", (td) => td.textContent);
  assert.equal(leave, "-");
  const heatmaps = await page.$$("svg.chart.heatmap.coverage");
  assert.equal(heatmaps.length, 2, "one per store and skill");
  const cells = await page.$$eval("svg.chart.heatmap.coverage rect", (rs) => rs.map((r) => r.getAttribute("fill")));
  assert.ok(cells.some((f) => f.startsWith("rgba(56,158,13")), "met slots in green");
  const gaps = await page.$$eval("#roster-gaps tbody tr", (rs) => rs.map((r) => r.textContent));
  const red = cells.filter((f) => f.startsWith("rgba(207,19,34")).length;
  assert.ok(red > 0 && gaps.length > 0, "the sample has too few agents: short slots, with reasons");
  await shot(page, "wfm-roster.png");

  await page.click('header nav a[href="/wfm/erlang"]');
  await page.fill("#erlang-form input[name=volume]", "100");
  await page.fill("#erlang-form input[name=aht]", "180");
  await page.fill("#erlang-form input[name=concurrency]", "1");
  await page.fill("#erlang-form input[name=shrinkage]", "0");
  await Promise.all([page.waitForLoadState("load"), page.click("#erlang-form button[type=submit]")]);
  assert.equal((await page.textContent('[data-figure="slots"]')).trim(), "14");
  assert.equal((await page.textContent('[data-figure="service_level"]')).trim(), "88.8%");
  await shot(page, "wfm-erlang.png");
  assert.deepEqual(page.problems, [], "console or page errors");

  const agent = await newPage(browser);
  await login(agent, server, "agent");
  assert.equal(await agent.$('header nav a[href="/wfm/roster"]'), null);
  const r = await agent.goto(server.url + "wfm/roster");
  assert.equal(r.status(), 403);
});
