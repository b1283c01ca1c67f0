import { describe, expect, it } from "vitest";
import { SerialQueue } from "../../src/coordinator/serial-queue";

/**
 * The coordinator's queue (src/coordinator/serial-queue.ts): one task at a time, and a macrotask turn between
 * two tasks, so that the runtime polls its sockets and a finished answer leaves before the next task starts
 * (issue 9: under `wrangler dev`, 20 simultaneous transfers were otherwise all answered at the end; the bench's
 * "Coordinator latency" table measures it over HTTP).
 *
 * npx vitest run --project workers test/workers/serial-queue.test.ts
 */
describe("SerialQueue", () => {
  it("runs tasks one after another, in order", async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name}`);
      for (let i = 0; i < 5; i++) await Promise.resolve();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all(["a", "b", "c"].map((n) => queue.run(task(n))));
    expect(results).toEqual(["a", "b", "c"]);
    expect(maxRunning).toBe(1);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("a failed task does not stop the queue", async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    await expect(queue.run(async () => "next")).resolves.toBe("next");
  });

  it("yields a macrotask turn between two tasks: work waiting on the event loop runs before the next task", async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    // Each task is made only of microtasks (what an in-process D1 call looks like to the event loop).
    const busy = (name: string) => async () => {
      log.push(`start ${name}`);
      // A macrotask queued while the task runs: stands for the socket write of the previous answer.
      setTimeout(() => log.push(`turn after ${name}`), 0);
      for (let i = 0; i < 50; i++) await Promise.resolve();
      log.push(`end ${name}`);
    };
    await Promise.all([queue.run(busy("a")), queue.run(busy("b")), queue.run(busy("c"))]);
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual([
      "start a",
      "end a",
      "turn after a",
      "start b",
      "end b",
      "turn after b",
      "start c",
      "end c",
      "turn after c",
    ]);
  });
});
