import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { authorize } from "../auth/permissions";
import { ApiError } from "../lib/errors";
import { createRouter } from "../lib/router";
import { loadEnvironment, loadProject, loadTeam } from "../middleware/path-resources";
import { environmentRoutes } from "./environment";
import { ErrorBox, FAVICON_SVG } from "./layout";
import { accountRoutes } from "./routes/account";
import { billingRoutes } from "./routes/billing";
import { memberRoutes } from "./routes/members";
import { newProjectRoutes } from "./routes/new-project";
import { projectConfigRoutes } from "./routes/project-config";
import { projectRoutes } from "./routes/projects";
import { teamRoutes } from "./routes/teams";
import { requireSession } from "./session";
import { renderSolo } from "./shell";

/**
 * The dashboard: server-rendered pages for a person, over the same schemas, commands and path loaders as the
 * Platform API. A refused form re-renders its page with the API's 4xx, errors beside their fields and what was
 * typed kept; every success is a 303 to a page (Post/Redirect/Get), so a reload never repeats an action.
 * CSRF: every POST's Origin is checked, and the session cookies are SameSite (Strict for operators, Lax for
 * people so that an emailed link lands signed in).
 */
export const dashboard = createRouter()
  .use(csrf())
  // No external assets: the dashboard's own script and styles (static assets, below), and inline style attributes
  // (the branding preview's colours); no inline script.
  .use(async (c, next) => {
    await next();
    c.header(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    );
    c.header("X-Content-Type-Options", "nosniff");
  })
  .get("/favicon.svg", (c) =>
    c.body(FAVICON_SVG, 200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" }),
  )
  // Styles and script (public/dashboard/assets/), before the session check: the sign-in page uses them too. Their
  // URLs carry a hash of their content (layout.tsx), so a browser keeps them for a year.
  .get("/assets/*", async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    if (asset.status === 404) throw new ApiError("not_found", "There is no such page.");
    const res = new Response(asset.body, asset);
    res.headers.set("Cache-Control", "public, max-age=31536000, immutable");
    return res;
  })
  .route("/", accountRoutes)
  .use("*", requireSession)
  .use("*", authorize)
  // The path's resources, resolved and checked to be the caller's once, as on the Platform API: routes read c.var.
  .use("/teams/:team_id/*", loadTeam)
  .route("/", teamRoutes)
  .route("/", memberRoutes)
  .route("/", billingRoutes)
  // Before the project loader: `…/projects/new` and `…/projects/transfer` name no project.
  .route("/", newProjectRoutes)
  .use("/teams/:team_id/projects/:project_id/*", loadProject)
  .use("/teams/:team_id/environments/:environment_id/*", loadEnvironment)
  // The flag switch names an environment of the project.
  .use("/teams/:team_id/projects/:project_id/config/feature_flags/:slug/environments/:environment_id", loadEnvironment)
  .route("/", projectRoutes)
  .route("/", projectConfigRoutes)
  .route("/", environmentRoutes)
  .all("*", () => {
    throw new ApiError("not_found", "There is no such page.");
  });

/** An error in the framework's terms, as one of ours. */
const knownOf = (err: Error) =>
  err instanceof ApiError
    ? err
    : err instanceof HTTPException
      ? new ApiError(
          ({ 401: "unauthorized", 403: "forbidden", 404: "not_found" } as const)[err.status as 401] ?? "bad_request",
          err.message || undefined,
        )
      : undefined;

// Errors render as pages here, not JSON: a person is reading.
dashboard.onError((err, c) => {
  const known = knownOf(err);
  if (!known) console.error(JSON.stringify({ request_id: c.var.requestId, error: String(err), stack: err?.stack }));
  const status = known?.status ?? 500;
  const message = known?.message ?? `Something went wrong on our side. Request id: ${c.var.requestId}.`;
  const title = status === 404 ? "Not found" : status >= 500 ? "Something went wrong" : "This can't be done";
  return renderSolo(
    c,
    title,
    <>
      <h1>{title}</h1>
      <ErrorBox message={message} />
      <p>
        <a href="/dashboard">Back to your teams</a>
      </p>
    </>,
    { signedIn: !!c.var.caller, status: status as 404 },
  );
});
