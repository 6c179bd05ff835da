import { expect } from "chai";
import * as sinon from "sinon";
import { SlidingWindowRateLimiter } from "../../../provider/monitoring/slidingWindowRateLimiter";

/** A manual clock: `sleep` records the wait and moves time forward by it. */
function manualClock(start = 1_000_000) {
  const clock = { now: start, waits: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      clock.now += ms;
    },
  };
}

describe("SlidingWindowRateLimiter", () => {
  it("should let the first `limit` requests through at once and hold the next one for a full window", async () => {
    const { clock, now, sleep } = manualClock();
    const limiter = new SlidingWindowRateLimiter({ limit: 5, windowMs: 10_000, now, sleep });
    const start = clock.now;
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(await limiter.acquire("app"));
    expect(waits).to.deep.equal([0, 0, 0, 0, 0, 10_000]);
    expect(clock.now - start).to.equal(10_000);
  });

  it("should free a slot exactly when the oldest request leaves the window", async () => {
    const { clock, now, sleep } = manualClock();
    const limiter = new SlidingWindowRateLimiter({ limit: 5, windowMs: 10_000, now, sleep });
    const t0 = clock.now;
    for (let i = 0; i < 5; i++) {
      clock.now = t0 + i * 2_000; // requests at 0, 2, 4, 6, 8 s
      expect(await limiter.acquire("app")).to.equal(0);
    }
    clock.now = t0 + 9_000;
    expect(await limiter.acquire("app")).to.equal(1_000, "waits until the 0 s request is 10 s old");
    clock.now = t0 + 12_500;
    // Window (2.5 s, 12.5 s] holds 4, 6, 8 and 10 s: one slot is free.
    expect(await limiter.acquire("app")).to.equal(0);
    // Now 4, 6, 8, 10 and 12.5 s: the next waits for the 4 s request to age out at 14 s.
    expect(await limiter.acquire("app")).to.equal(1_500);
  });

  it("should count keys separately", async () => {
    const { now, sleep } = manualClock();
    const limiter = new SlidingWindowRateLimiter({ limit: 2, windowMs: 1_000, now, sleep });
    expect(await limiter.acquire("tenant-a|app")).to.equal(0);
    expect(await limiter.acquire("tenant-a|app")).to.equal(0);
    expect(await limiter.acquire("tenant-b|app")).to.equal(0);
    expect(await limiter.acquire("tenant-b|app")).to.equal(0);
    expect(await limiter.acquire("tenant-a|app")).to.equal(1_000);
  });

  it("should never start more than `limit` concurrent callers in one window, serving them in call order", async () => {
    const timers = sinon.useFakeTimers({ now: 0, toFake: ["setTimeout", "Date"] });
    try {
      const limiter = new SlidingWindowRateLimiter({ limit: 5, windowMs: 10_000 });
      const started: { caller: number; at: number }[] = [];
      const all = Array.from({ length: 12 }, (_, caller) =>
        limiter.acquire("app").then(() => started.push({ caller, at: Date.now() })),
      );
      await timers.tickAsync(25_000);
      await Promise.all(all);
      expect(started.map((s) => s.caller)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(started.map((s) => s.at)).to.deep.equal([
        0, 0, 0, 0, 0, 10_000, 10_000, 10_000, 10_000, 10_000, 20_000, 20_000,
      ]);
      // The property itself: any 10 s window holds at most 5 starts.
      for (const s of started) {
        const inWindow = started.filter((o) => o.at >= s.at && o.at < s.at + 10_000).length;
        expect(inWindow).to.be.at.most(5);
      }
    } finally {
      timers.restore();
    }
  });

  it("should forget reservations on reset()", async () => {
    const { now, sleep } = manualClock();
    const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 1_000, now, sleep });
    await limiter.acquire("k");
    limiter.reset();
    expect(await limiter.acquire("k")).to.equal(0);
  });

  it("should reject a limit or window that is not positive, naming the option", () => {
    expect(() => new SlidingWindowRateLimiter({ limit: 0, windowMs: 1 })).to.throw(
      /limit must be a positive integer/,
    );
    expect(() => new SlidingWindowRateLimiter({ limit: 1.5, windowMs: 1 })).to.throw(/limit/);
    expect(() => new SlidingWindowRateLimiter({ limit: 1, windowMs: 0 })).to.throw(
      /windowMs must be a positive/,
    );
    expect(() => new SlidingWindowRateLimiter({ limit: 1, windowMs: NaN })).to.throw(/windowMs/);
  });
});
