/** Every timer the simulator starts, so that `close()` can stop them all and the process can exit. */
export class TimerSet {
  private readonly handles = new Set<NodeJS.Timeout>();
  private closed = false;

  schedule(delayMs: number, run: () => void): void {
    if (this.closed) return;
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      if (!this.closed) run();
    }, delayMs);
    this.handles.add(handle);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}
