// The bench's report on environments served from their own objects, side by side with the one left in D1.

const table = (header, rows) =>
  [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join(
    "\n",
  );

const n = (value, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value)
    ? "–"
    : Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

const shortIds = (path) => path.replace(/\b([a-z]+(?:_[a-z]+)*)_[0-9A-HJKMNP-TV-Z]{26}\b/g, "$1_…");
const yes = (ok) => (ok ? "✓" : "✗");

export function renderObjectReport(input) {
  const { manifest, objects } = input;
  const command = `\`BENCH_SCALE=${manifest.plan.scale} npm run bench\``;
  return [
    "## Environments in their own objects, side by side with D1",
    "",
    `Every figure below comes from the same run of ${command}, at scale \`${manifest.plan.scale}\`, on commit \`${input.checkout.commit}\`` +
      `${input.checkout.modified ? " with uncommitted changes" : ""}. The environment in D1 is the big ` +
      "environment above (`data_location = 'd1'`). The object environment (project 0's second staging environment, " +
      "`data_location = 'object'`) holds the same rows under its own id: its object was created by one write through " +
      "the environment API (a webhook endpoint), then, with the server stopped, its tables were filled from the D1 seed " +
      "with node:sqlite (`INSERT … SELECT` from the attached D1 file; the object's triggers keep its totals), in " +
      `${n(objects.seedSeconds)} s: ${Object.entries(objects.copied)
        .map(([t, c]) => `${n(c)} ${t}`)
        .join(", ")}. Requests reach it as in production: the Worker checks the key, then forwards the request to the ` +
      "object in one RPC. The metered figures (DB_METRICS=1) run an entry that only adds a log line per RPC an object " +
      "receives and a size route (scripts/bench/store-entry.ts); throughput, hot and cold figures run the product's entry.",
    "",
    ...rowsSection(input),
    ...sideBySideSection(input),
    ...hotSection(input),
    ...transferSection(input),
    ...coldSection(input),
    ...storageSection(input),
    ...usageSection(input),
    ...moveSection(input),
  ].join("\n");
}

function rowsSection({ rows, objectRowsRead }) {
  const failing = objectRowsRead.filter((r) => !r.ok).length;
  const inD1 = new Map(rows.results.filter((r) => r.surface === "environment").map((r) => [r.path, r]));
  const d1Rows = objectRowsRead.map((r) => r.rowsRead ?? 0);
  return [
    "### Rows read per environment-API GET, in the object",
    "",
    "`X-Store-Rows-Read`: rows the object's SQLite read for the request (its cursors' `rowsRead`); `X-Store-Calls`: RPCs that " +
      "reached an object (one per request). Bound: returned + 4, plus the same allowances as above (ᵃ). D1 rows: what the " +
      "Worker and the object read of D1 for the same request (the key's lookup is cached 5 s per isolate for reads; flags " +
      `and Audit Log schemas are project configuration, in D1). ${failing === 0 ? "Every request is within its bound, in one object call." : `**${failing} request(s) over their bound, failing, or not in one object call.**`} ` +
      `D1 rows read per request: at most ${n(Math.max(...d1Rows))}.`,
    "",
    table(
      [
        "request",
        "status",
        "rows returned",
        "object rows read",
        "object calls",
        "bound",
        "ok?",
        "D1 rows read (queries)",
        "same request in D1: rows read",
      ],
      objectRowsRead.map((r) => [
        `\`${shortIds(r.path)}\``,
        r.status,
        n(r.returned),
        n(r.storeRowsRead),
        n(r.storeCalls),
        r.allowance ? `${n(r.bound)} ᵃ` : n(r.bound),
        yes(r.ok),
        `${n(r.rowsRead)} (${n(r.queries)})`,
        n(inD1.get(r.path)?.rowsRead),
      ]),
    ),
    "",
  ];
}

function sideBySideSection({ sideBySide, seconds, loadAverage }) {
  return [
    "### Requests/s: the object environment against the D1 environment",
    "",
    `autocannon, 20 connections, ${seconds} s per side in alternating rounds, one server (DB_METRICS off, rate limits lifted); ` +
      "the same user and organization ids on both sides. p50 and p99 are autocannon's, averaged over the rounds. Target: " +
      `object ≥ 0.8× D1's requests/s, p99 ≤ 1.5× D1's. Load average when it started: ${loadAverage.map((l) => l.toFixed(2)).join(", ")} (2 cores, shared).`,
    "",
    table(
      [
        "request",
        "object req/s",
        "D1 req/s",
        "object / D1",
        "object p50 ms",
        "D1 p50 ms",
        "object p99 ms",
        "D1 p99 ms",
        "p99 ratio",
        "non-2xx/errors",
        "target met?",
      ],
      sideBySide.map((t) => {
        const ratio = t.object.rps / t.d1.rps;
        const p99 = t.object.p99 / t.d1.p99;
        return [
          `\`${t.label}\``,
          n(t.object.rps),
          n(t.d1.rps),
          n(ratio, 2),
          n(t.object.p50, 1),
          n(t.d1.p50, 1),
          n(t.object.p99, 1),
          n(t.d1.p99, 1),
          n(p99, 2),
          `${t.object.failures} / ${t.d1.failures}`,
          yes(ratio >= 0.8 && p99 <= 1.5),
        ];
      }),
    ),
    "",
  ];
}

function hotSection({ hot, hotSeconds, manifest }) {
  const levels = (h) =>
    table(
      ["connections", "req/s", "p50 ms", "p99 ms", "failures", "held?"],
      h.levels.map((l) => [
        l.connections,
        n(l.rps),
        n(l.p50),
        n(l.p99),
        `${l.failures}${
          Object.keys(l.statuses).length
            ? ` (${Object.entries(l.statuses)
                .map(([s, c]) => `${s}×${c}`)
                .join(", ")})`
            : ""
        }`,
        yes(l.held),
      ]),
    );
  const held = (h) => {
    if (!h.lastHeld) return "no level held";
    const peak = h.levels.filter((l) => l.held).reduce((a, b) => (b.rps > a.rps ? b : a));
    return (
      `peak ${n(peak.rps)}/s (${peak.connections} connections, p99 ${n(peak.p99)} ms); the last level that held: ` +
      `${h.lastHeld.connections} connections, ${n(h.lastHeld.rps)}/s, p99 ${n(h.lastHeld.p99)} ms`
    );
  };
  const stoppedBy = (h) => {
    const last = h.levels.at(-1);
    return last.held
      ? "the highest level tried held"
      : `${last.connections} connections: ${last.failures ? `${last.failures} failures` : last.answered === 0 ? "no answer within the level's time" : `p99 ${n(last.p99)} ms`}`;
  };
  return [
    "### One hot environment",
    "",
    `The object environment (${n(manifest.plan.users)} users) alone, at rising concurrency, ${hotSeconds} s per level, until a level ` +
      "has an error or a non-2xx answer or its p99 passes 1 s. Reads: `GET /user_management/users/:id`; writes: `POST /user_management/users` " +
      "(a new user, its `user.created` event and its counter, one transaction in the object). Locally every object of the server " +
      "shares one workerd process on a shared 2-core machine: this is what one local object holds, not Cloudflare's per-object limit.",
    "",
    `- Sustained reads: **${held(hot.reads)}**; stopped by ${stoppedBy(hot.reads)}.`,
    `- Sustained writes: **${held(hot.writes)}**; stopped by ${stoppedBy(hot.writes)}.`,
    "",
    "Reads:",
    "",
    levels(hot.reads),
    "",
    "Writes:",
    "",
    levels(hot.writes),
    "",
  ];
}

function transferSection({ transfer, manifest }) {
  const bound = 10 + 3 * transfer.k;
  const calls = transfer.activity.calls;
  return [
    "### A transfer of the object environment",
    "",
    `\`POST /platform/teams/:id/transfers\`: the object environment (${n(manifest.plan.users)} users in its object) moved into ${transfer.into} ` +
      "(the D1 environment's, after the figures above were taken; its configuration then serves both). " +
      "Rows written: counted in the D1 file (rows created or updated since the request started), as above. Object calls: the " +
      "request's `X-Store-Calls` (the Worker's part), and every RPC any object received meanwhile, from the log lines of " +
      "store-entry.ts (the coordinator's part, which runs on an unmetered binding), over the request and 3 s after it.",
    "",
    table(
      [
        "transfer",
        "ms",
        "rows written (D1 file)",
        "bound 10 + 3k",
        "by table",
        "X-Store-Calls",
        "RPCs objects received",
        "objects woken",
        "ok?",
      ],
      [
        [
          `k=${transfer.k}`,
          n(transfer.ms),
          n(transfer.fileRowsWritten),
          n(bound),
          Object.entries(transfer.byTable)
            .map(([name, count]) => `${name} ${count}`)
            .join(", "),
          n(transfer.requestStoreCalls),
          n(calls),
          n(transfer.activity.constructed),
          yes(transfer.fileRowsWritten <= bound && calls === 0 && (transfer.requestStoreCalls ?? 0) === 0),
        ],
      ],
    ),
    ...(transfer.activity.lines.length
      ? ["", "What objects received meanwhile:", "", ...transfer.activity.lines.slice(0, 10).map((l) => `- \`${l.trim()}\``)]
      : []),
    "",
  ];
}

function coldSection({ cold }) {
  const row = (label, p) => [label, n(p.p50, 1), n(p.p90, 1), n(p.p99, 1), n(p.max, 1)];
  return [
    "### Cold objects",
    "",
    `Locally, eviction is a restart: the first request to each of ${cold.n} objects (each holding one webhook endpoint) right ` +
      "after `wrangler dev` started (their pending alarms were dropped from the seed, so that none wakes them first), one at a " +
      `time, after three requests that warm the Worker; then a second request to each (warm). \`GET ${cold.path}\`, client-side latency. ` +
      `A first request also looks its key up in D1 (the second finds it cached): the baseline is the first request with ${cold.n} ` +
      "other new keys, of environments left in D1 (no object). Target: ≤ 20 ms p90 cold.",
    "",
    table(
      ["", "p50 ms", "p90 ms", "p99 ms", "max ms"],
      [
        row("first request, cold object", cold.cold),
        row("second request, warm object", cold.warm),
        row("baseline: first request, environment in D1", cold.d1First),
      ],
    ),
    "",
    `The big object (${n(cold.bigObject.users)} users), its first request after the restart (\`GET /user_management/users/:id\`): ${n(cold.bigObject.ms, 1)} ms (status ${cold.bigObject.status}). ` +
      `p90 cold ${cold.cold.p90 <= 20 ? "within" : "**over**"} the 20 ms target.`,
    "",
  ];
}

function storageSection({ storage }) {
  const { d1, object, empty } = storage;
  return [
    "### Storage",
    "",
    "Bytes of the `users` table with its indexes (SQLite's `dbstat`, pages of " +
      `${n(d1.pageSize)} B in D1's file, ${n(object.pageSize)} B in the object's), over its rows, read from the files of the pristine seed.`,
    "",
    table(
      ["", "users", "users table + indexes", "bytes per user", "whole file"],
      [
        [
          "D1 (every user in D1: the D1 environment's, and the environment the bench moves; D1 holds every other table too)",
          n(d1.rows),
          `${n(d1.bytes / 1e6, 1)} MB`,
          n(d1.perUser),
          `${n(d1.fileBytes / 1e6, 1)} MB`,
        ],
        ["the object", n(object.rows), `${n(object.bytes / 1e6, 1)} MB`, n(object.perUser), `${n(object.fileBytes / 1e6, 1)} MB`],
      ],
    ),
    "",
    `- An object holding one webhook endpoint (its schema: every store table and index, a page each at least): ${n(storage.oneEndpointObjectBytes)} B on disk; ` +
      `\`ctx.storage.sql.databaseSize\` ${n(storage.databaseSize.oneEndpoint)} B (the big object: ${n(storage.databaseSize.object)} B).`,
    `- An environment in its object that was only read (${empty.answers.map((a) => `\`GET ${a.path}\` ${a.status}, ${n(a.returned)} returned, ${n(a.storeRowsRead)} object rows read`).join("; ")}): ` +
      `${empty.filesCreated} object file(s) created on disk (${n(empty.bytesCreated)} B), holding ${empty.tablesCreated.length} table(s) of the object's ` +
      `and ${empty.kvEntries} KV entr${empty.kvEntries === 1 ? "y" : "ies"}. ` +
      (empty.tablesCreated.length === 0 && empty.kvEntries === 0
        ? "It holds nothing: a file, if any, is Miniflare's own record of the object's name (`__miniflare_do_name`), made locally when an object starts; the object created no table and wrote no key."
        : `**It left storage behind:** ${empty.tablesCreated.join(", ")}.`),
    "",
  ];
}

function usageSection({ rows, manifest }) {
  const usage = rows.results.find((r) => r.route === "/platform/teams/:team_id/usage");
  const per = usage ? usage.rowsRead / manifest.plan.environments : null;
  return [
    "### Usage report",
    "",
    `\`GET /platform/teams/:id/usage\` over ${n(manifest.plan.environments)} environments (the rows-read table above): ${n(usage?.rowsRead)} D1 rows read, ` +
      `**${n(per, 2)} per environment** (target ≤ 2.1)${per !== null && per <= 2.1 ? "" : " — **over**"}.`,
    "",
  ];
}

function moveSection({ move }) {
  if (move.skipped) return ["### The move", "", `Not measured: ${move.skipped}.`, ""];
  const allEqual = move.tables.length > 0 && move.tables.every((t) => t.equal);
  // The tables that held rows on either side; the others are listed by name only.
  const held = move.tables.filter((t) => t.d1_rows > 0 || t.object_rows > 0);
  const emptyTables = move.tables.filter((t) => !held.includes(t));
  const refusedOk = move.reportedRefusedMs !== null && move.reportedRefusedMs <= 2000;
  return [
    "### The move",
    "",
    `An environment left in D1 with ${n(move.users)} users moved into its object with \`${move.command}\` (the script drives ` +
      "`POST /operator/environments/:id/move`, one bounded step per call, waiting out the settle for cached key lookups), while a " +
      "writer created a user in it every ~20 ms. Writes refused: as the move reports it (`writes_refused_ms`), and as the writer " +
      "saw it (its first 503 to its first write accepted after the last one). Target ≤ 2 s, checksums equal.",
    "",
    `- ${move.done ? "Done" : `**Not done** (phase ${move.phase})`}, data location \`${move.dataLocation}\`, in ${n(move.seconds, 1)} s (exit code ${move.exitCode}).`,
    `- Writes refused: **${n(move.reportedRefusedMs)} ms** as the move reports it, ${n(move.observedRefusedMs)} ms as the writer saw it ` +
      `(${move.refused} of ${move.writes} writes answered 503 ${move.refusedCodes.map((c) => `\`${c}\``).join(", ")}; other failures: ${move.otherFailures}). ${yes(refusedOk)}`,
    `- Checksums: ${allEqual ? "every table's count and checksum equal on both sides" : "**not all equal**"}. ${yes(allEqual)}`,
    "",
    "The script's last lines:",
    "",
    "```",
    ...move.output,
    "```",
    "",
    table(
      ["table", "rows copied", "D1 rows", "object rows", "D1 checksum", "object checksum", "equal?", "D1 rows deleted"],
      held.map((t) => [
        t.table,
        n(t.rows_copied),
        n(t.d1_rows),
        n(t.object_rows),
        `\`${t.d1_checksum}\``,
        `\`${t.object_checksum}\``,
        yes(t.equal),
        n(t.rows_deleted),
      ]),
    ),
    "",
    `Empty on both sides (counts 0, equal): ${emptyTables.map((t) => t.table).join(", ")}.`,
    "",
  ];
}
