import { setTimeout as sleep } from 'node:timers/promises';
import { config } from '../config';

/**
 * Spaces SES sends to a rate, one slot at a time (no bursts), and slows down when SES throttles:
 * each throttle halves the rate (down to a floor) and pushes the next slot out; each
 * send that goes through wins back a little of the rate (additive increase, multiplicative
 * decrease). So a throttled account sees fewer requests, not a retry storm.
 */
export class SendPacer {
  private currentRate: number;
  private nextSlot = 0;
  private lastCut = -Infinity;

  constructor(
    readonly maxRate: number,
    private readonly clock: { now(): number; sleep(ms: number): Promise<unknown> } = { now: () => Date.now(), sleep: (ms) => sleep(ms) },
  ) {
    if (!(maxRate > 0)) throw new Error(`The send rate must be positive, got ${maxRate}`);
    this.currentRate = maxRate;
  }

  /** Sends per second now (below `maxRate` after throttling). */
  get rate(): number {
    return this.currentRate;
  }

  /** Waits for this caller's slot; callers are served in the order they asked. */
  async take(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.currentRate;
    if (slot > now) await this.clock.sleep(slot - now);
  }

  /**
   * SES refused a send for its rate: halve ours (to a quarter at least) and push the next slot out
   * by one interval at the new rate. Throttles within one second count once: they are the same burst.
   */
  throttled(): void {
    const now = this.clock.now();
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    this.currentRate = Math.max(this.maxRate / 4, this.currentRate / 2);
    this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.currentRate);
  }

  /** A send went through: recover a twentieth of the configured rate. */
  succeeded(): void {
    this.currentRate = Math.min(this.maxRate, this.currentRate + this.maxRate / 20);
  }
}

let pacer: SendPacer | undefined;

/**
 * This process's pacer: its share of the account's SES send rate. The bulk sender runs at most
 * `SES_SENDERS` at once (its reserved concurrency in AWS), so each paces to rate / senders; locally
 * every function shares one process, so senders is 1.
 */
export function emailPacer(): SendPacer {
  pacer ??= new SendPacer(config.sesSendRate / config.sesSenders);
  return pacer;
}

/** Drops the pacer so the next send reads the configuration again (tests and benchmarks change it). */
export function resetEmailPacer(): void {
  pacer = undefined;
}
