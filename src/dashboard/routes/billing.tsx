import type { Context } from "hono";
import * as teams from "../../commands/teams";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamScope } from "../../middleware/command-scope";
import { Billing } from "../../schemas/teams";
import { getBilling } from "../../services/teams";
import { attempt, check, done, text } from "../forms";
import { BILLING_LABELS, billingPage } from "../pages/billing";
import { teamUrl } from "../shell";

/**
 * The billing forms (the whole of it, the email alone, the card alone): the API's one schema and command, with
 * what the form leaves out (`keep`) taken from the billing as it is.
 */
function saveBilling(c: Context<AppEnv>, form: string, keep: "nothing" | "card" | "email", message: string) {
  return attempt(
    c,
    form,
    BILLING_LABELS,
    async (f) => {
      const current = keep === "nothing" ? undefined : await getBilling(c.var.db, c.var.team);
      const input = check(Billing, {
        billing_email: keep === "email" && current ? current.billingEmail : text(f, "billing_email"),
        payment_method: keep === "card" && current ? current.paymentMethod : text(f, "payment_method"),
      });
      await teams.putBilling(teamScope(c), input);
      return done(c, `${teamUrl(c.var.team)}/billing`, { message });
    },
    (s) => billingPage(c, s),
  );
}

const B = "/teams/:team_id/billing";

export const billingRoutes = createRouter()
  .get(B, (c) => billingPage(c))
  .post(B, (c) => saveBilling(c, "billing", "nothing", "Billing saved: production is active."))
  .post(`${B}/email`, (c) => saveBilling(c, "billing-email", "card", "Billing email saved."))
  .post(`${B}/card`, (c) => saveBilling(c, "billing-card", "email", "Card replaced."));
