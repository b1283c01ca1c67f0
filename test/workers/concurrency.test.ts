import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { newId } from "../../src/lib/ids";
import { applyTransfer } from "../../src/services/transfers";
import { addEnvironments, newTeam, session, sql } from "./helpers";
import type { Project } from "./types";

/**
 * The transfer rules under concurrency: many requests fired at once through the Worker, then the
 * invariants checked in the database itself.
 */

const transferBody = (source: string, ids: string[], name = "Moved") => ({
  name,
  transfer: { source_project_id: source, environment_ids: ids, acknowledge: true },
});

/** Invariants 1 and 2, read from the database for one team. */
async function expectTeamInvariants(teamId: string) {
  const empty = await sql(
    "SELECT p.id FROM projects p WHERE p.team_id = ? AND NOT EXISTS (SELECT 1 FROM environments e WHERE e.project_id = p.id)",
    teamId,
  );
  expect(empty).toEqual([]);
  const foreign = await sql(
    "SELECT e.id FROM environments e LEFT JOIN projects p ON p.id = e.project_id WHERE e.team_id = ? AND (p.id IS NULL OR p.team_id <> e.team_id)",
    teamId,
  );
  expect(foreign).toEqual([]);
  const orphans = await sql(
    "SELECT a.id FROM applications a LEFT JOIN environments e ON e.id = a.environment_id WHERE e.id IS NULL",
  );
  expect(orphans).toEqual([]);
}

describe("transfers under concurrency", () => {
  it("50 simultaneous transfers of single environments out of a 5-environment source: 4 succeed, the source keeps 1", {
    timeout: 30_000,
  }, async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = await addEnvironments(s, team.id, project.id, 3);
    const ids = [...environments, ...extra].map((e) => e.id);
    expect(ids).toHaveLength(5);

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.post(`/teams/${team.id}/projects`, transferBody(project.id, [ids[i % 5]], `Moved ${i}`)),
      ),
    );
    const byStatus = answers.reduce<Record<string, number>>((acc, a) => {
      const key = `${a.status} ${a.body.code ?? ""}`.trim();
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
    expect(answers.filter((a) => a.status === 201)).toHaveLength(4);
    // The others are refused with the rule they hit: the source must keep one, or the environment already left it.
    for (const a of answers.filter((a) => a.status !== 201))
      expect([
        [409, "source_project_must_keep_environment"],
        [422, "environments_from_multiple_projects"],
      ]).toContainEqual([a.status, a.body.code]);
    expect(byStatus["409 source_project_must_keep_environment"]).toBeGreaterThanOrEqual(9);

    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toEqual([{ n: 1 }]);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE team_id = ?", team.id)).toEqual([{ n: 5 }]);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 4 }]);
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual([{ n: 5 }]);
    await expectTeamInvariants(team.id);
  });

  it("two (and ten) transfers asking for the same environment: exactly one moves it", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    await addEnvironments(s, team.id, project.id, 1);
    const target = environments[0].id;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.post(`/teams/${team.id}/projects`, transferBody(project.id, [target], `Copy ${i}`))),
    );
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    expect(
      answers
        .filter((a) => a.status !== 201)
        .every((a) => a.status === 422 && a.body.code === "environments_from_multiple_projects"),
    ).toBe(true);
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", target)).toEqual([{ project_id: won[0].body.id }]);
    expect(await sql("SELECT count(*) AS n FROM applications WHERE environment_id = ?", target)).toEqual([{ n: 1 }]);
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual([{ n: 2 }]);
    await expectTeamInvariants(team.id);
  });

  it("transfers racing deletes of the same source's environments lose, duplicate or orphan nothing", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = await addEnvironments(s, team.id, project.id, 4);
    const all = [...environments, ...extra].map((e) => e.id); // 6 environments
    // One key each; the locked production environment (no billing) refuses one.
    const keys = new Map<string, number>();
    for (const id of all) {
      const minted = await s.post(`/teams/${team.id}/environments/${id}/api_keys`, { name: `key ${id}` });
      const locked = environments.some((e) => e.id === id && e.production);
      expect(minted.status, id).toBe(locked ? 422 : 201);
      keys.set(id, locked ? 0 : 1);
    }

    // Every environment is both deleted and transferred, all at once, in an interleaved order.
    const requests = all.flatMap((id, i) => [
      () => s.del(`/teams/${team.id}/environments/${id}`).then((a) => ({ kind: "delete", id, a })),
      () =>
        s.post(`/teams/${team.id}/projects`, transferBody(project.id, [id], `T${i}`)).then((a) => ({ kind: "transfer", id, a })),
    ]);
    const results = await Promise.all(requests.map((r) => r()));
    for (const r of results) expect(r.a.status).toBeLessThan(500);

    const deleted = new Set(results.filter((r) => r.kind === "delete" && r.a.status === 204).map((r) => r.id));
    const moved = results.filter((r) => r.kind === "transfer" && r.a.status === 201);
    const rows = await sql<{ id: string; project_id: string }>(
      "SELECT id, project_id FROM environments WHERE team_id = ?",
      team.id,
    );
    // Nothing lost: every environment not deleted is still there, once.
    expect(rows.map((r) => r.id).sort()).toEqual(all.filter((id) => !deleted.has(id)).sort());
    // A transferred environment sits in its new project with its key; a deleted one took its key with it.
    for (const m of moved) {
      expect(rows.find((r) => r.id === m.id)?.project_id).toBe(m.a.body.id);
      expect(await sql("SELECT count(*) AS n FROM api_keys WHERE environment_id = ?", m.id)).toEqual([{ n: keys.get(m.id) }]);
    }
    for (const id of deleted)
      expect(await sql("SELECT count(*) AS n FROM api_keys WHERE environment_id = ?", id)).toEqual([{ n: 0 }]);
    expect(rows.filter((r) => r.project_id === project.id).length).toBeGreaterThanOrEqual(1);
    await expectTeamInvariants(team.id);
  });

  it("a transfer racing the deletion of its source project: one or the other, never both half-done", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    await s.post(`/teams/${team.id}/projects`, { name: "Keeps the team non-empty" });
    const [t, d] = await Promise.all([
      s.post(`/teams/${team.id}/projects`, transferBody(project.id, [environments[0].id])),
      s.del(`/teams/${team.id}/projects/${project.id}`),
    ]);
    expect(d.status).toBe(204);
    if (t.status === 201) {
      // The transfer went first: its environment survived the deletion, in the new project.
      expect(await sql("SELECT project_id FROM environments WHERE id = ?", environments[0].id)).toEqual([
        { project_id: t.body.id },
      ]);
    } else {
      expect(t.status).toBe(404);
      expect(await sql("SELECT id FROM environments WHERE id = ?", environments[0].id)).toEqual([]);
    }
    await expectTeamInvariants(team.id);
  });

  it("creating environments in a project while it is deleted: created then deleted, or refused with 404", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "Doomed", production: false });
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => s.post(`/teams/${team.id}/environments`, { name: `E${i}`, project_id: b.body.id })),
      s.del(`/teams/${team.id}/projects/${b.body.id}`),
      ...Array.from({ length: 5 }, (_, i) => s.post(`/teams/${team.id}/environments`, { name: `F${i}`, project_id: b.body.id })),
    ]);
    for (const a of answers) expect([201, 204, 404]).toContain(a.status);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", b.body.id)).toEqual([{ n: 0 }]);
    await expectTeamInvariants(team.id);
  });

  it("concurrent deletes of one project's environments leave it one", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = await addEnvironments(s, team.id, project.id, 6);
    const ids = [...environments, ...extra].map((e) => e.id);
    const answers = await Promise.all(ids.map((id) => s.del(`/teams/${team.id}/environments/${id}`)));
    expect(answers.filter((a) => a.status === 204)).toHaveLength(ids.length - 1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(["project_must_keep_environment"]);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toEqual([{ n: 1 }]);
  });

  it("concurrent deletes of a team's projects leave it one", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    for (let i = 0; i < 4; i++) await s.post(`/teams/${team.id}/projects`, { name: `P${i}`, production: false });
    const projects = (await s.get(`/teams/${team.id}/projects`)).body.data;
    const answers = await Promise.all(projects.map((p: Project) => s.del(`/teams/${team.id}/projects/${p.id}`)));
    expect(answers.filter((a) => a.status === 204)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(["team_must_keep_project"]);
    await expectTeamInvariants(team.id);
  });
});

describe("the database refuses what slips around the coordinator", () => {
  it("the guarded batch: transfers run concurrently without the coordinator cannot empty the source", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = await addEnvironments(s, team.id, project.id, 2);
    const ids = [...environments, ...extra].map((e) => e.id); // 4
    const db = openDatabase(env);
    const outcomes = await Promise.allSettled(
      ids.map((id) =>
        applyTransfer(
          db,
          {
            teamId: team.id,
            actor: "test",
            sourceProjectId: project.id,
            environmentIds: [id],
            transferId: newId("transfer"),
            destination: { kind: "new", id: newId("project"), name: "Around" },
          },
          () => db,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled").length).toBeLessThanOrEqual(3);
    expect(
      (await sql<{ n: number }>("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id))[0].n,
    ).toBeGreaterThanOrEqual(1);
    await expectTeamInvariants(team.id);
  });

  it("the guarded batch: two uncoordinated transfers of the same environment cannot both commit", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    await addEnvironments(s, team.id, project.id, 1);
    const db = openDatabase(env);
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map(() =>
        applyTransfer(
          db,
          {
            teamId: team.id,
            actor: "test",
            sourceProjectId: project.id,
            environmentIds: [environments[0].id],
            transferId: newId("transfer"),
            destination: { kind: "new", id: newId("project"), name: "Around" },
          },
          () => db,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
    await expectTeamInvariants(team.id);
  });

  it("triggers refuse moving or deleting a project's last environment, whoever writes", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B", production: false });
    await expect(sql("DELETE FROM environments WHERE project_id = ?", b.body.id)).rejects.toThrow(
      /project_must_keep_environment/,
    );
    await expect(sql("UPDATE environments SET project_id = ? WHERE project_id = ?", b.body.id, project.id)).rejects.toThrow(
      /source_project_must_keep_environment/,
    );
    await expect(sql("DELETE FROM projects WHERE team_id = ? AND id <> ?", team.id, "none")).rejects.toThrow(
      /team_must_keep_project/,
    );
    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toEqual([
      { n: environments.length },
    ]);
  });

  it("a transfer whose batch fails midway changes nothing, and its retry with the same key completes it", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const before = await sql("SELECT id, project_id, updated_at FROM environments WHERE team_id = ? ORDER BY id", team.id);
    const eventsBefore = await sql("SELECT count(*) AS n FROM team_events WHERE team_id = ?", team.id);
    // Make D1 fail on the batch's late statements (the transfer events), after the moves were written.
    await sql(
      "CREATE TRIGGER fail_transfer_events BEFORE INSERT ON team_events WHEN json_extract(NEW.data, '$.transfer_id') IS NOT NULL BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    );
    try {
      const failed = await s.post(`/teams/${team.id}/projects`, transferBody(project.id, [environments[0].id]), {
        "Idempotency-Key": "retry-me",
      });
      expect(failed.status).toBe(500);
      expect(failed.body.code).toBe("internal_error");
      expect(failed.body.message).not.toContain("injected");
    } finally {
      await sql("DROP TRIGGER fail_transfer_events");
    }
    expect(await sql("SELECT id, project_id, updated_at FROM environments WHERE team_id = ? ORDER BY id", team.id)).toEqual(
      before,
    );
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 0 }]);
    expect(await sql("SELECT count(*) AS n FROM team_events WHERE team_id = ?", team.id)).toEqual(eventsBefore);

    const retried = await s.post(`/teams/${team.id}/projects`, transferBody(project.id, [environments[0].id]), {
      "Idempotency-Key": "retry-me",
    });
    expect(retried.status).toBe(201);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
  });
});
