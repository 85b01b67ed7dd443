// Checks pages of the newsroom with axe-core in the system's Chromium (never a downloaded
// browser): `node axe.js CHROMIUM FILE...` prints one JSON object a page, with axe's serious
// and critical violations, how wide the page is at a phone's width (375 px) and, with SEARCH
// set, what the search box lists for it.
"use strict";
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

(async () => {
  const [executablePath, ...files] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  try {
    const results = [];
    for (const file of files) {
      const page = await browser.newPage();
      await page.setViewport({ width: 375, height: 800 });
      await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
      await page.addScriptTag({ content: AXE });
      const found = await page.evaluate(async () => {
        const report = await window.axe.run(document);
        return report.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
      });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      // A page with the search box: what typing SEARCH (the environment's) into it lists.
      let searched = null;
      if (process.env.SEARCH && await page.$("form.search input")) {
        await page.type("form.search input", process.env.SEARCH);
        await page.waitForFunction(
          () => document.querySelector(".search-results").children.length > 0,
          { timeout: 5000 });
        searched = await page.evaluate(() => Array.from(
          document.querySelectorAll(".search-results li"),
          (li) => [li.querySelector("a") ? li.querySelector("a").getAttribute("href") : "",
                   li.textContent.trim()]));
      }
      results.push({ file, violations: found, scrollWidth: width, searched });
      await page.close();
    }
    process.stdout.write(JSON.stringify(results) + "\n");
  } finally {
    await browser.close();
  }
})().catch((error) => { console.error(String(error)); process.exit(1); });
