// Runs `wrangler dev` processes for the bench (the app and the bare Worker) on free loopback ports, over one
// persisted D1 directory, and stops them: each runs in its own process group, so workerd goes with it.
import { spawn } from "node:child_process";
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const QUIET = { ...process.env, CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
const READY_TIMEOUT_MS = 180_000;

/**
 * A copy of a wrangler config for the bench, written to `outFile`: `main` and `migrations_dir` made absolute
 * (the copy lives elsewhere, and wrangler keeps its build files beside its config), and every rate limit
 * lifted (the bindings left out), since the bench fires thousands of requests as one client, and no static assets.
 * `main`, when given, replaces the Worker's entry (the bench's instrumented one, store-entry.ts).
 */
export function benchConfig(sourceFile, outFile, { main } = {}) {
  const dir = path.dirname(sourceFile);
  const absolute = (key) => (_, value) => `${key} = ${JSON.stringify(path.resolve(dir, value))}`;
  const config = readFileSync(sourceFile, "utf8")
    .replace(/^main = "(.+)"$/m, absolute("main"))
    .replace(/^migrations_dir = "(.+)"$/m, absolute("migrations_dir"))
    .replace(/^directory = "(.+)"$/m, absolute("directory"))
    // [alias] entries are paths relative to the config too.
    .replace(/^("[^"\n]+") = "(\.\/[^"]+)"$/gm, (_, key, value) => `${key} = ${JSON.stringify(path.resolve(dir, value))}`)
    // Rate limits lifted: without its binding, the rate-limit middleware lets every request through.
    .replace(/^\[\[ratelimits\]\]\n(?:\w+ = .*\n)+/gm, "")
    // No static assets (they hold only /docs's script, which the bench does not measure): with assets, Miniflare
    // runs the platform's asset router as another Worker in front of every request, in the same process, and
    // the bench would compare the router's CPU too (GET /organizations/:id measured 0.77× the bare Worker with
    // it, 0.96× without). On Cloudflare that router is the platform's, not the Worker's CPU.
    .replace(/^\[assets\]\n(?:\w+ = .*\n)+/gm, "");
  if (!config.includes(`main = "${dir}`)) throw new Error(`${sourceFile} has no \`main\` line the bench understands.`);
  const entry = main ? config.replace(/^main = ".+"$/m, `main = ${JSON.stringify(path.resolve(main))}`) : config;
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, entry);
  return outFile;
}

/**
 * Starts `wrangler dev` and resolves once it answers HTTP. `stop()` ends the whole process group. `onSpawn` gets the
 * worker as soon as its process exists, so that a caller interrupted while it starts can still stop it.
 */
export async function startWorker({ name, configPath, persistTo, vars = {}, logDir, onSpawn }) {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = ["dev", "--config", configPath, "--local", "--persist-to", persistTo, "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", "--log-level", "warn");
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  mkdirSync(logDir, { recursive: true });
  const log = openSync(path.join(logDir, `${name}.log`), "w");
  const child = spawn("wrangler", args, { env: QUIET, detached: true, stdio: ["ignore", log, log] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let stopping;
  const worker = {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    inspectorPort,
    // Once: a signal handler and a `finally` may both ask.
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        process.kill(-child.pid, "SIGTERM");
        const timer = setTimeout(() => process.kill(-child.pid, "SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
  onSpawn?.(worker);
  await waitUntilAnswering(worker, exited, path.join(logDir, `${name}.log`));
  return worker;
}

async function waitUntilAnswering(worker, exited, logFile) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${worker.name}: wrangler dev exited; see ${logFile}`);
    try {
      await fetch(`${worker.url}/`, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await worker.stop();
  throw new Error(`${worker.name}: no answer within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system, ms) of a process and all its descendants, from /proc; null where there is no /proc. */
export function cpuMsOfTree(rootPid) {
  let stats;
  try {
    stats = readdirSync("/proc")
      .filter((f) => /^\d+$/.test(f))
      .map((pid) => procStat(pid))
      .filter(Boolean);
  } catch {
    return null;
  }
  const children = new Map();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let total = 0;
  const queue = stats.filter((s) => s.pid === rootPid);
  while (queue.length) {
    const s = queue.pop();
    total += s.ticks;
    queue.push(...(children.get(s.pid) ?? []));
  }
  // Linux reports CPU time in clock ticks of 10 ms (USER_HZ = 100).
  return total * 10;
}

function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields are counted after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime + stime, plus cutime + cstime: an exited child's time moves into its parent's, not out of the sum.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { pid: Number(pid), ppid: Number(fields[1]), ticks };
  } catch {
    return null; // the process ended while we read
  }
}
