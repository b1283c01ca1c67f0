import type { FC } from "hono/jsx";
import { createRouter } from "../../lib/router";
import { recentDeliveries } from "../../services/environment-summary";
import { listWebhookEndpoints } from "../../services/webhook-endpoints";
import { Card, Id, Pager, when } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf } from "./frame";

type Delivery = Awaited<ReturnType<typeof recentDeliveries>>[number];

const Deliveries: FC<{ deliveries: Delivery[] }> = ({ deliveries }) =>
  deliveries.length === 0 ? (
    <p class="muted">None yet.</p>
  ) : (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr data-delivery={d.id}>
              <td>
                <code>{d.event_id}</code>
              </td>
              <td>{d.state}</td>
              <td>
                {d.attempts.length === 0
                  ? "not attempted yet"
                  : d.attempts
                      .map(
                        (a) =>
                          `#${a.attempt} ${a.status_code ?? a.error ?? "no answer"} (${a.duration_ms} ms, ${when(a.created_at)})`,
                      )
                      .join("; ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

/** Webhook endpoints, read-only (managed through the environment API), each with its latest deliveries. */
export const webhooksTab = createRouter().get(`${E}/webhooks`, async (c) => {
  const env = c.var.environment;
  const endpoints = await listWebhookEndpoints(c.var.store, env.id, { limit: 10, order: "desc", ...pageOf(c) });
  const deliveries = await Promise.all(endpoints.data.map((w) => recentDeliveries(c.var.store, env.id, w.id, 5)));
  return environmentFrame(
    c,
    "webhooks",
    <Card title="Webhook endpoints" id="webhooks">
      <p class="muted">Read-only here; manage them through the environment API. Each shows its latest deliveries.</p>
      {endpoints.data.length === 0 ? (
        <p class="muted">No webhook endpoint.</p>
      ) : (
        <ul class="plain">
          {endpoints.data.map((w, i) => (
            <li data-endpoint={w.id} data-row>
              <strong style="overflow-wrap:anywhere">{w.endpoint_url}</strong>{" "}
              <span class={`badge ${w.status === "enabled" ? "ok" : ""}`}>{w.status}</span>
              <br />
              <span class="muted">{w.events.join(", ")}</span>
              <br />
              <Id value={w.id} />
              <h3>Recent deliveries</h3>
              <Deliveries deliveries={deliveries[i]} />
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${environmentUrl(c.var.team, env)}/webhooks`} meta={endpoints.list_metadata} />
    </Card>,
  );
});
