import type { Context } from "hono";
import { storeOf } from "../../db/store-client";
import type { AppEnv } from "../../env";
import { environmentHoldings, type Holdings } from "../../services/environment-summary";
import { labelOf, type ProjectConfigKind } from "../../services/project-config-kinds";
import type { TeamRow } from "../../services/teams";
import type { previewTransfer } from "../../services/transfers";
import type { FormState } from "../forms";
import { Card, EnvironmentBadges, FormError } from "../layout";
import { projectUrl, render, teamUrl } from "../shell";
import { Carry, CONFIG_ANCHOR, type Wizard, wizardQuery } from "./new-project";

/** The transfer wizard's step 3, the review: what moves and what each holds, what stays, every blocker, the acknowledgement. */

type Preview = Awaited<ReturnType<typeof previewTransfer>>;

const HOLDING_LABELS: [keyof Holdings, string][] = [
  ["users", "users"],
  ["organizations", "organizations"],
  ["connections", "connections"],
  ["api_keys", "keys"],
  ["webhook_endpoints", "webhook endpoints"],
];

/** Names of stored items, comma-separated, each marked as the stored row it shows. */
const listed = (names: string[]) =>
  names.map((name, i) => (
    <>
      {i > 0 && ", "}
      <span data-row>{name}</span>
    </>
  ));

/** What the review shows: the preview, what each moving environment holds, and the wizard's links back. */
async function loadReview(c: Context<AppEnv>, team: TeamRow, w: Wizard, preview: Preview) {
  const moving = [...preview.environments.staging, ...preview.environments.production];
  const chosen = moving.map((e) => e.id);
  const into = preview.destination.project ? preview.destination.project.name : w.name;
  const source = preview.source_project.id;
  return {
    team,
    w,
    preview,
    moving,
    chosen,
    into,
    intoText: preview.destination.project ? `the existing project ${into}` : `the new project ${into}`,
    holdings: await environmentHoldings(c.var.db, (e) => storeOf(c.env, e, c.var.db), chosen),
    back: `${teamUrl(team)}/projects/new/transfer?${wizardQuery({ ...w, source_project_id: source, environment_ids: chosen })}`,
    step1: `${teamUrl(team)}/projects/new?${wizardQuery({ ...w, source_project_id: source, environment_ids: [] })}${w.destination_project_id ? "&destination=existing" : ""}#transfer`,
    configUrl: `${projectUrl(team, preview.source_project)}/config`,
    // One token per review: submitting it twice (browser Back, then submit) replays the first transfer.
    token: crypto.randomUUID(),
  };
}

type Review = Awaited<ReturnType<typeof loadReview>>;

/** Where to fix a blocker: the configuration that blocks, another destination, or other environments. */
function Fix({ data, blocker: b }: { data: Review; blocker: Preview["blockers"][number] }) {
  const { team, preview, configUrl, step1, back } = data;
  if (b.code === "source_project_config_not_copyable")
    return (
      <>
        {((b.kinds as ProjectConfigKind[]) ?? []).map((k) => (
          <>
            {" "}
            <a href={`${configUrl}#${CONFIG_ANCHOR[k]}`} data-fix={k}>
              Review {labelOf(k)}
            </a>
          </>
        ))}{" "}
        <a href={step1}>or choose to copy it</a>
      </>
    );
  if (b.code === "configuration_conflict" && preview.destination.project)
    return (
      <>
        {" "}
        <a href={`${projectUrl(team, preview.destination.project)}/config`}>
          Review {preview.destination.project.name}'s configuration
        </a>
      </>
    );
  if (b.code === "destination_is_source")
    return (
      <>
        {" "}
        <a href={step1}>Choose another destination</a>
      </>
    );
  return (
    <>
      {" "}
      <a href={back}>Change the environments</a>
    </>
  );
}

function Moving({
  title,
  list,
  holdings,
}: {
  title: string;
  list: Preview["remaining_environments"];
  holdings: Map<string, Holdings>;
}) {
  return (
    <section aria-label={`${title} environments moving`}>
      <h3>{title}</h3>
      {list.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="plain">
          {list.map((e) => {
            const h = holdings.get(e.id);
            return (
              <li data-moving={e.id} data-row>
                <strong>{e.name}</strong>
                <EnvironmentBadges production={e.production} locked={e.locked} />
                <br />
                <span class="muted">{h ? HOLDING_LABELS.map(([k, label]) => `${h[k]} ${label}`).join(" · ") : ""}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Blockers({ data }: { data: Review }) {
  const { preview } = data;
  return (
    <section class="card" aria-labelledby="blockers-title" role="alert" style="border-color:#ecd28a">
      <h2 id="blockers-title">This transfer can't run yet</h2>
      <ul class="plain blockers">
        {preview.blockers.map((b) => (
          <li class="warning" data-code={b.code}>
            <strong>Blocked:</strong> {b.message}
            <Fix data={data} blocker={b} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function WhatMoves({ data }: { data: Review }) {
  const { preview, into, holdings } = data;
  return (
    <Card title="What moves" id="moving">
      <div class="grid2">
        <Moving title="Staging" list={preview.environments.staging} holdings={holdings} />
        <Moving title="Production" list={preview.environments.production} holdings={holdings} />
      </div>
      <h3>What stays in {preview.source_project.name}</h3>
      {preview.remaining_environments.length === 0 ? (
        <p class="muted">Nothing: the source would be left empty.</p>
      ) : (
        <ul>
          {preview.remaining_environments.map((e) => (
            <li data-staying={e.id} data-row>
              {e.name} <span class="muted">({e.production ? "production" : "staging"})</span>
            </li>
          ))}
        </ul>
      )}
      {preview.destination.project && (
        <>
          <h3>{into} after the transfer</h3>
          <ul>
            {preview.destination.environments_after.map((e) => (
              <li data-after={e.id} data-row>
                {e.name} <span class="muted">({e.production ? "production" : "staging"})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Project-level configuration</h3>
      {preview.configuration.mode === "copy" && preview.configuration.copied ? (
        <ul id="config-copy">
          {(["feature_flags", "audit_log_actions", "email_domains"] as const).map((k) => (
            <li>
              {k.replace(/_/g, " ")}:{" "}
              {preview.configuration.copied?.[k].length ? (
                <>copied {listed(preview.configuration.copied[k])}</>
              ) : (
                "nothing to copy"
              )}
              {preview.configuration.reused?.[k].length ? <>; reused {listed(preview.configuration.reused[k])}</> : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">
          It stays with {preview.source_project.name}
          {preview.destination.project ? "" : "; the new project starts with none"}.
        </p>
      )}
    </Card>
  );
}

function Acknowledge({ data, state }: { data: Review; state?: FormState }) {
  const { team, w, preview, chosen, moving, into, back, token } = data;
  return (
    <Card title="Before you continue" id="implications">
      <ul>
        {preview.implications.map((i) => (
          <li>{i.message}</li>
        ))}
      </ul>
      <form method="post" action={`${teamUrl(team)}/projects/transfer`}>
        <Carry w={{ ...w, source_project_id: preview.source_project.id }} />
        {chosen.map((id) => (
          <input type="hidden" name="environment_ids" value={id} />
        ))}
        <input type="hidden" name="preview_token" value={preview.preview_token} />
        {/* One token per review: submitting it twice (browser Back, then submit) replays the first transfer. */}
        <input type="hidden" name="idempotency_token" value={token} />
        <label class="check">
          <input
            type="checkbox"
            name="acknowledge"
            value="yes"
            required
            disabled={!preview.transferable}
            aria-describedby="ack-error"
          />{" "}
          I have reviewed this transfer: the environments leave {preview.source_project.name} with everything they own, and there
          is no undo button.
        </label>
        {state?.form === "transfer" && state.errors.acknowledge && (
          <p class="field-error" id="ack-error">
            {state.errors.acknowledge}
          </p>
        )}
        <div class="row">
          <a class="button secondary" href={back}>
            Back
          </a>
          <button type="submit" class="danger" disabled={!preview.transferable}>
            Transfer {moving.length} environment{moving.length === 1 ? "" : "s"}{" "}
            {preview.destination.project ? `into ${into}` : `and create ${into}`}
          </button>
        </div>
      </form>
    </Card>
  );
}

export async function reviewPage(c: Context<AppEnv>, team: TeamRow, w: Wizard, preview: Preview, state?: FormState) {
  const data = await loadReview(c, team, w, preview);
  return render(
    c,
    { team, section: "new-project" },
    "Review the transfer",
    <>
      <h1>Review the transfer</h1>
      <p>
        Moving {data.moving.length} environment{data.moving.length === 1 ? "" : "s"} out of{" "}
        <strong>{preview.source_project.name}</strong> into {data.intoText}.
      </p>
      <FormError form="transfer" state={state} />
      {preview.blockers.length > 0 && <Blockers data={data} />}
      <WhatMoves data={data} />
      <Acknowledge data={data} state={state} />
    </>,
    state?.status ?? 200,
  );
}
