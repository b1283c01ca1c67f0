import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { getBilling } from "../../services/teams";
import { pricingOf, teamUsage, teamUsageTotal } from "../../services/usage";
import type { FormState } from "../forms";
import { Card, Field, FormError } from "../layout";
import { render, teamUrl } from "../shell";

export const BILLING_LABELS = { billing_email: "Billing email", payment_method: "Card number" };

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Projects per page of the usage table (each with all its environments), as GET /platform/teams/:id/usage?limit= pages it. */
const USAGE_PROJECTS = 5;

/** What the billing page shows: the team's billing information, and a month's usage for a page of projects. */
async function loadBilling(c: Context<AppEnv>) {
  const team = c.var.team;
  const asked = c.req.query("period") ?? "";
  const period = PERIOD.test(asked) ? asked : new Date().toISOString().slice(0, 7);
  const after = c.req.query("after") || undefined;
  const pricing = pricingOf(c.env);
  const [billing, usage, total] = await Promise.all([
    getBilling(c.var.db, team).catch(() => undefined),
    teamUsage(c.var.db, pricing, team, period, { limit: USAGE_PROJECTS, after }),
    teamUsageTotal(c.var.db, pricing, team, period),
  ]);
  return {
    team,
    period,
    after,
    billing,
    usage,
    total,
    paged: !!(after || usage.list_metadata.after),
    projects: usage.lines.filter((l) => l.type === "project"),
    environments: usage.lines.filter((l) => l.type === "environment"),
    base: `${teamUrl(team)}/billing`,
  };
}

type Billing = Awaited<ReturnType<typeof loadBilling>>;

/** Billing information (email and card, each editable alone) and a month's usage grouped by project, a page at a time. */
export async function billingPage(c: Context<AppEnv>, state?: FormState) {
  const data = await loadBilling(c);
  return render(
    c,
    { team: data.team, section: "billing" },
    "Billing & usage",
    <>
      <h1>Billing &amp; usage</h1>
      <BillingInformation data={data} state={state} />
      <Usage data={data} />
    </>,
    state?.status ?? 200,
  );
}

/** The billing information: its two forms once it exists, one form to add it before. */
function BillingInformation({ data, state }: { data: Billing; state?: FormState }) {
  const { team, billing, base } = data;
  return (
    <Card title="Billing information" id="billing-info">
      <p>
        Production: <strong id="production-state">{team.productionEnabledAt ? "Active" : "Inactive"}</strong>
        {!team.productionEnabledAt && <span class="muted"> — add a card to unlock production environments.</span>}
      </p>
      {billing ? (
        <div class="grid2">
          <form method="post" action={`${base}/email`} aria-labelledby="billing-email-title">
            <h3 id="billing-email-title">Billing email</h3>
            <FormError form="billing-email" state={state} />
            <Field
              form="billing-email"
              name="billing_email"
              label="Billing email"
              type="email"
              value={billing.billingEmail}
              state={state}
              required
              autocomplete="email"
            />
            <div class="row">
              <button type="submit">Save email</button>
            </div>
          </form>
          <form method="post" action={`${base}/card`} aria-labelledby="billing-card-title">
            <h3 id="billing-card-title">Card</h3>
            <p>
              Current: <span id="payment-method">{billing.paymentMethod}</span>
            </p>
            <FormError form="billing-card" state={state} />
            <Field
              form="billing-card"
              name="payment_method"
              label="New card number"
              state={state}
              required
              inputmode="numeric"
              autocomplete="cc-number"
              placeholder="4242 4242 4242 4242"
              maxlength={100}
            />
            <div class="row">
              <button type="submit">Replace card</button>
            </div>
          </form>
        </div>
      ) : (
        <form method="post" action={base}>
          <FormError form="billing" state={state} />
          <Field
            form="billing"
            name="billing_email"
            label="Billing email"
            type="email"
            state={state}
            required
            autocomplete="email"
          />
          <Field
            form="billing"
            name="payment_method"
            label="Card number"
            state={state}
            required
            inputmode="numeric"
            autocomplete="cc-number"
            placeholder="4242 4242 4242 4242"
            maxlength={100}
            hint="Only its last four digits are kept."
          />
          <div class="row">
            <button type="submit">Add billing and unlock production</button>
          </div>
        </form>
      )}
    </Card>
  );
}

/** A month's usage: a page of projects, each with its environments' lines. */
function Usage({ data }: { data: Billing }) {
  const { usage, total, paged, period, base, after, projects, environments: envLines } = data;
  return (
    <Card title={`Usage for ${period}`} id="usage">
      <form method="get" action={base} class="row" style="margin-top:0">
        <label for="period" style="margin:0">
          Month
        </label>
        <input type="month" id="period" name="period" value={period} style="max-width:12rem" />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      <div class="scroll">
        <table>
          <caption class="muted" style="text-align:left">
            Projects are free; only production environments are billed, by usage.
          </caption>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col" class="num">
                Users
              </th>
              <th scope="col" class="num">
                SSO
              </th>
              <th scope="col" class="num">
                Audit events
              </th>
              <th scope="col" class="num">
                Amount
              </th>
            </tr>
          </thead>
          {projects.map((p) => {
            const lines = envLines.filter((l) => l.project_id === p.project_id);
            return (
              <tbody data-usage-project={p.project_id}>
                <tr>
                  <th scope="rowgroup" colspan={4}>
                    Project {p.name}
                  </th>
                  <td class="num">
                    {money(
                      lines.reduce((s, l) => s + l.amount_cents, 0),
                      usage.currency,
                    )}
                  </td>
                </tr>
                {lines.map((l) =>
                  l.type === "environment" ? (
                    <tr>
                      <td>
                        {l.name} <span class="muted">{l.production ? "production" : "staging"}</span>
                      </td>
                      <td class="num">{l.quantities.users}</td>
                      <td class="num">{l.quantities.sso_connections}</td>
                      <td class="num">{l.quantities.audit_log_events}</td>
                      <td class="num">{money(l.amount_cents, usage.currency)}</td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            );
          })}
          <tfoot>
            {paged && (
              <tr>
                <th scope="row" colspan={4}>
                  Total of these projects
                </th>
                <td class="num" id="usage-total">
                  {money(usage.total_cents, usage.currency)}
                </td>
              </tr>
            )}
            <tr>
              <th scope="row" colspan={4}>
                {paged ? "Total of the team" : "Total"}{" "}
                <span class="muted" id="team-quantities">
                  (production: {total.quantities.users} users, {total.quantities.sso_connections} SSO connections,{" "}
                  {total.quantities.audit_log_events} audit events)
                </span>
              </th>
              <td class="num">
                <strong id="team-total">{money(total.amount_cents, total.currency)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      {paged && (
        <nav class="pager" aria-label="Pages of projects">
          {after && <a href={`${base}?period=${period}#usage`}>← First projects</a>}
          {usage.list_metadata.after && (
            <a href={`${base}?period=${period}&after=${usage.list_metadata.after}#usage`}>Next projects →</a>
          )}
        </nav>
      )}
    </Card>
  );
}
