import { describe, expect, it } from 'vitest';
import { SendPacer } from '../../shared/email/pace';

/** A clock that only moves when a sender sleeps: the slots handed out are exact. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => (now += ms),
  };
}

describe('SendPacer', () => {
  it('spaces sends evenly at the configured rate, with no burst', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(14, clock);
    const times: number[] = [];
    for (let i = 0; i < 28; i++) {
      await pacer.take();
      times.push(clock.now());
    }
    // 28 sends at 14/s: the last starts 27 intervals after the first, i.e. just under 2 s.
    expect(times[27]! - times[0]!).toBeCloseTo((27 * 1000) / 14, 6);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeCloseTo(1000 / 14, 6);
  });

  it('halves the rate when SES throttles (once per burst), down to a quarter, and wins it back as sends succeed', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(20, clock);
    pacer.throttled();
    pacer.throttled(); // the same burst: counted once
    expect(pacer.rate).toBe(10);
    clock.advance(1000);
    pacer.throttled();
    clock.advance(1000);
    pacer.throttled();
    expect(pacer.rate).toBe(5); // floor: a quarter of 20
    for (let i = 0; i < 5; i++) pacer.succeeded();
    expect(pacer.rate).toBe(10);
    for (let i = 0; i < 50; i++) pacer.succeeded();
    expect(pacer.rate).toBe(20);
  });

  it('after a throttle the next send waits an interval at the slower rate', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(10, clock);
    await pacer.take();
    pacer.throttled();
    const before = clock.now();
    await pacer.take();
    expect(clock.now() - before).toBeCloseTo(200, 6); // 5/s
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new SendPacer(0)).toThrow(/positive/);
  });
});
