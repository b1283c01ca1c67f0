import { hc } from "hono/client";
import { describe, expect, it } from "vitest";
import type { AppType } from "../../src/index";
import { addEnvironments, newTeam, session, worker } from "./helpers";

/**
 * The typed client (hono/client over the app's exported type) compiles against the real routes: a change of a
 * path, a parameter or a body shape fails this file in `npm test` (the "types" project of vitest.config.ts
 * type-checks it) and `npm run typecheck`. It also runs, against the Worker's fetch.
 */
describe("typed client (hc<AppType>)", () => {
  it("creates a project by transfer", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const [extra] = await addEnvironments(s, team.id, project.id, 1);
    const client = hc<AppType>("http://control-plane.test", {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => worker(new Request(input, init)),
      headers: { Authorization: `Bearer ${s.token}` },
    });

    const res = await client.platform.teams[":team_id"].projects.$post({
      param: { team_id: team.id },
      json: { name: "Mobile", transfer: { source_project_id: project.id, environment_ids: [extra.id], acknowledge: true } },
    });
    expect(res.status).toBe(201);
    if (res.status !== 201) return;
    const created = await res.json();
    expect(created.name).toBe("Mobile");
    expect(created.id).not.toBe(project.id);
    const moved = await client.platform.teams[":team_id"].environments[":environment_id"].$get({
      param: { team_id: team.id, environment_id: extra.id },
    });
    expect(((await moved.json()) as { project_id: string }).project_id).toBe(created.id);
    expect(environments.length).toBe(2);

    type CreateBody = Parameters<(typeof client.platform.teams)[":team_id"]["projects"]["$post"]>[0]["json"];
    // @ts-expect-error a body without the required `name` does not compile
    const missingName: CreateBody = { production: true };
    expect(missingName).toBeDefined();
  });
});
