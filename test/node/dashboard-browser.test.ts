/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core): a person signs in,
 * reviews a transfer that is blocked, then one that is not, acknowledges it, and sees the new project.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_CLIENT, useWorker } from "./harness";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const worker = useWorker();
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (see .ci/run).`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
afterAll(() => browser?.close());

describe("dashboard in a browser", () => {
  it("signs in, reviews a transfer (blocked, then allowed), acknowledges it and sees the new project", async () => {
    const { team, project, staging, production } = await worker.newTeam("Browser team");
    const page = await browser.newPage();
    const url = (path: string) => new URL(path, worker.url).toString();

    await page.goto(url("/dashboard"));
    await page.fill('input[name="client_id"]', PLATFORM_CLIENT.id);
    await page.fill('input[name="client_secret"]', PLATFORM_CLIENT.secret);
    await page.click('button:has-text("Sign in")');
    await page.click(`a:has-text("Browser team")`);
    expect(await page.textContent("h1")).toBe("Browser team");
    expect(await page.locator(`[data-environment="${production.id}"]`).textContent()).toContain("locked until billing");

    // Choose every environment of the source: the review shows the blocker and will not proceed.
    await page.click('a:has-text("New project")');
    await page.locator("form", { hasText: "Choose environments" }).locator('input[name="name"]').fill("Mobile");
    await page.selectOption('select[name="source_project_id"]', project.id);
    await page.click('button:has-text("Choose environments")');
    await page.check(`input[value="${staging.id}"]`);
    await page.check(`input[value="${production.id}"]`);
    await page.click('button:has-text("Review transfer")');
    expect(await page.locator('[data-code="source_project_must_keep_environment"]').count()).toBe(1);
    expect(await page.isDisabled('button:has-text("Transfer and create project")')).toBe(true);

    // Back, only Staging: no blocker; the button needs the acknowledgement (the browser enforces `required`).
    await page.goBack();
    await page.uncheck(`input[value="${production.id}"]`);
    await page.click('button:has-text("Review transfer")');
    expect(await page.locator(`[data-moving="${staging.id}"]`).count()).toBe(1);
    expect(await page.locator(".blockers").count()).toBe(0);
    await page.click('button:has-text("Transfer and create project")');
    expect(page.url()).toContain("/projects/review"); // still on the review: not acknowledged
    await page.check('input[name="acknowledge"]');
    await page.click('button:has-text("Transfer and create project")');
    await page.waitForURL(url(`/dashboard/teams/${team.id}`));

    const moved = await worker.platform("GET", `/teams/${team.id}/environments/${staging.id}`);
    expect(moved.body.project_id).not.toBe(project.id);
    expect(await page.locator("section", { hasText: "Mobile" }).locator(`[data-environment="${staging.id}"]`).count()).toBe(1);
    await page.screenshot({ path: "test-results/dashboard-after-transfer.png", fullPage: true });
    await page.close();
  });
});
