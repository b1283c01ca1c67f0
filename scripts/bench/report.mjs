// The bench's report, as markdown: printed, and written to scripts/bench/RESULTS.md.

const table = (header, rows) =>
  [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join(
    "\n",
  );

const n = (value, digits = 0) =>
  value === null || value === undefined
    ? "–"
    : Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

// Ids are long and say nothing here: `team_01M8EH…` → `team_…`.
const shortIds = (path) => path.replace(/\b([a-z]+(?:_[a-z]+)*)_[0-9A-HJKMNP-TV-Z]{26}\b/g, "$1_…");

/** D1 refuses more queries than this in one Worker invocation. */
const D1_QUERY_LIMIT = 1000;

/** The allowances the table uses, once each, with why. */
function allowanceNotes(results) {
  const whys = [...new Set(results.filter((r) => r.allowance).map((r) => r.allowance.why))];
  return whys.length ? ["", "ᵃ Allowances:", ...whys.map((why) => `- ${why}.`)] : [];
}

export function renderReport({ manifest, seconds, loadAverage, rows, transfers, coordinator, throughput }) {
  const { plan } = manifest;
  const failing = rows.results.filter((r) => !r.ok).length;
  const overQueryLimit = rows.results.filter((r) => r.queries > D1_QUERY_LIMIT);
  return [
    "# `npm run bench` — latest results",
    "",
    `Scale \`${plan.scale}\`: one team of ${n(plan.environments)} environments in ${n(plan.projects)} projects; one environment with ${n(plan.users)} users, ` +
      `${n(plan.organizations)} organizations (one domain each), ${n(plan.memberships)} memberships (${n(plan.bigOrganizationMembers)} in one organization), ` +
      `${n(plan.events)} events and ${n(plan.connections)} connections, seeded in ${n(manifest.seedSeconds)} s. ` +
      `Local \`wrangler dev\` (workerd + Miniflare's D1), ${new Date().toISOString()}.`,
    "",
    "## Rows read per request",
    "",
    `D1 bills rows scanned (\`X-D1-Rows-Read\`, DB_METRICS=1). Rows returned: a list's \`data\` (the usage's \`lines\`), a page's table rows and \`data-row\` entries, else 1. ` +
      `Bound: returned + 4, plus an allowance where a request needs it (marked ᵃ, with why below the table). ${failing === 0 ? "Every request is within its bound." : `**${failing} request(s) over their bound or failing.**`}`,
    "",
    table(
      ["request", "status", "rows returned", "rows read", "queries", "bound", "ok?"],
      rows.results.map((r) => [
        `\`${shortIds(r.path)}\``,
        r.status,
        n(r.returned),
        n(r.rowsRead),
        n(r.queries),
        r.allowance ? `${n(r.bound)} ᵃ` : n(r.bound),
        r.ok ? "✓" : "✗",
      ]),
    ),
    ...allowanceNotes(rows.results),
    ...(overQueryLimit.length
      ? [
          "",
          `Over D1's ${n(D1_QUERY_LIMIT)} queries per invocation (refused on Cloudflare): ${overQueryLimit.map((r) => `\`${shortIds(r.path)}\``).join(", ")}.`,
        ]
      : []),
    ...(rows.missing.length
      ? ["", `GET routes in the source the bench does not measure: ${rows.missing.map((m) => `\`${m}\``).join(", ")}.`]
      : []),
    "",
    "## A transfer's rows written",
    "",
    "`POST /platform/teams/:id/projects` with a `transfer` (and an Idempotency-Key). The request header counts only the request's own " +
      "statements: the transfer runs in the project's Durable Object on an unmetered binding. So the rows it wrote are also counted " +
      "in the D1 file: rows created or updated since the request started.",
    "",
    table(
      ["transfer", "ms", "request rows read", "request rows written", "rows written (D1 file)", "by table"],
      transfers.map((t) => [
        `k=${t.k}`,
        n(t.ms),
        n(t.requestRowsRead),
        n(t.requestRowsWritten),
        n(t.fileRowsWritten),
        Object.entries(t.byTable)
          .map(([name, count]) => `${name} ${count}`)
          .join(", "),
      ]),
    ),
    "",
    `k=1 moves the environment that holds all ${n(plan.users)} users and everything else seeded; k=2 moves two empty ones.`,
    "",
    "## Coordinator latency",
    "",
    `One transfer out of a project alone: ${n(coordinator.alone.ms)} ms (status ${coordinator.alone.status}). ` +
      `Then ${coordinator.together.length} at once out of the same project, each a different environment, answers sorted by latency:`,
    "",
    table(
      ["i-th answer", "status", "ms"],
      coordinator.together.map((t, i) => [i + 1, t.status, n(t.ms)]),
    ),
    "",
    "## Throughput against a bare Worker",
    "",
    `autocannon, 20 connections, ${seconds} s per side in alternating rounds. The bare Worker (scripts/bench/bare-worker.ts) answers one ` +
      "primary-key read of the same D1 file. The app runs without DB_METRICS here (metering re-reads), without rate-limit bindings (limits lifted) and without its static assets (/docs only; under wrangler dev an asset router Worker would sit in front of every request, see scripts/bench/servers.mjs). CPU: user + system time " +
      "of the whole `wrangler dev` process tree (wrangler, workerd) from /proc, per request. The machine is shared: " +
      `load average ${loadAverage.map((l) => l.toFixed(2)).join(", ")} when the comparison started; the ratios and CPU per request travel better than req/s.`,
    "",
    table(
      [
        "request",
        "app req/s",
        "bare req/s",
        "app / bare",
        "app p50 ms",
        "bare p50 ms",
        "app CPU ms/req",
        "bare CPU ms/req",
        "non-2xx/errors",
      ],
      throughput.map((t) => [
        `\`${t.label}\``,
        n(t.app.rps),
        n(t.bare.rps),
        n(t.app.rps / t.bare.rps, 2),
        n(t.app.p50, 1),
        n(t.bare.p50, 1),
        n(t.app.cpuMsPerRequest, 2),
        n(t.bare.cpuMsPerRequest, 2),
        `${t.app.failures} / ${t.bare.failures}`,
      ]),
    ),
    "",
  ].join("\n");
}
