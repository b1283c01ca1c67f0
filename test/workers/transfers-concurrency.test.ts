import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type TransferScope, transferIntoExistingProject } from "../../src/commands/transfers";
import { coordinatorOf } from "../../src/coordinator/client";
import { openDatabase } from "../../src/db/client";
import type { Env } from "../../src/env";
import { ApiError } from "../../src/lib/errors";
import { setEnvFlagEnabled, writeFlagState } from "../../src/services/feature-flags";
import { getTeam } from "../../src/services/teams";
import { addEnvironments, CLIENT, envApi, mintKey, newTeam, type Session, session, sql } from "./helpers";

/**
 * Issue 10: moves into an existing project change two projects; they are serialized against every other
 * write to either (leases on both coordinators, taken in project-id order). Many simultaneous requests per
 * race, then the invariants read from the database.
 *
 * npx vitest run --project workers test/workers/transfers-concurrency.test.ts
 */

const move = (source: string, destination: string, ids: string[], extra: Record<string, unknown> = {}) => ({
  source_project_id: source,
  destination_project_id: destination,
  environment_ids: ids,
  acknowledge: true,
  ...extra,
});

/** Every invariant of a team, from the database. */
async function expectInvariants(teamId: string) {
  // Every project keeps at least one environment.
  expect(
    await sql(
      "SELECT p.id FROM projects p WHERE p.team_id = ? AND NOT EXISTS (SELECT 1 FROM environments e WHERE e.project_id = p.id)",
      teamId,
    ),
  ).toEqual([]);
  // Every environment is in exactly one project, of its own team.
  expect(
    await sql(
      "SELECT e.id FROM environments e LEFT JOIN projects p ON p.id = e.project_id WHERE e.team_id = ? AND (p.id IS NULL OR p.team_id <> e.team_id)",
      teamId,
    ),
  ).toEqual([]);
  // Every committed transfer agrees with where its environments are: for each environment still there, the
  // last transfer that moved it put it where it is.
  const last = await sql<{ id: string; project_id: string; dest: string }>(
    `SELECT e.id, e.project_id, (SELECT t.destination_project_id FROM transfers t, json_each(t.environment_ids) j WHERE t.team_id = e.team_id AND j.value = e.id ORDER BY t.id DESC LIMIT 1) AS dest
     FROM environments e WHERE e.team_id = ?`,
    teamId,
  );
  for (const row of last) if (row.dest !== null) expect(row.project_id).toBe(row.dest);
  // Configuration: no flag state or target of an environment points at another project's flag, no slug twice.
  expect(
    await sql(
      `SELECT s.environment_id FROM feature_flag_states s JOIN environments e ON e.id = s.environment_id JOIN feature_flags f ON f.id = s.flag_id WHERE e.team_id = ? AND f.project_id <> e.project_id
       UNION ALL SELECT t.environment_id FROM feature_flag_targets t JOIN environments e ON e.id = t.environment_id JOIN feature_flags f ON f.id = t.flag_id WHERE e.team_id = ? AND f.project_id <> e.project_id`,
      teamId,
      teamId,
    ),
  ).toEqual([]);
  expect(
    await sql(
      "SELECT f.project_id, f.slug FROM feature_flags f JOIN projects p ON p.id = f.project_id WHERE p.team_id = ? GROUP BY 1, 2 HAVING count(*) > 1",
      teamId,
    ),
  ).toEqual([]);
}

const tally = (answers: { status: number; body: { code?: string } | null }[]) =>
  answers.reduce<Record<string, number>>((acc, a) => {
    const k = `${a.status} ${a.body?.code ?? ""}`.trim();
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

/** `n` projects of one team, each with `k` environments. */
async function projects(s: Session, n: number, k: number) {
  const { team, project, environments } = await newTeam(s);
  const out = [
    {
      id: project.id as string,
      envs: [
        ...environments.map((e) => e.id as string),
        ...(await addEnvironments(s, team.id, project.id, k - 2)).map((e) => e.id as string),
      ],
    },
  ];
  for (let i = 1; i < n; i++) {
    const p = await s.post(`/teams/${team.id}/projects`, { name: `P${i}`, production: false });
    out.push({
      id: p.body.id,
      envs: [p.body.environments[0].id, ...(await addEnvironments(s, team.id, p.body.id, k - 1)).map((e) => e.id as string)],
    });
  }
  return { team, projects: out };
}

describe("moves into existing projects under concurrency", { timeout: 60_000 }, () => {
  it("A→B racing B→A (12 at once): all complete or are refused cleanly within seconds, no deadlock", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b],
    } = await projects(s, 2, 6);
    const started = Date.now();
    const answers = await Promise.all(
      a.envs.flatMap((_, i) => [
        s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [a.envs[i]])),
        s.post(`/teams/${team.id}/transfers`, move(b.id, a.id, [b.envs[i]])),
      ]),
    );
    const elapsed = Date.now() - started;
    const counts = tally(answers);
    console.log(`A→B vs B→A: ${JSON.stringify(counts)} in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(30_000);
    for (const k of Object.keys(counts))
      expect(["201", "409 source_project_must_keep_environment", "422 environments_from_multiple_projects"]).toContain(k);
    expect(counts["201"]).toBeGreaterThanOrEqual(6);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: counts["201"] }]);
    expect(await sql("SELECT count(*) AS n FROM environments WHERE team_id = ?", team.id)).toEqual([{ n: 12 }]);
    await expectInvariants(team.id);
  });

  it("cycles A→B, B→C, C→A (9 at once) all complete or are refused cleanly", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b, c],
    } = await projects(s, 3, 3);
    const pairs = [
      [a, b],
      [b, c],
      [c, a],
    ] as const;
    const started = Date.now();
    const answers = await Promise.all(
      [0, 1, 2].flatMap((i) =>
        pairs.map(([from, to]) => s.post(`/teams/${team.id}/transfers`, move(from.id, to.id, [from.envs[i]]))),
      ),
    );
    const counts = tally(answers);
    console.log(`cycle: ${JSON.stringify(counts)} in ${Date.now() - started} ms`);
    expect(Date.now() - started).toBeLessThan(30_000);
    for (const k of Object.keys(counts)) expect(["201", "409 source_project_must_keep_environment"]).toContain(k);
    expect(counts["201"]).toBeGreaterThanOrEqual(6);
    await expectInvariants(team.id);
  });

  it("moves into B racing the deletion of B: each move is before or after the deletion, never half-done", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b],
    } = await projects(s, 2, 6);
    const answers = await Promise.all([
      ...a.envs.slice(0, 5).map((id) => s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [id]))),
      s.del(`/teams/${team.id}/projects/${b.id}`),
    ]);
    const counts = tally(answers);
    console.log(`into B vs delete B: ${JSON.stringify(counts)}`);
    for (const k of Object.keys(counts)) expect(["201", "204", "404 project_not_found"]).toContain(k);
    expect(counts["204"]).toBe(1);
    expect(await sql("SELECT count(*) AS n FROM projects WHERE id = ?", b.id)).toEqual([{ n: 0 }]);
    // Moves before the deletion went with B; the others were refused and left their environment in A.
    const inA = (await sql<{ n: number }>("SELECT count(*) AS n FROM environments WHERE project_id = ?", a.id))[0].n;
    expect(inA).toBe(6 - (counts["201"] ?? 0));
    await expectInvariants(team.id);
  });

  it("a move copying flag x into B racing x added to B with another definition (10 teams): one or the other, x once", async () => {
    const s = await session();
    const rounds = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const {
          team,
          projects: [a, b],
        } = await projects(s, 2, 3);
        expect((await s.post(`/teams/${team.id}/projects/${a.id}/feature_flags`, { slug: "x", name: "From A" })).status).toBe(
          201,
        );
        return { team, a, b };
      }),
    );
    const answers = await Promise.all(
      rounds.map(async ({ team, a, b }) => {
        const [t, f] = await Promise.all([
          s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [a.envs[0]], { configuration: "copy" })),
          s.post(`/teams/${team.id}/projects/${b.id}/feature_flags`, { slug: "x", name: "From B" }),
        ]);
        return { team, b, t, f };
      }),
    );
    for (const { team, b, t, f } of answers) {
      const outcome = `${t.status} ${t.body.code ?? ""} / ${f.status} ${f.body.code ?? ""}`;
      expect(["201  / 409 feature_flag_slug_taken", "409 configuration_conflict / 201 "]).toContain(outcome);
      const flags = await sql<{ name: string }>("SELECT name FROM feature_flags WHERE project_id = ? AND slug = 'x'", b.id);
      expect(flags).toEqual([{ name: t.status === 201 ? "From A" : "From B" }]);
      await expectInvariants(team.id);
    }
  });

  it("a move into B racing a move out of all of B's own environments: B always keeps one", async () => {
    const s = await session();
    const teams = await Promise.all(Array.from({ length: 8 }, () => projects(s, 2, 2)));
    const answers = await Promise.all(
      teams.map(async ({ team, projects: [a, b] }) => {
        const [into, out] = await Promise.all([
          s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [a.envs[0]])),
          s.post(`/teams/${team.id}/projects`, {
            name: "Out",
            transfer: { source_project_id: b.id, environment_ids: b.envs, acknowledge: true },
          }),
        ]);
        return { team, b, into, out };
      }),
    );
    for (const { team, b, into, out } of answers) {
      expect(into.status).toBe(201);
      // Out of B first: refused (B would be empty). Into B first: allowed, B keeps the newcomer.
      expect([201, 409]).toContain(out.status);
      if (out.status === 409) expect(out.body.code).toBe("source_project_must_keep_environment");
      expect(
        (await sql<{ n: number }>("SELECT count(*) AS n FROM environments WHERE project_id = ?", b.id))[0].n,
      ).toBeGreaterThanOrEqual(1);
      await expectInvariants(team.id);
    }
  });

  it("a flag toggle that read its environment and flag before the move and writes after it lands nowhere stale: 409 environment_moved", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b],
    } = await projects(s, 2, 3);
    await s.post(`/teams/${team.id}/projects/${a.id}/feature_flags`, { slug: "x", name: "X" });
    const db = openDatabase(env);
    // The interleaving made deterministic: the key's request read the environment (in A) and A's flag x...
    const stale = (
      await sql<{ id: string; project_id: string }>("SELECT id, project_id FROM environments WHERE id = ?", a.envs[0])
    )[0];
    const [flagOfA] = await sql<{ id: string }>("SELECT id FROM feature_flags WHERE project_id = ? AND slug = 'x'", a.id);
    // ...the move commits...
    expect((await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [a.envs[0]], { configuration: "copy" }))).status).toBe(
      201,
    );
    // ...then the toggle writes A's flag: refused, instead of a state on A's flag that B's flag would never see.
    const err = await writeFlagState(db, db, stale.id, flagOfA.id, true).catch((e) => e);
    expect(err).toMatchObject({ status: 409, code: "environment_moved" });
    expect(await sql("SELECT count(*) AS n FROM feature_flag_states WHERE environment_id = ?", a.envs[0])).toEqual([{ n: 0 }]);
    // A toggle that starts from the stale environment row reads the flag of its project as it is now (B).
    expect((await setEnvFlagEnabled(db, db, { id: stale.id, projectId: stale.project_id }, "x", true)).enabled).toBe(true);
    expect(
      await sql(
        "SELECT f.project_id FROM feature_flag_states s JOIN feature_flags f ON f.id = s.flag_id WHERE s.environment_id = ?",
        a.envs[0],
      ),
    ).toEqual([{ project_id: b.id }]);
    await expectInvariants(team.id);
    // Retried (the key now resolves to B), it lands on B's flag.
    const api = envApi(await mintKey(s, team.id, a.envs[0]));
    expect((await api.put("/feature-flags/x/enable")).body.enabled).toBe(true);
    await expectInvariants(team.id);
  });
});

/** The Worker's env, with a coordinator namespace whose stubs the test can break per project. */
function faulty(breakIt: (projectId: string, method: string) => boolean): Env {
  const ns = env.PROJECT_COORDINATOR;
  const names = new Map<string, string>();
  const wrapped = {
    idFromName(name: string) {
      const id = ns.idFromName(name);
      names.set(id.toString(), name);
      return id;
    },
    get(id: DurableObjectId) {
      const stub = ns.get(id);
      const project = names.get(id.toString()) ?? "";
      return new Proxy(stub, {
        get(target, prop) {
          const value = Reflect.get(target, prop);
          if (typeof prop !== "string" || typeof value !== "function") return value;
          return (...args: unknown[]) => {
            if (breakIt(project, prop)) throw new Error(`injected failure: ${prop} on ${project}`);
            return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[prop](...args);
          };
        },
      });
    },
  };
  return { ...env, PROJECT_COORDINATOR: wrapped as unknown as Env["PROJECT_COORDINATOR"] } as Env;
}

async function scopeFor(teamId: string, e: Env, lease?: TransferScope["lease"]): Promise<TransferScope> {
  const db = openDatabase(env);
  return { env: e, db, caller: { clientId: CLIENT.id }, team: await getTeam(db, { clientId: CLIENT.id }, teamId), lease };
}

const stubOf = (projectId: string) => coordinatorOf(env, projectId);

describe("failures between the two projects' steps leave nothing half-done", { timeout: 60_000 }, () => {
  it("the second lease fails: nothing moves, and the first project is free again at once", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b],
    } = await projects(s, 2, 3);
    const [first, second] = [a.id, b.id].sort();
    const before = await sql("SELECT id, project_id, updated_at FROM environments WHERE team_id = ? ORDER BY id", team.id);
    const err = await transferIntoExistingProject(
      await scopeFor(
        team.id,
        faulty((p, m) => p === second && m === "acquire"),
      ),
      move(a.id, b.id, [a.envs[0]]),
    ).catch((e) => e);
    expect(String(err)).toContain("injected failure");
    expect(await sql("SELECT id, project_id, updated_at FROM environments WHERE team_id = ? ORDER BY id", team.id)).toEqual(
      before,
    );
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 0 }]);
    // The first lease was released on the way out: a write to that project runs now, not after the lease's TTL.
    const t0 = Date.now();
    expect((await s.post(`/teams/${team.id}/environments`, { name: "Now", project_id: first })).status).toBe(201);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await expectInvariants(team.id);
  });

  it("a caller that dies holding a lease: others get 503 project_busy (nothing changed) until it expires, then proceed", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b],
    } = await projects(s, 2, 3);
    // A lease taken and never released (its holder died), with a short TTL.
    expect(await stubOf(b.id).acquire("dead-holder", 1_000, 1_500)).toEqual({ ok: true });
    const busy = await transferIntoExistingProject(
      await scopeFor(team.id, env, { waitMs: 300, ttlMs: 5_000 }),
      move(a.id, b.id, [a.envs[0]]),
    ).catch((e) => e);
    expect(busy).toBeInstanceOf(ApiError);
    expect(busy).toMatchObject({ status: 503, code: "project_busy" });
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", a.envs[0])).toEqual([{ project_id: a.id }]);
    // After the TTL the project is free again, by itself.
    const ok = await transferIntoExistingProject(
      await scopeFor(team.id, env, { waitMs: 5_000, ttlMs: 5_000 }),
      move(a.id, b.id, [a.envs[0]]),
    );
    expect(ok.record.destinationKind).toBe("existing");
    await expectInvariants(team.id);
  });

  it("dying after the commit (before releasing): the retry with the same Idempotency-Key resumes the same transfer", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b],
    } = await projects(s, 2, 3);
    const input = move(a.id, b.id, [a.envs[0]], { idempotency_key: "resume-me" });
    const err = await transferIntoExistingProject(
      await scopeFor(
        team.id,
        faulty((_, m) => m === "release"),
        { waitMs: 5_000, ttlMs: 1_000 },
      ),
      input,
    ).catch((e) => e);
    expect(String(err)).toContain("injected failure");
    const first = await sql<{ id: string }>("SELECT id FROM transfers WHERE team_id = ?", team.id);
    expect(first).toHaveLength(1);
    const again = await transferIntoExistingProject(await scopeFor(team.id, env), input);
    expect(again.transferId).toBe(first[0].id);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
    await expectInvariants(team.id);
  });

  it("the batch fails midway (after the copy and the move were written): nothing is left, the retry completes", async () => {
    const s = await session();
    const {
      team,
      projects: [a, b],
    } = await projects(s, 2, 3);
    await s.post(`/teams/${team.id}/projects/${a.id}/feature_flags`, { slug: "x", name: "X" });
    await sql(
      "INSERT INTO feature_flag_states (environment_id, flag_id, enabled, created_at, updated_at) SELECT ?, id, 1, '', '' FROM feature_flags WHERE project_id = ?",
      a.envs[0],
      a.id,
    );
    const snapshot = () =>
      Promise.all([
        sql("SELECT id, project_id, updated_at FROM environments WHERE team_id = ? ORDER BY id", team.id),
        sql("SELECT * FROM feature_flag_states WHERE environment_id = ?", a.envs[0]),
        sql("SELECT count(*) AS n FROM feature_flags WHERE project_id = ?", b.id),
        sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id),
      ]);
    const before = await snapshot();
    await sql(
      "CREATE TRIGGER fail_move_events BEFORE INSERT ON team_events WHEN json_extract(NEW.data, '$.transfer_id') IS NOT NULL BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    );
    try {
      const failed = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [a.envs[0]], { configuration: "copy" }), {
        "Idempotency-Key": "midway",
      });
      expect(failed.status).toBe(500);
    } finally {
      await sql("DROP TRIGGER fail_move_events");
    }
    expect(await snapshot()).toEqual(before);
    const retried = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [a.envs[0]], { configuration: "copy" }), {
      "Idempotency-Key": "midway",
    });
    expect(retried.status).toBe(201);
    expect(await sql("SELECT count(*) AS n FROM feature_flags WHERE project_id = ?", b.id)).toEqual([{ n: 1 }]);
    await expectInvariants(team.id);
  });
});
