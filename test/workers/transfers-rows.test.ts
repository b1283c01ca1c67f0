import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coordinatorOf } from "../../src/coordinator/client";
import type { ProjectCoordinator } from "../../src/coordinator/project-coordinator";
import { sha256Hex } from "../../src/lib/crypto";
import { addEnvironments, CLIENT, envApi, mintKey, newTeam, type Session, session } from "./helpers";

/**
 * Issue 9: a transfer of k environments writes at most 10 + 3k rows whatever they hold, its Idempotency-Key
 * record included. Counted in full: the Worker's own queries (X-D1-Rows-Written: the idempotency record)
 * plus the coordinator's (metered inside the operation and kept in its op log with DB_METRICS=1).
 *
 * npx vitest run --project workers test/workers/transfers-rows.test.ts
 */

/** Rows written by one transfer request: the Worker's, plus the coordinator's from the source's op log. */
async function rowsWritten(s: Session, path: string, body: unknown, sourceProjectId: string, key: string) {
  const r = await s.post(path, body, { "Idempotency-Key": key });
  expect(r.status).toBe(201);
  const worker = Number(r.headers.get("X-D1-Rows-Written"));
  const opId = `idempotency:${CLIENT.id}:${await sha256Hex(key)}`;
  const stub = coordinatorOf(env, sourceProjectId);
  const logged = await runInDurableObject(stub, (_: ProjectCoordinator, state) =>
    state.storage.get<{ outcome: { metrics: { rowsWritten: number } } }>(`op:${opId}`),
  );
  return { worker, coordinator: logged!.outcome.metrics.rowsWritten, total: worker + logged!.outcome.metrics.rowsWritten };
}

/** A source with k + 1 environments, each holding users, organizations, keys (what they hold must not count). */
async function loadedSource(s: Session, k: number) {
  const { team, project, environments } = await newTeam(s);
  const extra = await addEnvironments(s, team.id, project.id, k - 1);
  const envs = [environments[0], ...extra];
  for (const e of envs) {
    const api = envApi(await mintKey(s, team.id, e.id));
    for (let i = 0; i < 3; i++) await api.post("/organizations", { name: `Org ${i}` });
  }
  return { team, project, ids: envs.map((e) => e.id as string) };
}

describe("rows written by a transfer", { timeout: 120_000 }, () => {
  const figures: string[] = [];

  for (const k of [1, 2, 5]) {
    it(`into a new project, k = ${k}: ≤ 10 + 3k`, async () => {
      const s = await session();
      const { team, project, ids } = await loadedSource(s, k);
      const rows = await rowsWritten(
        s,
        `/teams/${team.id}/projects`,
        { name: "Moved", transfer: { source_project_id: project.id, environment_ids: ids, acknowledge: true } },
        project.id,
        `rows-new-${k}`,
      );
      figures.push(
        `new project, k=${k}: ${rows.total} rows (worker ${rows.worker} + coordinator ${rows.coordinator}); bound ${10 + 3 * k}`,
      );
      expect(rows.total).toBeLessThanOrEqual(10 + 3 * k);
    });

    it(`into an existing project, k = ${k}: ≤ 10 + 3k`, async () => {
      const s = await session();
      const { team, project, ids } = await loadedSource(s, k);
      const b = await s.post(`/teams/${team.id}/projects`, { name: "B", production: false });
      const body = { source_project_id: project.id, destination_project_id: b.body.id, environment_ids: ids, acknowledge: true };
      const rows = await rowsWritten(s, `/teams/${team.id}/transfers`, body, project.id, `rows-existing-${k}`);
      figures.push(
        `existing project, k=${k}: ${rows.total} rows (worker ${rows.worker} + coordinator ${rows.coordinator}); bound ${10 + 3 * k}`,
      );
      expect(rows.total).toBeLessThanOrEqual(10 + 3 * k);
    });
  }

  /**
   * With configuration copied, measured per statement: a copied item (flag, schema version, email domain)
   * is one row plus its three index entries, 4 rows; a flag state or target of a moved environment
   * re-pointed at the destination's flag is 4, in the environment's store (a copy onto the destination's flag and
   * the source's deleted: the row and its key each; here the store is D1). Into an existing project:
   * 7 + 2k + 4c + 4s rows (s: state and target rows of the moved environments); into a new one, 4 more.
   */
  it("with configuration copied: 7 + 2k + 4c + 4s into an existing project", async () => {
    const s = await session();
    const { team, project, ids } = await loadedSource(s, 2);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B", production: false });
    for (const slug of ["a", "b", "c"])
      await s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug, name: slug });
    const api = envApi(await mintKey(s, team.id, ids[0]));
    await api.post("/audit_logs/actions/user.signed_in/schemas", { targets: [{ type: "user" }] });
    await s.post(`/teams/${team.id}/projects/${project.id}/email_domains`, { domain: "mail.rows.test" });
    await api.put("/feature-flags/a/enable");
    const body = {
      source_project_id: project.id,
      destination_project_id: b.body.id,
      environment_ids: ids,
      acknowledge: true,
      configuration: "copy",
    };
    const rows = await rowsWritten(s, `/teams/${team.id}/transfers`, body, project.id, "rows-copy");
    // c = 3 flags + 1 schema version + 1 domain = 5 items; 1 flag state of a moved environment.
    figures.push(
      `existing project with copy, k=2, c=5, 1 state: ${rows.total} rows (worker ${rows.worker} + coordinator ${rows.coordinator})`,
    );
    console.log(figures.join("\n"));
    expect(rows.total).toBeLessThanOrEqual(7 + 2 * 2 + 4 * 5 + 4 * 1);
  });
});
