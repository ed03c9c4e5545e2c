import { randomInt } from 'node:crypto';

/**
 * Delivery chaos for tests, per account and off by default: duplicate each delivery, hold
 * deliveries for a window and release them shuffled, delay them, or drop a fraction (the Events
 * API still lists dropped events). Randomness is seedable (mulberry32) so a failing run can be replayed.
 */
export interface ChaosConfig {
  duplicate: number;
  shuffleWindowMs: number;
  delayMs: number;
  dropRate: number;
  seed: number;
}

export function defaultChaosConfig(): ChaosConfig {
  return { duplicate: 1, shuffleWindowMs: 0, delayMs: 0, dropRate: 0, seed: randomInt(2 ** 31) };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export class ChaosState {
  private settings: ChaosConfig = defaultChaosConfig();
  private random = mulberry32(this.settings.seed);
  /** Deliveries held back while a shuffle window is open. */
  private held: Array<() => void> = [];
  private windowOpen = false;

  get config(): ChaosConfig {
    return { ...this.settings };
  }

  configure(next: ChaosConfig): void {
    this.settings = next;
    this.random = mulberry32(next.seed);
  }

  shouldDrop(): boolean {
    return this.settings.dropRate > 0 && this.random() < this.settings.dropRate;
  }

  get copies(): number {
    return Math.max(1, this.settings.duplicate);
  }

  get delayMs(): number {
    return this.settings.delayMs;
  }

  /**
   * Runs `send` now, or holds it until the shuffle window closes; `openWindow` is called with the
   * function that releases the held deliveries in random order.
   */
  enqueue(send: () => void, openWindow: (windowMs: number, release: () => void) => void): void {
    if (this.settings.shuffleWindowMs <= 0) {
      send();
      return;
    }
    this.held.push(send);
    if (this.windowOpen) return;
    this.windowOpen = true;
    openWindow(this.settings.shuffleWindowMs, () => {
      const batch = this.held;
      this.held = [];
      this.windowOpen = false;
      for (let index = batch.length - 1; index > 0; index -= 1) {
        const swap = Math.floor(this.random() * (index + 1));
        const item = batch[index];
        const other = batch[swap];
        if (item && other) {
          batch[index] = other;
          batch[swap] = item;
        }
      }
      for (const release of batch) release();
    });
  }

  /** Forgets held deliveries (on close). */
  clear(): void {
    this.held = [];
    this.windowOpen = false;
  }
}
