import { describe, expect, it } from "vitest";
import { call } from "./helpers";

/** The API reference page and its script come from this Worker (static assets), never a CDN. */
describe("/docs", () => {
  it("renders the reference for /openapi.json with the Worker's own script", async () => {
    const page = await call("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(page.body).toContain('src="/docs/standalone.js"');
    expect(page.body).toContain("/openapi.json");
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.[a-z]{2,}\/[^"']*\.(js|css)/i);
  });

  it("serves the script from static assets; an unknown asset is a 404", async () => {
    const script = await call("GET", "/docs/standalone.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("Content-Type")).toMatch(/javascript/);
    expect(String(script.body).length).toBeGreaterThan(100_000);
    expect((await call("GET", "/docs/nothing-here.js")).status).toBe(404);
  });
});
