/**
 * People in a real browser (Chromium through playwright-core): the team's first admin accepts the emailed
 * invitation (landing signed in), invites a member-sandbox from the members page; that person accepts,
 * mints a key on staging and is refused on production (403 naming the permission).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, useWorker } from "./harness";

const worker = useWorker();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const PASSWORD = "a long enough password";

async function linkFor(email: string) {
  const [row] = await worker.sql<{ link: string }>(
    "SELECT link FROM email_outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1",
    email,
  );
  expect(row, `an email to ${email}`).toBeDefined();
  return new URL(row.link, worker.url).toString();
}

/** Accepting lands the person signed in, on the team's page. */
async function acceptAndSignIn(page: Page, email: string, name: string, teamId: string) {
  await page.goto(await linkFor(email));
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('button:has-text("Accept the invitation")');
  await page.waitForURL(new URL(`/dashboard/teams/${teamId}`, worker.url).toString());
}

describe("people in a browser", () => {
  it("an admin invites a member-sandbox, who accepts, signs in, manages staging and is refused in production", async () => {
    const { team, staging, production } = await worker.newTeam("People team", { billing: true });
    const url = (path: string) => new URL(path, worker.url).toString();

    const admin = await (await browser.newContext()).newPage();
    await acceptAndSignIn(admin, "admin@acme.test", "Ada Admin", team.id);
    await admin.goto(url(`/dashboard/teams/${team.id}/members`));
    expect(await admin.locator('[data-member="admin@acme.test"]').textContent()).toContain("Ada Admin");
    await admin.fill('input[name="email"]', "sandy@acme.test");
    await admin.selectOption('form[action$="/invitations"] select[name="role_slug"]', "member-sandbox");
    await admin.click('button:has-text("Send the invitation")');
    await admin.waitForURL(url(`/dashboard/teams/${team.id}/members`));
    expect(await admin.textContent(".notice")).toContain("Invitation sent to sandy@acme.test");
    expect(await admin.locator('[data-invitation="sandy@acme.test"]').count()).toBe(1);

    const sandy = await (await browser.newContext()).newPage();
    await acceptAndSignIn(sandy, "sandy@acme.test", "Sandy Sandbox", team.id);
    // Staging: a key is minted.
    await sandy.goto(url(`/dashboard/teams/${team.id}/environments/${staging.id}`));
    await sandy.fill('form[action$="/api_keys"] input[name="name"]', "sandbox key");
    await sandy.click('form[action$="/api_keys"] button[type="submit"]');
    expect(await sandy.locator(".secret").count()).toBe(1);
    // Production: readable, but the same action is refused, naming the permission.
    await sandy.goto(url(`/dashboard/teams/${team.id}/environments/${production.id}`));
    await sandy.fill('form[action$="/api_keys"] input[name="name"]', "prod key");
    await sandy.click('form[action$="/api_keys"] button[type="submit"]');
    expect(await sandy.textContent('[role="alert"]')).toContain("environments:configure");
    const keys = await worker.sql<{ n: number }>("SELECT count(*) AS n FROM api_keys WHERE environment_id = ?", production.id);
    expect(keys).toEqual([{ n: 0 }]);

    // The admin sees the new member on the members page.
    await admin.reload();
    expect(await admin.locator('[data-member="sandy@acme.test"]').textContent()).toContain("member-sandbox");
    await sandy.screenshot({ path: "test-results/people-sandbox-refused.png", fullPage: true });
  });
});
