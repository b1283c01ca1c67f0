/**
 * The API reference in a real browser (Debian's Chromium, playwright-core): /docs renders the document and shows
 * the transfer operation, and no request leaves the Worker (no CDN, no fonts, no telemetry): it works offline.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, useWorker } from "./harness";

const worker = useWorker();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe("/docs in a browser", () => {
  it("renders the API reference from the Worker alone and finds the transfer operation", async () => {
    const page = await browser.newPage();
    const local: string[] = [];
    const outside: string[] = [];
    // Every request is seen here: the Worker's own are let through, anything else is refused and remembered.
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.host === worker.url.host || url.protocol === "data:" || url.protocol === "blob:") {
        local.push(url.pathname);
        return route.continue();
      }
      outside.push(url.toString());
      return route.abort();
    });
    // The transfer operations, as the document names them (the sidebar shows a summary, or the path without one).
    const document = (await worker.request("GET", "/openapi.json")).body;
    const labels = Object.entries<any>(document.paths).flatMap(([path, item]) =>
      Object.values<any>(item)
        .filter((op) => /transfer/i.test(`${path} ${op.summary ?? ""}`))
        .map((op) => (op.summary as string | undefined) ?? path),
    );
    expect(labels.length).toBeGreaterThan(0);
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    await page.goto(new URL("/docs", worker.url).toString());
    // Any of them, wherever the reference lists it first (Scalar groups operations by tag).
    // Scalar shows one tag's group open at first: open the Transfers group, then find one of its operations.
    await page.getByText("Transfers", { exact: true }).first().click({ timeout: 45_000 });
    const transfer = labels
      .map((label) => page.getByText(label, { exact: true }))
      .reduce((any, next) => any.or(next))
      .filter({ visible: true })
      .first();
    await transfer.waitFor({ state: "visible", timeout: 45_000 }).catch(async (err) => {
      throw new Error(`${err}\n${problems.join("\n")}\npage text: ${((await page.textContent("body")) ?? "").slice(0, 600)}`);
    });
    await transfer.click();
    expect(local).toContain("/docs/standalone.js");
    expect(local).toContain("/openapi.json");
    expect(outside, `requests that left the Worker:\n${outside.join("\n")}`).toEqual([]);
    await page.screenshot({ path: "test-results/docs.png", fullPage: false });
    await page.close();
  });
});
