// Expensive work (a scrypt) run at most `concurrency` at a time with at most
// `queue` waiting: past that, refused at once. An attacker can fill the
// queue, never grow it: memory and CPU stay bounded, and what is refused
// costs nothing.
export class BoundedWork {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  /** Runs `work` when a slot is free; null at once when the queue is full. */
  run<T>(work: () => Promise<T>): Promise<T> | null {
    if (this.running >= this.concurrency && this.waiting.length >= this.queue) return null;
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        work()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.shift()?.();
          });
      };
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
  }
}
