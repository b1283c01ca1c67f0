/**
 * Runs async tasks strictly one after another. A Durable Object's input gate opens while it awaits D1
 * (non-storage I/O), so without this two calls would interleave their read-check-write.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
