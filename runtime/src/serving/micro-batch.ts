// Micro-batching for the prediction server: rows of concurrent requests scored in one model call.
// In: each request's items (already validated). Out: each request's results, in its order. The
// first request of a batch waits at most `maxWaitMs` for others (as TorchServe's
// max_batch_delay and Triton's queue delay do), less when `maxBatch` items are waiting; requests
// that arrive while the model runs go together in the next batch, so under load one call serves
// many requests, and a lone request waits `maxWaitMs` at most.

export class MicroBatcher<In, Out> {
  private queue: Array<{ items: readonly In[]; resolve: (out: Out[]) => void; reject: (error: unknown) => void }> = [];
  private running = false;
  /** Batches run and items scored, for /metadata and the bench. */
  readonly stats = { batches: 0, items: 0 };

  private waiting = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (items: readonly In[]) => Promise<Out[]>,
    private readonly maxBatch: number,
    private readonly maxWaitMs = 2,
  ) {}

  /** The results for `items` (at most maxBatch of them: the server bounds a request's rows). */
  submit(items: readonly In[]): Promise<Out[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.waiting += items.length;
      if (this.running) return;
      if (this.waiting >= this.maxBatch) this.start();
      else this.timer ??= setTimeout(() => this.start(), this.maxWaitMs);
    });
  }

  /** Whether a batch is running or waiting (the server waits for none before it closes). */
  get idle(): boolean {
    return !this.running && this.queue.length === 0;
  }

  private start(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      // Whole requests, in arrival order, while they fit; the first always goes.
      const taken: typeof this.queue = [];
      let count = 0;
      while (this.queue.length && (taken.length === 0 || count + this.queue[0]!.items.length <= this.maxBatch)) {
        const next = this.queue.shift()!;
        taken.push(next);
        count += next.items.length;
      }
      this.waiting -= count;
      try {
        const out = await this.run(taken.flatMap((t) => t.items));
        this.stats.batches++;
        this.stats.items += count;
        let at = 0;
        for (const t of taken) {
          t.resolve(out.slice(at, at + t.items.length));
          at += t.items.length;
        }
      } catch (error) {
        for (const t of taken) t.reject(error);
      }
    }
    this.running = false;
  }
}
