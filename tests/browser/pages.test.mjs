// End-to-end tests of the pages `crosswalk serve` serves, in Debian's Chromium (headless) driven
// by playwright-core, with axe-core for accessibility. Run from the repository root:
//
//   node --test tests/browser/
//
// It builds the example consortium's store into a fresh folder with the debug binary
// ($CROSSWALK_BIN, else $CARGO_TARGET_DIR/debug/crosswalk, else target/debug/crosswalk), starts
// `crosswalk serve --config examples/consortium.toml` on a free port, runs the tests, and stops
// the server. With CROSSWALK_SCREENSHOTS=DIR it saves a PNG of each page type there.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const AXE = require.resolve("axe-core/axe.min.js");

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const bin =
  process.env.CROSSWALK_BIN ||
  join(process.env.CARGO_TARGET_DIR || join(root, "target"), "debug", "crosswalk");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = process.env.CROSSWALK_SCREENSHOTS ? resolve(process.env.CROSSWALK_SCREENSHOTS) : null;

const MUSIC = "http://id.loc.gov/authorities/subjects/sh85088762";
const SIBELIUS = "https://w3id.org/crosswalk/agent/43ff70b9014a4f69";
const RECORD_MARC = "https://w3id.org/crosswalk/uva-catalogue/u130";
const RECORD_DC = "https://w3id.org/crosswalk/hub-sibelius/oai%3Adigital.consortium.example.org%3Asibelius-1";
const INSTITUTIONS = [
  "University of Virginia Library",
  "Bentley Historical Library, University of Michigan",
  "Example Digital Hub (fictional aggregator)",
];

let work;
let server;
let base;
let context;
const timings = [];
const axeResults = [];

const resource = (iri, extra = "") => `/resource?iri=${encodeURIComponent(iri)}${extra}`;

before(async () => {
  assert.ok(existsSync(bin), `no crosswalk binary at ${bin}: build it first (cargo build)`);
  work = mkdtempSync(join(tmpdir(), "crosswalk-browser-"));
  const store = join(work, "store");
  execFileSync(bin, ["run", join(root, "examples", "consortium.toml"), "--store", store], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  server = spawn(
    bin,
    ["serve", "--store", store, "--config", join(root, "examples", "consortium.toml"), "--bind", "127.0.0.1:0"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  base = await new Promise((resolveAddr, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${text}`)), 30000);
    server.stderr.on("data", (chunk) => {
      text += chunk;
      const m = text.match(/pages at (http:\/\/[0-9.:]+)\//);
      if (m) {
        clearTimeout(timer);
        resolveAddr(m[1]);
      }
    });
    server.on("exit", (code) => reject(new Error(`the server exited (${code}): ${text}`)));
  });
  context = await chromium.launchPersistentContext(join(work, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
  });
  if (shots) {
    mkdirSync(shots, { recursive: true });
  }
  // The dashboard's store-wide counts are gathered in the background when the server starts.
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${base}/dashboard`);
    if (!(await r.text()).includes("still being gathered")) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
});

after(async () => {
  if (context) await context.close();
  if (server) server.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
  if (timings.length) {
    console.log("server time per page (Server-Timing):");
    for (const t of timings) console.log(`  ${t.ms.toFixed(1).padStart(7)} ms  ${t.path}`);
  }
  if (axeResults.length) {
    console.log("axe-core (violations by impact, per page type):");
    for (const a of axeResults) {
      const ids = a.violations.map((v) => `${v.id} (${v.impact})`).join(", ");
      console.log(`  ${a.name}: ${ids || "none"}`);
    }
  }
});

/** Opens a page, checks the status and Server-Timing header, and returns it. */
async function open(path, { status = 200, headers } = {}) {
  const page = await context.newPage();
  if (headers) await page.setExtraHTTPHeaders(headers);
  const response = await page.goto(base + path);
  assert.equal(response.status(), status, `${path}: status`);
  const timing = (await response.allHeaders())["server-timing"] || "";
  const m = timing.match(/app;dur=([0-9.]+)/);
  assert.ok(m, `${path}: a Server-Timing header (${timing})`);
  timings.push({ path, ms: Number(m[1]) });
  return page;
}

/** Runs axe-core on the page: no serious or critical violation. */
async function axe(page, name) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      target: v.nodes[0] && v.nodes[0].target.join(" "),
    }));
  });
  const impacts = {};
  for (const v of result) impacts[v.impact] = (impacts[v.impact] || 0) + 1;
  axeResults.push({ name, impacts, violations: result });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${name}: serious or critical axe-core violations`);
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

test("the concept page of Music lists items of all three institutions", async () => {
  const page = await open(resource(MUSIC));
  assert.equal(await page.locator("h1").innerText(), "Music");
  const facet = page.locator("nav.facets ul[aria-labelledby=facet-inst] li");
  assert.equal(await facet.count(), 3);
  const rows = page.locator("table.items tbody tr");
  assert.equal(await rows.count(), 10);
  const text = await page.locator("table.items").innerText();
  for (const name of INSTITUTIONS) assert.ok(text.includes(name), `an item of ${name}`);
  await axe(page, "concept page");
  await shot(page, "concept");
  // A facet narrows the list to one institution, and says it is selected.
  await page.getByRole("link", { name: /Bentley Historical Library, University of Michigan/ }).first().click();
  assert.equal(await page.locator("table.items tbody tr").count(), 1);
  assert.equal(await page.locator("nav.facets a[aria-current=true]").count(), 1);
  await page.close();
});

test("the agent page of Sibelius reaches the three institutions", async () => {
  const page = await open(resource(SIBELIUS));
  const text = await page.locator("table.items").innerText();
  for (const name of INSTITUTIONS) assert.ok(text.includes(name), `an item of ${name}`);
  await axe(page, "agent page");
  await shot(page, "agent");
  await page.close();
});

test("a MARC record: description, provenance, tagged source; labels follow Accept-Language", async () => {
  const page = await open(resource(RECORD_MARC), { headers: { "Accept-Language": "fr-FR,fr;q=0.9" } });
  const desc = await page.locator("dl.desc").innerText();
  assert.ok(desc.includes("Alte Musik : Praxis und Reflexion"));
  assert.ok(desc.includes("allemand"), "the language in French, from the vocabulary");
  const prov = await page.locator("#prov-h + table").innerText();
  assert.ok(prov.includes("University of Virginia Library"));
  assert.ok(prov.includes("data/library/uva-200.mrc"));
  const marc = await page.locator("table.marc").innerText();
  assert.match(marc, /245\s+00\s+\$aAlte Musik/);
  await axe(page, "record page (MARC)");
  await shot(page, "record-marc");
  await page.close();
});

test("the interface follows Accept-Language: German strings and labels; English by default", async () => {
  const de = await open(resource(RECORD_MARC), { headers: { "Accept-Language": "de-DE,de;q=0.9" } });
  assert.equal(await de.locator("html").getAttribute("lang"), "de");
  assert.equal(await de.locator("header nav a[href='/']").innerText(), "Startseite");
  assert.equal(await de.locator("#desc-h").innerText(), "Beschreibung");
  assert.equal(await de.locator("#prov-h").innerText(), "Herkunft");
  const desc = await de.locator("dl.desc").innerText();
  assert.ok(desc.includes("Titel"), "a property named in German (message table)");
  assert.ok(desc.includes("Deutsch"), "the language named in German, from the vocabulary");
  await axe(de, "record page in German");
  await de.close();
  const concept = await open(resource(MUSIC), { headers: { "Accept-Language": "de" } });
  assert.equal(await concept.locator("#across-h").innerText(), "Über alle Institutionen");
  assert.match(await concept.locator("p.count").innerText(), /Objekte aus 3 Institutionen/);
  await axe(concept, "concept page in German");
  await concept.close();
  const en = await open(resource(RECORD_MARC));
  assert.equal(await en.locator("html").getAttribute("lang"), "en");
  assert.equal(await en.locator("header nav a[href='/']").innerText(), "Home");
  assert.equal(await en.locator("#desc-h").innerText(), "Description");
  const enDesc = await en.locator("dl.desc").innerText();
  assert.ok(enDesc.includes("Title") && enDesc.includes("German"), enDesc);
  await en.close();
});

test("an EAD component shows its place in the finding aid and its XML", async () => {
  // A component from the finding aid: take one of its parts from the collection's page.
  const page = await open(resource("https://consortium.example.org/collection/bhl-finding-aids"));
  const links = page.locator("table.items tbody tr td:first-child a");
  let found = null;
  for (let i = 0; i < (await links.count()); i++) {
    const href = await links.nth(i).getAttribute("href");
    if (href.includes("aspace_")) {
      found = href;
      break;
    }
  }
  assert.ok(found, "a component of the finding aid");
  await axe(page, "collection page");
  await page.close();
  const component = await open(found);
  const tree = component.locator("nav.tree");
  assert.ok((await tree.count()) === 1, "a hierarchy");
  assert.ok((await tree.locator("a").count()) >= 1, "an ancestor or part");
  assert.ok((await component.locator("pre.xml").innerText()).startsWith("<c"), "the XML of the component");
  await axe(component, "record page (EAD component)");
  await shot(component, "record-ead");
  await component.close();
});

test("a Dublin Core record shows its XML", async () => {
  const page = await open(resource(RECORD_DC));
  assert.ok((await page.locator("pre.xml").innerText()).includes("<record"));
  await axe(page, "record page (DC)");
  await page.close();
});

test("the workbench runs an example query and shows the table", async () => {
  const page = await open("/workbench");
  await page.getByRole("link", { name: "items-about-subject", exact: true }).click();
  assert.ok((await page.locator("#query").inputValue()).includes("sh85088762"));
  await page.getByRole("button", { name: "Run query" }).click();
  await page.waitForSelector("table.results");
  const rows = page.locator("table.results tbody tr");
  assert.equal(await rows.count(), 10);
  const headers = await page.locator("table.results thead").innerText();
  assert.match(headers, /institutionName/);
  // IRIs are shown by their labels and link to their pages.
  const link = page.locator("table.results tbody a").first();
  assert.match(await link.getAttribute("href"), /^\/resource\?iri=/);
  const csv = await (await fetch(base + (await page.locator("a[href^='/workbench/download?format=csv']").getAttribute("href")))).text();
  assert.equal(csv.trim().split("\n").length, 11, "CSV: a header and 10 rows");
  await axe(page, "workbench with results");
  await shot(page, "workbench");
  await page.close();
});

test("the workbench shows a syntax error at its place, usable from the keyboard", async () => {
  const page = await open("/workbench?query=" + encodeURIComponent("SELECT ?s WHERE {\n  ?s ?p \n}"), { status: 200 });
  const alert = page.locator("#query-error");
  assert.match(await alert.innerText(), /SPARQL syntax error at line 3, column \d+/);
  assert.equal(await page.locator("#query").getAttribute("aria-invalid"), "true");
  await page.locator("button.goto").focus();
  await page.keyboard.press("Enter");
  const caret = await page.locator("#query").evaluate((t) => t.selectionStart);
  assert.ok(caret >= "SELECT ?s WHERE {\n  ?s ?p \n".length, `the cursor on line 3 (${caret})`);
  await axe(page, "workbench with an error");
  await page.close();
});

test("the dashboard shows collections and charts; a known unmatched heading is found", async () => {
  const page = await open("/dashboard");
  const table = await page.locator("#coll-h ~ div table").first().innerText();
  assert.ok(table.includes("uva-catalogue") || table.includes("University of Virginia Library catalogue"));
  assert.ok((await page.locator("figure.chart svg").count()) >= 2, "charts");
  await axe(page, "dashboard");
  await shot(page, "dashboard");
  await page.getByRole("link", { name: /All headings/ }).click();
  await page.getByLabel("Heading contains").fill("Slave narratives");
  await page.getByLabel("Status").selectOption("unmatched");
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.locator("table.headings tbody tr");
  assert.equal(await rows.count(), 2, "uva-catalogue and hub-harvest");
  const text = await page.locator("table.headings").innerText();
  assert.ok(text.includes("uva-catalogue") && text.includes("hub-harvest"));
  await axe(page, "headings");
  // The heading leads to the records it occurs in.
  await rows.first().locator("th a").click();
  const items = await page.locator("table.items").innerText();
  assert.ok(items.includes("University of Virginia Library") || items.includes("Example Digital Hub"));
  await page.goto(base + "/dashboard/headings?sort=records&order=desc");
  await shot(page, "headings");
  await page.close();
});

test("the start page: keyboard, skip link, narrow screen", async () => {
  const page = await open("/");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  await axe(page, "start page");
  await shot(page, "home");
  for (const path of ["/", resource(MUSIC), "/dashboard", "/workbench", resource(RECORD_MARC)]) {
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 360, height: 740 });
    await narrow.goto(base + path);
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${path}: no sideways scrolling on a narrow screen (${overflow} px)`);
    if (path === resource(MUSIC)) await shot(narrow, "concept-narrow");
    await narrow.close();
  }
  await page.close();
});
