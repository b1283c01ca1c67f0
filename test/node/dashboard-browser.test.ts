/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core): every workflow end to end,
 * then every page at 390 px wide (no horizontal scrolling) checked by axe-core (no serious or critical
 * violation), with no console error and its weight and load time measured.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, PLATFORM_CLIENT, useWorker } from "./harness";

const worker = useWorker();
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
/** Pages visited by the workflows: the sweep at the end checks each one. */
const visited = new Set<string>();

const url = (path: string) => new URL(path, worker.url).toString();

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(`${page.url()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  page.on("framenavigated", (f) => f === page.mainFrame() && visited.add(new URL(f.url()).pathname + new URL(f.url()).search));
  await page.goto(url("/dashboard"));
  await page.fill('input[name="client_id"]', PLATFORM_CLIENT.id);
  await page.fill('input[name="client_secret"]', PLATFORM_CLIENT.secret);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(url("/dashboard"));
});
afterAll(() => browser?.close());

const main = () => page.locator("main");

describe("dashboard in a browser", () => {
  it("adds an environment, then transfers two through the review (Back keeps the choices); a resubmission says it already happened", async () => {
    const { team, project, staging, production } = await worker.newTeam("Browser team");
    await page.goto(url("/dashboard"));
    await page.click('a:has-text("Browser team")');
    expect(await page.textContent("h1")).toBe("Browser team");
    expect(await page.locator(`[data-environment="${production.id}"]`).textContent()).toContain("locked until billing");

    // The project page: add a staging environment (production is explained and disabled without billing).
    await main().locator(`a:has-text("Default")`).first().click();
    await page.waitForLoadState();
    expect(await page.title()).toBe("Default · Browser team · Control plane");
    expect(await page.isDisabled('input[name="kind"][value="production"]')).toBe(true);
    expect(await page.textContent("#production-rule")).toContain("unavailable while billing is inactive");
    await page.fill("#environment-name", "Development");
    await page.click('button:has-text("Add environment")');
    expect(await page.textContent("h1")).toContain("Development");
    expect(await page.textContent('nav[aria-label="Breadcrumb"]')).toContain("Default");
    const dev = (
      await worker.sql<{ id: string }>("SELECT id FROM environments WHERE project_id = ? AND name = 'Development'", project.id)
    )[0];

    // The wizard: name, source, every environment: the review blocks it and links back to the choice.
    await page.click('nav.side a:has-text("New project")');
    await page.fill("#transfer-start-name", "Mobile");
    await page.check(`input[name="source_project_id"][value="${project.id}"]`);
    await page.click('button:has-text("Choose environments")');
    for (const id of [staging.id, production.id, dev.id]) await page.check(`input[value="${id}"]`);
    await page.click('button:has-text("Review transfer")');
    expect(await page.locator('[data-code="source_project_must_keep_environment"]').count()).toBe(1);
    expect(await page.isDisabled('button:has-text("Transfer 3 environments")')).toBe(true);
    await page.click('[data-code="source_project_must_keep_environment"] a:has-text("Change the environments")');
    for (const id of [staging.id, production.id, dev.id]) expect(await page.isChecked(`input[value="${id}"]`)).toBe(true);
    await page.uncheck(`input[value="${dev.id}"]`);
    await page.click('button:has-text("Review transfer")');

    // The review: grouped, with what each holds, what stays, the implications and the acknowledgement.
    expect(await page.locator(`[data-moving="${staging.id}"]`).textContent()).toContain(
      "0 users · 0 organizations · 0 connections · 0 keys · 0 webhook endpoints",
    );
    expect(await page.locator(`[data-moving="${production.id}"]`).count()).toBe(1);
    expect(await page.locator(`[data-staying="${dev.id}"]`).count()).toBe(1);
    expect(await page.locator(".blockers").count()).toBe(0);
    const confirm = page.locator('button:has-text("Transfer 2 environments and create Mobile")');
    expect(await confirm.getAttribute("class")).toBe("danger");
    await confirm.click();
    expect(page.url()).toContain("/projects/new/review"); // the browser requires the acknowledgement
    await page.check('input[name="acknowledge"]');
    await confirm.click();
    await page.waitForURL(/\/projects\/project_/);
    expect(await page.textContent('[role="status"]')).toContain("Transferred Staging, Production into the new project Mobile.");
    expect(await page.textContent("h1")).toBe("Mobile");
    const moved = await worker.platform("GET", `/teams/${team.id}/environments/${staging.id}`);
    expect(page.url()).toBe(url(`/dashboard/teams/${team.id}/projects/${moved.body.project_id}`));

    // Back to the review, submit again: it says plainly that it already happened, and nothing moves twice.
    await page.goBack();
    expect(page.url()).toContain("/projects/new/review");
    await page.check('input[name="acknowledge"]');
    await page.click('button:has-text("Transfer 2 environments and create Mobile")');
    await page.waitForURL(/\/projects\/project_/);
    expect(await page.textContent('[role="status"]')).toContain("This transfer already happened");
    expect((await worker.sql("SELECT id FROM transfers WHERE team_id = ?", team.id)).length).toBe(1);

    await page.click('nav.side a:has-text("Transfers")');
    const record = await page.locator("[data-transfer]").textContent();
    expect(record).toContain("Default → Mobile");
    expect(record).toContain("Staging, Production");
    await page.click('nav.side a:has-text("Activity")');
    expect(await page.locator('[data-event="project.created"]').first().textContent()).toContain(
      "Project created “Mobile” by a transfer",
    );
  });

  it("a blocked transfer: the project is marked before picking, and the blocker's link leads to the configuration that blocks it", async () => {
    const { team, project, staging } = await worker.newTeam("Flagged team");
    await page.goto(url(`/dashboard/teams/${team.id}/projects/${project.id}/config`));
    // Keyboard: the first Tab reaches the skip link, which moves focus to the main landmark.
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement.textContent")).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate<string>("document.activeElement.id")).toBe("main");
    await page.fill("#flag-slug", "new-checkout");
    await page.fill("#flag-name", "New checkout");
    await page.click('button:has-text("Create flag")');
    expect(await page.locator('[data-flag="new-checkout"]').count()).toBe(1);
    await page.click(`[data-flag="new-checkout"] button[data-flag-env="${staging.id}"]`);
    expect(await page.getAttribute(`[data-flag="new-checkout"] button[data-flag-env="${staging.id}"]`, "aria-pressed")).toBe(
      "true",
    );

    // The source picker says before picking that this project is a source only if its configuration is copied.
    await page.click('nav.side a:has-text("New project")');
    expect(await page.textContent(`[data-source="${project.id}"]`)).toContain(
      "A source only with a copy: It has project-level configuration (feature flags)",
    );

    // Straight to the choice of environments (e.g. a bookmarked step): the review names the blocker and links to it.
    await page.goto(url(`/dashboard/teams/${team.id}/projects/new/transfer?name=Split&source_project_id=${project.id}`));
    await page.check(`input[value="${staging.id}"]`);
    await page.click('button:has-text("Review transfer")');
    const blocker = page.locator('[data-code="source_project_config_not_copyable"]');
    expect(await blocker.getAttribute("class")).toBe("warning");
    await blocker.locator('a[data-fix="feature_flags"]').click();
    await page.waitForURL(url(`/dashboard/teams/${team.id}/projects/${project.id}/config#feature-flags`));
    expect(await page.locator("#feature-flags [data-flag='new-checkout']").isVisible()).toBe(true);
  });

  it("the last-environment and last-project rules, and a reload after minting a key mints no second key", async () => {
    const { team, project, staging, production } = await worker.newTeam("Rules team");
    await page.goto(url(`/dashboard/teams/${team.id}/projects/${project.id}`));
    expect(await page.isDisabled('button:has-text("Delete project…")')).toBe(true);
    expect(await page.textContent("#settings")).toContain("A team must keep at least one project: this is its last one.");

    await page.goto(url(`/dashboard/teams/${team.id}/environments/${production.id}/settings`));
    await page.click('summary:has-text("Delete environment…")');
    await page.click('button:has-text("Delete Production")');
    await page.waitForURL(url(`/dashboard/teams/${team.id}/projects/${project.id}`));
    expect(await page.textContent('[role="status"]')).toContain("Environment Production deleted.");
    await page.click(`[data-environment="${staging.id}"] a`);
    await page.click('nav[aria-label="Environment sections"] a:has-text("Settings")');
    expect(await page.isDisabled('button:has-text("Delete environment…")')).toBe(true);
    expect(await page.textContent("#delete")).toContain("A project must keep at least one environment: this is its last one.");

    await page.click('nav[aria-label="Environment sections"] a:has-text("Keys")');
    await page.fill("#key-name", "Backend");
    await page.click('button:has-text("Create secret key")');
    const value = await page.textContent("#new-key");
    expect(value).toMatch(/^sk_test_/);
    expect(await page.locator('button[aria-label="Copy the key"]').isVisible()).toBe(true);
    await page.reload();
    expect(await page.locator("#new-key").count()).toBe(0);
    expect(await page.content()).not.toContain(value!);
    expect((await worker.sql("SELECT id FROM api_keys WHERE environment_id = ?", staging.id)).length).toBe(1);

    // A refused form: errors in words beside the field, what was typed kept, a 4xx.
    await page.click('nav[aria-label="Environment sections"] a:has-text("Applications")');
    await page.fill("#app-name", "Web app");
    await page.fill("#app-redirect_uris", "https://app.test/callback\nftp://nope");
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click('button:has-text("Add application")'),
    ]);
    expect(answer.status()).toBe(422);
    await page.waitForLoadState();
    // Chromium logs the refused submission's 422 as a console error: that one is expected.
    const refused = consoleErrors.splice(0).filter((e) => !/status of 422/.test(e));
    expect(refused).toEqual([]);
    expect(await page.textContent("#app-redirect_uris-error")).toBe(
      "Redirect URI 2 must use https, or http on localhost / 127.0.0.1.",
    );
    expect(await page.inputValue("#app-name")).toBe("Web app");

    await page.goto(url(`/dashboard/teams/${team.id}/environments/${staging.id}/branding`));
    await page.fill("#branding-display_name", "Acme Cloud");
    expect(await page.textContent("#branding-preview .name")).toBe("Acme Cloud");
    await page.goto(url(`/dashboard/teams/${team.id}/billing`));
    await page.fill("#billing-billing_email", "billing@rules.test");
    await page.fill("#billing-payment_method", "4242 4242 4242 4242");
    await page.click('button:has-text("Add billing and unlock production")');
    expect(await page.textContent("#production-state")).toBe("Active");
    expect(await page.textContent("#payment-method")).toBe("•••• 4242");
  });

  it("sign-in: a user's session revoked and the signing key rotated behind confirmations; email verification set; the preview opens the hosted page", async () => {
    const { team, staging } = await worker.newTeam("Sign-in team");
    const key = await worker.mintKey(team.id, staging.id);
    const user = await worker.request("POST", "/user_management/users", {
      token: key,
      body: { email: "ada@browser.test", password: "correct horse battery staple" },
    });
    expect(user.status).toBe(201);
    const signedIn = await worker.request("POST", "/user_management/authenticate", {
      body: {
        client_id: staging.client_id,
        grant_type: "password",
        email: "ada@browser.test",
        password: "correct horse battery staple",
        user_agent: "Browser test",
      },
    });
    expect(signedIn.status).toBe(200);
    const env = `/dashboard/teams/${team.id}/environments/${staging.id}`;

    await page.goto(url(`${env}/users`));
    await page.click('main a:has-text("Sessions")');
    expect(await page.textContent("#sessions")).toContain("Browser test");
    await page.click('summary:has-text("Revoke…")');
    await page.click('button:has-text("Revoke the session")');
    await page.waitForURL(url(`${env}/users/${user.body.id}/sessions`));
    expect(await page.textContent('[role="status"]')).toContain("Session revoked");
    expect(await page.textContent("#sessions")).toContain("revoked");

    await page.goto(url(`${env}/settings`));
    await page.check("#sign-in-require_email_verification");
    await page.click('button:has-text("Save sign-in settings")');
    expect(await page.textContent('[role="status"]')).toContain("Sign-in now requires a verified email address.");
    expect(await page.isChecked("#sign-in-require_email_verification")).toBe(true);
    await page.click('summary:has-text("Rotate…")');
    await page.click('button:has-text("Rotate the signing key")');
    expect(await page.textContent('[role="status"]')).toContain("Signing key rotated");
    expect(await page.locator("#signing-key-list li").count()).toBe(2);

    // No preview while the default application has no redirect URI; with one, the link opens the hosted page.
    await page.goto(url(`${env}/applications`));
    expect(await page.textContent("#preview-sign-in")).toContain("the default application has no redirect URI");
    const main = (await worker.platform("GET", `/teams/${team.id}/environments/${staging.id}/applications`)).body.data.find(
      (a: { is_default: boolean }) => a.is_default,
    );
    const patched = await worker.platform("PATCH", `/teams/${team.id}/environments/${staging.id}/applications/${main.id}`, {
      redirect_uris: ["http://localhost:3000/callback"],
    });
    expect(patched.status).toBe(200);
    await page.reload();
    const href = await page.getAttribute('#preview-sign-in a:has-text("Preview sign-in page")', "href");
    const hosted = await context.newPage();
    await hosted.goto(url(href!));
    expect(await hosted.locator('input[type="password"]').count()).toBe(1);
    await hosted.close();
  });

  it("every page: no horizontal scrolling at 390 px, 0 serious or critical axe-core violations, no console error", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const pages = [...visited].filter((p) => p.startsWith("/dashboard") && !p.includes("sign-in"));
    // The environment tabs of one environment, whichever the workflows visited.
    const env = pages.find((p) => /\/environments\/environment_[^/?]+$/.test(p))!;
    for (const tab of [
      "applications",
      "branding",
      "connections",
      "organizations",
      "users",
      "directory",
      "webhooks",
      "events",
      "settings",
    ])
      pages.push(`${env}/${tab}`);
    // The team's members, and the public password-reset page.
    pages.push(`${env.split("/environments/")[0]}/members`, "/dashboard/password-reset");
    // One page of each kind (the same route with other ids looks the same).
    const kinds = new Map<string, string>();
    for (const p of pages)
      kinds.set(
        p
          .replace(/#.*$/, "")
          .replace(/_[0-9A-Z]{26}/g, "_…")
          .replace(/\?.*$/, (q) => (q.includes("name=") ? "?wizard" : "")),
        p,
      );
    const unique = [...kinds.values()];
    unique.push("/dashboard/sign-in");
    let axeMs = 0;
    let navMs = 0;
    const report: { page: string; bytes: number; ms: number; serious: number; total: number }[] = [];
    // Two tabs at a time (one context: the same session), each page checked in turn.
    const check = async (tab: Page, path: string) => {
      const n0 = Date.now();
      const response = await tab.goto(url(path));
      navMs += Date.now() - n0;
      expect(response?.status(), path).toBe(200);
      const bytes = (await response!.body()).length;
      const ms = await tab.evaluate<number>(
        'Math.round(performance.getEntriesByType("navigation")[0].loadEventEnd || performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd)',
      );
      const width = await tab.evaluate<number>("document.documentElement.scrollWidth");
      expect(width, `${path} is ${width}px wide`).toBeLessThanOrEqual(390);
      const t0 = Date.now();
      // Violations only: computing the passes too doubles axe's time.
      const axe = await new AxeBuilder({ page: tab }).options({ resultTypes: ["violations"] }).analyze();
      axeMs += Date.now() - t0;
      const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(
        serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        path,
      ).toEqual([]);
      report.push({
        page: path.replace(/_[0-9A-Z]{26}/g, "_…"),
        bytes,
        ms,
        serious: serious.length,
        total: axe.violations.length,
      });
    };
    const second = await context.newPage();
    await second.setViewportSize({ width: 390, height: 844 });
    second.on("console", (m) => m.type() === "error" && consoleErrors.push(`${second.url()}: ${m.text()}`));
    second.on("pageerror", (e) => consoleErrors.push(`${second.url()}: ${e.message}`));
    const queue = [...unique];
    await Promise.all(
      [page, second].map(async (tab) => {
        for (let next = queue.shift(); next; next = queue.shift()) await check(tab, next);
      }),
    );
    await second.close();
    console.log(
      `${unique.length} pages; navigation total ${navMs} ms; axe total ${axeMs} ms; console errors: ${consoleErrors.join(" | ")}`,
    );
    console.log(
      `dashboard pages (390 px):\n${report.map((r) => `${r.page}\t${r.bytes} B\t${r.ms} ms\taxe serious/critical ${r.serious}, other ${r.total - r.serious}`).join("\n")}`,
    );
    expect(consoleErrors).toEqual([]);
    expect(unique.length).toBeGreaterThanOrEqual(20);
  }, 240_000);
});
