import { createRouter } from "../../lib/router";
import { listOrganizations } from "../../services/organizations";
import { Card, Id, Pager, when } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf } from "./frame";

/** Organizations, read-only: they are added and removed on the directory page (./directory.tsx). */
export const organizationsTab = createRouter().get(`${E}/organizations`, async (c) => {
  const base = environmentUrl(c.var.team, c.var.environment);
  const orgs = await listOrganizations(c.var.store, c.var.environment.id, { limit: 25, order: "desc", ...pageOf(c) });
  return environmentFrame(
    c,
    "organizations",
    <Card title="Organizations" id="organizations">
      <p class="muted">
        Read-only here: add or remove them on the <a href={`${base}/directory`}>users and organizations directory</a>, or through
        the environment API.
      </p>
      {orgs.data.length === 0 ? (
        <p class="muted">No organization.</p>
      ) : (
        <ul class="plain">
          {orgs.data.map((o) => (
            <li data-organization={o.id} data-row>
              <strong>{o.name}</strong>{" "}
              {o.domains.map((d) => (
                <span class="badge" data-row>
                  {d.domain}
                </span>
              ))}
              <br />
              <Id value={o.id} /> <span class="muted">created {when(o.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${base}/organizations`} meta={orgs.list_metadata} />
    </Card>,
  );
});
