/**
 * Runs async tasks strictly one after another. A Durable Object's input gate opens while it awaits D1
 * (non-storage I/O), so without this two calls would interleave their read-check-write.
 *
 * Between two tasks the queue yields a macrotask turn (`setTimeout(0)`). workerd's event loop only polls its
 * sockets once it runs out of ready work; a queue that goes straight from one task to the next, each made of
 * calls the runtime answers without touching a socket (D1 under `wrangler dev` is a Durable Object in the same
 * process), never runs out, so every finished answer would wait for the whole queue to drain (20 simultaneous
 * transfers all answered at the end). The turn lets each answer leave as its task ends.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined).then(nextTurn);
    return result;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
