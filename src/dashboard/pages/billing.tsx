import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { teamBilling } from "../../db/schema";
import { eq } from "drizzle-orm";
import { listTransfers } from "../../services/transfers";
import { type TeamRow } from "../../services/teams";
import { pricingOf, teamUsage } from "../../services/usage";
import { Card, Crumbs, ErrorBox } from "../layout";

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

/** Billing information and this month's usage: per environment, projects at zero. */
export async function billingPage(c: Context<AppEnv>, team: TeamRow, error?: string) {
  const period = c.req.query("period")?.match(/^\d{4}-(0[1-9]|1[0-2])$/) ? c.req.query("period")! : new Date().toISOString().slice(0, 7);
  const [billing, usage] = await Promise.all([
    c.var.db.select().from(teamBilling).where(eq(teamBilling.teamId, team.id)).get(),
    teamUsage(c.var.db, pricingOf(c.env), team, period),
  ]);
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>Billing and usage</h1>
      <ErrorBox message={error} />
      <Card title="Billing information">
        <p>
          Production: <strong id="production-state">{team.productionEnabledAt ? "Active" : "Inactive"}</strong>
          {billing && (
            <span class="muted">
              {" "}
              · {billing.billingEmail} · {billing.paymentMethod}
            </span>
          )}
        </p>
        <form method="post" action={`/dashboard/teams/${team.id}/billing`}>
          <label>
            Billing email <input type="email" name="billing_email" required value={billing?.billingEmail ?? ""} />
          </label>
          <label>
            Payment method <input type="text" name="payment_method" required minlength={4} maxlength={100} placeholder="card number or payment method id" />
          </label>
          <button type="submit">{billing ? "Update billing" : "Add billing and unlock production"}</button>
        </form>
      </Card>
      <Card title={`Usage for ${period}`}>
        <table>
          <thead>
            <tr>
              <th>Line</th>
              <th>Users</th>
              <th>SSO connections</th>
              <th>Audit log events</th>
              <th>Amount</th>
            </tr>
          </thead>
          <tbody>
            {usage.lines.map((l) => (
              <tr>
                <td>{l.type === "project" ? `Project ${l.name}` : `${l.name}${l.production ? " (production)" : ""}`}</td>
                <td>{l.type === "environment" ? l.quantities.users : ""}</td>
                <td>{l.type === "environment" ? l.quantities.sso_connections : ""}</td>
                <td>{l.type === "environment" ? l.quantities.audit_log_events : ""}</td>
                <td>{money(l.amount_cents, usage.currency)}</td>
              </tr>
            ))}
            <tr>
              <th>Total</th>
              <td />
              <td />
              <td />
              <th id="usage-total">{money(usage.total_cents, usage.currency)}</th>
            </tr>
          </tbody>
        </table>
        <p class="muted">Projects are free; only production environments are billed, by usage.</p>
      </Card>
    </>,
    { title: "Billing and usage", signedIn: true },
  );
}

/** The record of every transfer. */
export async function transfersPage(c: Context<AppEnv>, team: TeamRow) {
  const transfers = await listTransfers(c.var.db, team, { limit: 100, order: "desc" });
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>Transfers</h1>
      <Card>
        {transfers.data.length === 0 ? (
          <p class="muted">No transfer yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>From</th>
                <th>To</th>
                <th>Environments</th>
                <th>By</th>
              </tr>
            </thead>
            <tbody>
              {transfers.data.map((t) => (
                <tr>
                  <td>{t.created_at.replace("T", " ").slice(0, 19)}</td>
                  <td>{t.source_project_name}</td>
                  <td>
                    <code>{t.destination_project_id}</code>
                  </td>
                  <td>{t.environment_ids.length}</td>
                  <td>{t.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>,
    { title: "Transfers", signedIn: true },
  );
}
