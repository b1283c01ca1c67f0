import { createRouter } from "../../lib/router";
import { listEvents } from "../../services/environment-events";
import { Card, Id, Pager, when } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf } from "./frame";

/** The environment's events of the last 30 days, newest first. */
export const eventsTab = createRouter().get(`${E}/events`, async (c) => {
  const events = await listEvents(c.var.store, c.var.environment.id, { limit: 25, order: "desc", ...pageOf(c) });
  return environmentFrame(
    c,
    "events",
    <Card title="Events" id="events">
      <p class="muted">The last 30 days, newest first.</p>
      {events.data.length === 0 ? (
        <p class="muted">No event.</p>
      ) : (
        <ul class="plain">
          {events.data.map((e) => (
            <li data-event={e.id} data-row>
              <code>{e.event}</code> <span class="muted">{when(e.created_at)}</span> <Id value={e.id} />
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${environmentUrl(c.var.team, c.var.environment)}/events`} meta={events.list_metadata} />
    </Card>,
  );
});
