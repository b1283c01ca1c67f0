// The writes the bench measures: a transfer's rows written, and the coordinator's latency under 20
// simultaneous transfers out of one project.
import { DatabaseSync } from "node:sqlite";

const transferOut = (sourceProjectId, environmentIds, name) => ({
  name,
  transfer: { source_project_id: sourceProjectId, environment_ids: environmentIds, acknowledge: true },
});

/**
 * A transfer into a new project, with what it wrote. The request's X-D1-Rows-Written counts only the
 * request's own statements: the transfer itself runs in the project's Durable Object, on an unmetered
 * binding. So the rows it wrote are also counted in the D1 file: every row created or updated since the
 * request started (nothing else writes meanwhile).
 */
export async function measureTransfer(platform, teamId, sourceProjectId, environmentIds, sqliteFile, destinationProjectId) {
  const since = new Date().toISOString();
  // Into a new project (`POST …/projects` with a `transfer`), or into an existing one (`POST …/transfers`).
  const res = destinationProjectId
    ? await platform.post(`/platform/teams/${teamId}/transfers`, {
        source_project_id: sourceProjectId,
        destination_project_id: destinationProjectId,
        environment_ids: environmentIds,
        acknowledge: true,
      })
    : await platform.post(
        `/platform/teams/${teamId}/projects`,
        transferOut(sourceProjectId, environmentIds, `Moved ${environmentIds.length}`),
      );
  if (res.status !== 201) throw new Error(`Transfer answered ${res.status}: ${res.text}`);
  const stamped = rowsStampedSince(sqliteFile, since);
  return {
    k: environmentIds.length,
    ms: res.ms,
    requestRowsRead: res.rowsRead,
    requestRowsWritten: res.rowsWritten,
    requestStoreCalls: res.storeCalls,
    fileRowsWritten: Object.values(stamped).reduce((a, b) => a + b, 0),
    byTable: stamped,
    projectId: destinationProjectId ?? res.json().id,
    into: destinationProjectId ? "an existing project" : "a new project",
  };
}

/** Rows created or updated at or after `since`, per table, read from the D1 database file. */
function rowsStampedSince(sqliteFile, since) {
  const db = new DatabaseSync(sqliteFile, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .all();
    const counts = {};
    for (const { name } of tables) {
      const columns = db
        .prepare(`PRAGMA table_info("${name}")`)
        .all()
        .map((c) => c.name);
      const stamps = ["created_at", "updated_at"].filter((c) => columns.includes(c));
      if (stamps.length === 0) continue;
      const { n } = db
        .prepare(`SELECT count(*) AS n FROM "${name}" WHERE ${stamps.map((c) => `${c} >= :since`).join(" OR ")}`)
        .get({ since });
      if (n > 0) counts[name] = n;
    }
    return counts;
  } finally {
    db.close();
  }
}

/**
 * One transfer out of a project alone, then `concurrency` at once out of the same project (each a different
 * environment): the project's coordinator runs them one after another, so the i-th answer waits for the ones before it.
 */
export async function measureCoordinator(platform, teamId, projectId, environmentAt, concurrency = 20) {
  const move = (position) =>
    platform.post(
      `/platform/teams/${teamId}/projects`,
      transferOut(projectId, [environmentAt(position)], `Concurrent ${position}`),
    );
  const alone = await move(1);
  const together = await Promise.all(Array.from({ length: concurrency }, (_, i) => move(2 + i)));
  return {
    alone: { status: alone.status, ms: alone.ms },
    together: together.map((res) => ({ status: res.status, ms: res.ms })).sort((a, b) => a.ms - b.ms),
  };
}
