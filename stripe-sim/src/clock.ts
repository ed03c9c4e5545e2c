/** The simulator's clock: wall time plus an offset that `/_sim/clock/advance` moves forward. */
export class SimulatorClock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix seconds, as Stripe's `created` fields. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  get offsetSeconds(): number {
    return Math.round(this.offsetMs / 1000);
  }
}
