import type { Context } from "hono";
import * as v from "valibot";
import * as projects from "../../commands/projects";
import { createProjectByTransfer, transferIntoExistingProject } from "../../commands/transfers";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { isId } from "../../lib/ids";
import { createRouter } from "../../lib/router";
import { teamScope } from "../../middleware/command-scope";
import { Name } from "../../schemas/fields";
import { CreateProject } from "../../schemas/projects";
import { TransferIntoExisting, TransferPreview } from "../../schemas/transfers";
import { getProject } from "../../services/projects";
import { previewTransfer } from "../../services/transfers";
import { attempt, check, done, type Form, formOf, list, stateOf, text } from "../forms";
import { chooseEnvironmentsPage, NEW_PROJECT_LABELS, newProjectPage, type Wizard } from "../pages/new-project";
import { reviewPage } from "../pages/transfer-review";
import { projectUrl } from "../shell";

/** The wizard's choices from a query or a form. */
const wizardOf = (get: (k: string) => string, all: (k: string) => string[]): Wizard => ({
  name: get("name"),
  source_project_id: get("source_project_id") || undefined,
  destination_project_id: get("destination_project_id") || undefined,
  configuration: get("configuration") === "copy" ? "copy" : undefined,
  environment_ids: all("environment_ids").slice(0, 50),
});
const wizardOfQuery = (c: Context<AppEnv>) =>
  wizardOf(
    (k) => c.req.query(k) ?? "",
    (k) => c.req.queries(k) ?? [],
  );

/** The new project's name, as the API's CreateProject checks it. */
const NamedProject = v.object({ name: Name });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Step 2: the source checked (and the destination: a new project's name, or an existing project of the team). */
async function chooseEnvironments(c: Context<AppEnv>) {
  const w = wizardOfQuery(c);
  const existing = c.req.query("destination") === "existing" || (!c.req.query("destination") && !!w.destination_project_id);
  try {
    if (!w.source_project_id || !isId("project", w.source_project_id))
      throw new ApiError("validation_failed", "Choose a source project.", {
        errors: [{ field: "source_project_id", code: "required", message: "must be chosen." }],
      });
    const source = await getProject(c.var.db, c.var.team.id, w.source_project_id);
    if (existing) {
      // The API's own schema for a move into an existing project.
      check(TransferIntoExisting, {
        source_project_id: source.id,
        destination_project_id: w.destination_project_id ?? "",
        environment_ids: [],
      });
      const destination = await getProject(c.var.db, c.var.team.id, w.destination_project_id!);
      return chooseEnvironmentsPage(c, c.var.team, source, { ...w, name: "" }, `the existing project ${destination.name}`);
    }
    const { name } = check(NamedProject, { name: w.name });
    return chooseEnvironmentsPage(
      c,
      c.var.team,
      source,
      { ...w, name, destination_project_id: undefined },
      `the new project ${name}`,
    );
  } catch (err) {
    const values = {
      name: w.name,
      source_project_id: w.source_project_id ?? "",
      destination_project_id: w.destination_project_id ?? "",
    };
    return newProjectPage(c, c.var.team, stateOf("transfer-start", values, err, NEW_PROJECT_LABELS));
  }
}

/** The transfer the review page confirmed; a refusal shows the review again with it. */
async function transfer(c: Context<AppEnv>, f: Form) {
  const started = new Date().toISOString();
  const w = wizardOf(
    (k) => text(f, k),
    (k) => list(f, k),
  );
  const token = text(f, "idempotency_token");
  const request = {
    source_project_id: w.source_project_id ?? "",
    environment_ids: w.environment_ids ?? [],
    acknowledge: text(f, "acknowledge") === "yes",
    preview_token: text(f, "preview_token") || undefined,
    configuration: w.configuration,
  };
  // One token per review page: the same token again is the Idempotency-Key path, which replays the first transfer.
  const idempotency_key = UUID.test(token) ? `dashboard:${token}` : undefined;
  try {
    const scope = teamScope(c);
    const result = w.destination_project_id
      ? await transferIntoExistingProject(scope, {
          ...check(TransferIntoExisting, { ...request, destination_project_id: w.destination_project_id }),
          idempotency_key,
        })
      : await createProjectByTransfer(scope, {
          ...check(CreateProject, { name: w.name, transfer: request }).transfer!,
          name: check(NamedProject, { name: w.name }).name,
          idempotency_key,
        });
    const names = result.environments.map((e) => e.name).join(", ");
    // A replay answers the record of the first transfer: it was written before this request began.
    if (result.record.createdAt < started)
      return done(c, projectUrl(c.var.team, result.project), {
        kind: "warning",
        message: `This transfer already happened (${result.record.createdAt.replace("T", " ").slice(0, 16)} UTC): ${names} moved into ${result.project.name} then. Nothing was moved again.`,
      });
    return done(c, projectUrl(c.var.team, result.project), {
      message: `Transferred ${names} into ${w.destination_project_id ? "" : "the new project "}${result.project.name}.`,
    });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const known =
      err.code === "transfer_requires_acknowledgement"
        ? new ApiError(err.code, err.message, {
            errors: [{ field: "acknowledge", code: "required", message: "must be ticked: a transfer can't be undone." }],
          })
        : err;
    const preview = await previewTransfer(c.var.db, c.var.team, {
      source_project_id: request.source_project_id,
      environment_ids: request.environment_ids,
      destination_project_id: w.destination_project_id,
      configuration: w.configuration,
    });
    return reviewPage(c, c.var.team, w, preview, stateOf("transfer", f, known, NEW_PROJECT_LABELS));
  }
}

const P = "/teams/:team_id/projects";

/**
 * A new project: from scratch, or by the transfer wizard (source and destination, the environments, the review).
 * Mounted before the project loader: `new` and `transfer` are not project ids.
 */
export const newProjectRoutes = createRouter()
  .get(`${P}/new`, (c) => newProjectPage(c, c.var.team))
  .post(P, (c) =>
    attempt(
      c,
      "scratch",
      NEW_PROJECT_LABELS,
      async (f) => {
        const input = check(CreateProject, { name: text(f, "name"), production: text(f, "production") === "yes" });
        const { project } = await projects.createProject(teamScope(c), { name: input.name, production: input.production });
        return done(c, projectUrl(c.var.team, project), { message: `Project ${project.name} created.` });
      },
      (s) => newProjectPage(c, c.var.team, s),
    ),
  )
  .get(`${P}/new/transfer`, (c) => chooseEnvironments(c))
  .get(`${P}/new/review`, async (c) => {
    const w = wizardOfQuery(c);
    if (!w.destination_project_id) w.name = check(NamedProject, { name: w.name }).name;
    const input = check(TransferPreview, {
      source_project_id: w.source_project_id ?? "",
      environment_ids: w.environment_ids,
      destination_project_id: w.destination_project_id,
      configuration: w.configuration,
    });
    return reviewPage(c, c.var.team, w, await previewTransfer(c.var.db, c.var.team, input));
  })
  .post(`${P}/transfer`, async (c) => transfer(c, await formOf(c)));
