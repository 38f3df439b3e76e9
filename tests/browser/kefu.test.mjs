// Browser tests of `kefu serve`: Playwright (playwright-core) driving
// Debian's Chromium against the real server with the demo month loaded.
// Run: node --test tests/browser/   (or scripts/browser-test)
// Screenshots of every page visited go to target/screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import {
  startServer,
  launchBrowser,
  newPage,
  login,
  shot,
  unzip,
  clientStores,
} from "./harness.mjs";

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

/// The store codes in the first column of the overview's stores table.
async function storeCodes(page) {
  const codes = await page.$$eval("table.data tbody tr td:first-child a", (as) =>
    as.map((a) => a.textContent.trim()),
  );
  return codes.sort();
}

function noProblems(page) {
  assert.deepEqual(page.problems, [], "console or page errors");
}

test("manager: the overview shows KPI cards, SVG charts and the stores table", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  assert.equal(new URL(page.url()).pathname, "/");
  assert.equal(await page.locator("h1").first().textContent(), "总览");
  const cards = page.locator(".cards .card");
  assert.ok((await cards.count()) >= 8, "KPI cards");
  const values = await page.$$eval(".card .value", (vs) => vs.map((v) => v.textContent.trim()));
  assert.ok(values.every((v) => v.length > 0), `every card has a value: ${values}`);
  // Two trend charts with a drawn series, and the heatmap with its cells.
  assert.equal(await page.locator("svg.chart.trend").count(), 2);
  const series = await page.$$eval("svg.chart.trend", (svgs) =>
    svgs.map((s) => s.querySelectorAll("polyline, path").length),
  );
  assert.ok(series.every((n) => n > 0), `trend charts draw lines: ${series}`);
  assert.equal(await page.locator("svg.chart.heatmap").count(), 1);
  assert.ok((await page.locator("svg.chart.heatmap rect").count()) >= 24 * 7, "heatmap cells");
  for (const svg of await page.locator("svg.chart").all()) {
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 200 && box.height > 80, `chart is drawn at a visible size: ${JSON.stringify(box)}`);
  }
  const codes = await storeCodes(page);
  assert.ok(codes.length >= 3, `stores table: ${codes}`);
  await shot(page, "overview-manager.png");
  noProblems(page);
  await page.context().close();
});

test("store and agent pages: figures, a sortable leaderboard, drill-down to an agent", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  const store = page.locator("table.data tbody tr td:first-child a").first();
  await Promise.all([page.waitForURL(/\/stores\/[^/]+$/), store.click()]);
  assert.ok((await page.locator(".card").count()) > 0, "store KPI cards");
  assert.equal(await page.locator("svg.chart").count(), 3);
  const agents = page.locator('table.data tbody a[href*="/agents/"]');
  assert.ok((await agents.count()) > 0, "leaderboard of agents");
  // Sort the leaderboard by a figure: the link marks the sorted column.
  const sort = page.locator("table.data thead a.sort").nth(1);
  await Promise.all([page.waitForURL(/sort=/), sort.click()]);
  assert.ok((await page.locator("table.data thead a.sort.desc, table.data thead a.sort.asc").count()) === 1);
  await shot(page, "store.png");
  await Promise.all([page.waitForURL(/\/agents\//), page.locator('table.data tbody a[href*="/agents/"]').first().click()]);
  assert.ok((await page.locator(".card").count()) > 0, "agent KPI cards");
  await shot(page, "agent.png");
  noProblems(page);
  await page.context().close();
});

test("client: sees only their own stores; another store's page is 404", async () => {
  const manager = await newPage(browser);
  await login(manager, server, "manager");
  const all = await storeCodes(manager);
  await manager.context().close();

  const own = clientStores(server, "示例甲方");
  assert.equal(own.length, 2, `the demo client owns two stores: ${own}`);
  const page = await newPage(browser);
  await login(page, server, "client");
  assert.deepEqual(await storeCodes(page), own);
  assert.ok((await page.locator(".card").count()) > 0);
  assert.ok((await page.locator("svg.chart").count()) === 3);
  await shot(page, "overview-client.png");
  noProblems(page);

  // The API answers with the same two stores.
  const api = await page.request.get(server.url + "api/v1/stores");
  assert.equal(api.status(), 200);
  const apiText = await api.text();
  const foreign = all.find((c) => !own.includes(c));
  assert.ok(foreign, "the manager sees a store the client does not");
  assert.ok(!apiText.includes(foreign), `API lists ${foreign} to the client`);

  // Another client's store, as a page, as an export and through the API.
  for (const href of [`stores/${foreign}`, `stores/${foreign}?format=csv`, `api/v1/stores/${foreign}`]) {
    const r = await page.request.get(server.url + href);
    assert.equal(r.status(), 404, `${href} answers 404`);
    const body = await r.text();
    assert.ok(!body.includes(foreign), `${href} names no ${foreign}: ${body.slice(0, 200)}`);
  }
  const nav = await page.goto(server.url + `stores/${foreign}`);
  assert.equal(nav.status(), 404);
  assert.equal(await page.locator("table.data").count(), 0, "no table on the 404 page");
  await page.context().close();
});

test("transcript: from the sessions list, messages and round notes", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  await page.goto(server.url + "sessions");
  const first = page.locator('table.data a[href*="/conversations/"]').first();
  await first.waitFor();
  await Promise.all([page.waitForURL(/\/conversations\//), first.click()]);
  assert.ok((await page.locator(".msg").count()) > 0, "messages shown");
  assert.ok((await page.locator(".msg.buyer").count()) > 0, "buyer messages");
  assert.ok((await page.locator(".round").count()) > 0, "round notes shown");
  assert.ok((await page.locator(".session-head").count()) > 0, "session heads");
  await shot(page, "transcript.png");
  noProblems(page);
  await page.context().close();
});

test("import: a file with a bad sent_at is refused with file, line and field; nothing imported", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  const kpiBefore = await (await page.request.get(server.url + "api/v1/kpi")).text();
  await page.goto(server.url + "import");
  await shot(page, "import.png");
  const csv = [
    "store,message_id,buyer,sender,agent,sent_at,content,kind",
    "zz-9001,zz-m1,zz-buyer-1,buyer,,2026-11-11 20:00:05,在吗？,text",
    "zz-9001,zz-m2,zz-buyer-1,agent,zz-9001:售前-小夏,2026-11-31 25:00:00,亲，在的,text",
    "zz-9001,zz-m3,zz-buyer-1,buyer,,2026-11-11 20:01:00,好的,text",
    "",
  ].join("\n");
  await page.selectOption('select[name="kind"]', "messages");
  await page.setInputFiles('input[name="file"]', {
    name: "bad-messages.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf8"),
  });
  const response = page.waitForResponse((r) => r.url().endsWith("/import") && r.request().method() === "POST");
  await page.click('#import-form button[type="submit"]');
  assert.equal((await response).status(), 400);
  await page.locator("#import-errors").waitFor();
  const errors = await page.locator("ul.errors li").allTextContents();
  assert.equal(errors.length, 1, `one error: ${errors}`);
  assert.match(errors[0], /bad-messages\.csv/);
  assert.match(errors[0], /(line|第) ?3\b/);
  assert.match(errors[0], /sent_at/);
  assert.equal(await page.locator("#import-done").count(), 0);
  await shot(page, "import-error.png");
  // Chromium reports the upload's 400 answer as a failed resource load;
  // anything else is a problem.
  const others = page.problems.filter((p) => !/status of 400/.test(p));
  assert.deepEqual(others, []);

  const stores = await (await page.request.get(server.url + "api/v1/stores")).text();
  assert.ok(!stores.includes("zz-9001"), "the store of the refused file does not appear");
  const kpiAfter = await (await page.request.get(server.url + "api/v1/kpi")).text();
  assert.equal(kpiAfter, kpiBefore, "the KPIs did not change");
  await page.context().close();
});

test("export: the stores table as XLSX and CSV", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  const headers = (await page.locator("table.data thead th").allTextContents()).map((h) => h.trim());
  const codes = await storeCodes(page);

  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.click("a.export.xlsx")]);
  const xbuf = fs.readFileSync(await xlsx.path());
  assert.equal(xbuf.subarray(0, 2).toString("latin1"), "PK", "an XLSX is a ZIP file");
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  const entries = unzip(xbuf);
  assert.ok(entries["[Content_Types].xml"], "has [Content_Types].xml");
  const sheetNames = Object.keys(entries).filter((n) => /^xl\/worksheets\/.*\.xml$/.test(n));
  assert.ok(sheetNames.length >= 1, `a worksheet: ${Object.keys(entries)}`);
  const text = Object.values(entries)
    .map((b) => b.toString("utf8"))
    .join("\n");
  for (const h of headers) assert.ok(text.includes(h.replace(/&/g, "&amp;").replace(/>/g, "&gt;")), `XLSX has header ${h}`);
  for (const c of codes) assert.ok(text.includes(c), `XLSX has store ${c}`);

  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("a.export:not(.xlsx)")]);
  assert.match(csv.suggestedFilename(), /\.csv$/);
  const lines = fs.readFileSync(await csv.path(), "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  assert.deepEqual(lines[0].split(","), headers);
  assert.deepEqual(lines.slice(1).map((l) => l.split(",")[0]).sort(), codes);
  noProblems(page);
  await page.context().close();
});

test("language: the switch shows English, and back to Chinese", async () => {
  const page = await newPage(browser);
  await login(page, server, "manager");
  assert.match(await page.locator("html").getAttribute("lang"), /^zh/);
  await Promise.all([page.waitForLoadState("load"), page.click("#lang-switch")]);
  await page.waitForFunction(() => document.documentElement.lang.startsWith("en"));
  assert.equal(await page.locator("h1").first().textContent(), "Overview");
  assert.ok((await page.locator("header nav").textContent()).includes("Overview"));
  assert.ok((await page.locator("svg.chart").count()) === 3);
  await shot(page, "overview-en.png");
  // English stays on the next page.
  await page.goto(server.url + "sessions");
  assert.match(await page.locator("html").getAttribute("lang"), /^en/);
  await shot(page, "sessions-en.png");
  await page.goto(server.url);
  await Promise.all([page.waitForLoadState("load"), page.click("#lang-switch")]);
  await page.waitForFunction(() => document.documentElement.lang.startsWith("zh"));
  assert.equal(await page.locator("h1").first().textContent(), "总览");
  noProblems(page);
  await page.context().close();
});

test("phone: the overview fits a 390×844 screen without horizontal overflow", async () => {
  const page = await newPage(browser, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  await login(page, server, "manager");
  const widths = await page.evaluate(() => ({
    viewport: window.innerWidth,
    body: document.body.scrollWidth,
    doc: document.documentElement.scrollWidth,
  }));
  assert.ok(widths.body <= widths.viewport && widths.doc <= widths.viewport, `overflow: ${JSON.stringify(widths)}`);
  const chart = await page.locator("svg.chart").first().boundingBox();
  assert.ok(chart.width <= 390 && chart.width > 250, `chart fits: ${JSON.stringify(chart)}`);
  await shot(page, "overview-phone.png");
  noProblems(page);
  await page.context().close();
});

// Quality inspection (质检): an inspector draws a day's sample and reviews a
// sampled session of the demo agent, the agent appeals the review, the
// reviewer cannot decide it, a second inspector overturns it and the final
// score follows; the client sees the session without the inspector's
// internal comment. Screenshots: qa-*.png.
const COMMENT = "内部意见：开场语不规范";

test("review, appeal and decision of a sampled session", async () => {
  // The agent's own findings tell their account and a day they worked.
  const agent = await newPage(browser);
  await login(agent, server, "agent");
  await agent.goto(server.url + "qa/findings");
  const first = agent.locator("table.data tbody tr").first();
  const account = (await first.locator("td").nth(3).textContent()).trim();
  const day = (await first.locator("td").nth(2).textContent()).trim().slice(0, 10);
  assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(account.length > 0, "the agent's account");
  await shot(agent, "qa-agent-findings.png");

  // The inspector draws the day's sample and opens one of the agent's sessions.
  const inspector = await newPage(browser);
  await login(inspector, server, "inspector");
  await inspector.goto(server.url + `qa/queue?date=${day}`);
  await Promise.all([inspector.waitForURL(/\/qa\/queue\?date=/), inspector.click("#draw")]);
  const rows = inspector.locator("#queue tbody tr", { hasText: account });
  assert.ok((await rows.count()) >= 1, "the agent has a sampled session");
  await shot(inspector, "qa-queue.png");
  await Promise.all([inspector.waitForURL(/\/qa\/sessions\/\d+\/\d+$/), rows.first().locator("a").click()]);
  const sessionUrl = inspector.url();
  assert.ok((await inspector.locator(".transcript .msg").count()) > 0, "the transcript is beside the findings");
  const auto = (await inspector.locator("#auto-score").textContent()).trim();

  // The review: one scorecard item failed, an internal comment.
  await inspector.locator('#review-form input[name="failed_courtesy"]').check();
  await inspector.fill('#review-form textarea[name="comment"]', COMMENT);
  await Promise.all([inspector.waitForURL(sessionUrl), inspector.click('#review-form button[type="submit"]')]);
  await inspector.locator("#review").waitFor();
  assert.equal((await inspector.locator("#review-comment").textContent()).trim(), COMMENT);
  const reviewed = Number((await inspector.locator("#final-score").textContent()).trim());
  assert.equal(reviewed, Math.max(0, Number(auto) - 5), "the failed item's 5 points");
  assert.equal(await inspector.locator("#review-form").count(), 0, "reviewed once");
  await shot(inspector, "qa-review.png");

  // The agent appeals the review.
  await agent.goto(sessionUrl);
  await agent.fill('#appeal-review input[name="reason"]', "开场已问候，语气正常");
  await Promise.all([agent.waitForURL(sessionUrl), agent.click('#appeal-review button[type="submit"]')]);
  await agent.locator("#appeals").waitFor();
  assert.equal(await agent.locator("#appeal-review").count(), 0, "appealed once");
  assert.match(await agent.locator("#appeals tbody").textContent(), /待裁决/);
  await shot(agent, "qa-appeal.png");

  // The reviewer cannot decide it.
  await inspector.goto(sessionUrl);
  assert.equal(await inspector.locator("form.decide").count(), 0, "not the reviewer");

  // A second inspector overturns it: the review's deduction falls.
  const second = await newPage(browser);
  await login(second, server, "inspector2");
  await second.goto(sessionUrl);
  await second.fill('form.decide input[name="reason"]', "语气可接受");
  await Promise.all([second.waitForURL(sessionUrl), second.click('form.decide button[value="0"]')]);
  assert.match(await second.locator("#appeals .outcome").first().textContent(), /撤销/);
  assert.equal((await second.locator("#final-score").textContent()).trim(), auto, "back to the auto score");
  await shot(second, "qa-decided.png");

  // The client sees the session and the outcome, not the comment.
  const client = await newPage(browser);
  await login(client, server, "client");
  const res = await client.goto(sessionUrl);
  assert.equal(res.status(), 200);
  assert.equal(await client.locator("#review-comment").count(), 0);
  assert.ok(!(await client.content()).includes(COMMENT), "no internal comment anywhere on the page");
  assert.ok(!(await client.content()).includes("语气可接受"), "nor the decision's reason");
  const api = await client.request.get(server.url + "api/v1/qa/sessions/" + sessionUrl.split("/qa/sessions/")[1]);
  assert.equal(api.status(), 200);
  const body = await api.json();
  assert.equal(body.review.comment, null);
  assert.ok(body.appeals.every((a) => a.decision_reason === null));
  await shot(client, "qa-client.png");
  for (const p of [agent, inspector, second, client]) assert.deepEqual(p.problems, [], "console or page errors");
});

// The QA report: charts, tables and the worst sessions for a manager, the
// week view by team, and a client's report of their own store only; the
// transcript of a worst session marks its findings. Screenshots:
// qa-report*.png, qa-transcript.png.
test("the QA report and the marked transcript", async () => {
  const manager = await newPage(browser);
  await login(manager, server, "manager");
  await manager.goto(server.url + "qa/report");
  assert.ok((await manager.locator("svg.chart.bars").count()) >= 2, "findings by rule and scores");
  assert.ok((await manager.locator("table.data").first().locator("tbody tr").count()) > 0, "the summary rows");
  await shot(manager, "qa-report.png");
  await manager.selectOption('select[name="group"]', "team");
  await manager.selectOption('select[name="period"]', "week");
  await Promise.all([manager.waitForURL(/group=team/), manager.click('form.period button[type="submit"]')]);
  assert.match(manager.url(), /period=week/);
  await shot(manager, "qa-report-teams.png");
  const client = await newPage(browser);
  await login(client, server, "client");
  await client.goto(server.url + "qa/report");
  const groups = await client.locator("table.data").first().locator("tbody tr td:nth-child(2)").allTextContents();
  const theirs = (await (await client.request.get(server.url + "api/v1/stores")).json()).map((s) => s.code);
  assert.ok(theirs.length > 0 && theirs.length < 10, "the client's stores: " + theirs);
  assert.ok(groups.length > 0 && groups.every((g) => theirs.includes(g.trim())), "only their stores: " + groups);
  await shot(client, "qa-report-client.png");
  // The overview's QA card, and a transcript with a finding marked.
  await manager.goto(server.url);
  assert.equal(await manager.locator('[data-figure="qa_findings"]').count(), 1, "the QA card");
  await manager.goto(server.url + "qa/findings?rule=closing");
  const link = manager.locator("table.data tbody tr a").first();
  assert.equal(await link.count(), 1, "the demo month has closing findings");
  // The findings list links a session's review page; its crumbs lead to the transcript.
  await Promise.all([manager.waitForURL(/\/qa\/sessions\//), link.click()]);
  await Promise.all([manager.waitForURL(/\/conversations\//), manager.locator(".crumbs a").nth(1).click()]);
  assert.ok((await manager.locator(".qa-flags").count()) > 0, "the transcript names the rules");
  await shot(manager, "qa-transcript.png");
  for (const p of [manager, client]) assert.deepEqual(p.problems, [], "console or page errors");
});
