import { expect } from "chai";
import sinon from "sinon";
import {
  PacerDeadlineError,
  RequestPacer,
  clearPacers,
  pacerFor,
} from "../../../provider/graph/requestPacer";
import type { PacerLane } from "../../../provider/graph/requestPacer";

describe("RequestPacer", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => sinon.restore());

  /** Starts `n` acquires and records the fake time at which each is released. */
  function acquireMany(pacer: RequestPacer, lane: PacerLane, n: number): number[] {
    const released: number[] = [];
    for (let i = 0; i < n; i++) void pacer.acquire(lane).then(() => released.push(Date.now()));
    return released;
  }

  it("should let requests through at once while nothing was throttled", async () => {
    const pacer = new RequestPacer();
    const released = acquireMany(pacer, "write", 100);
    await clock.tickAsync(0);
    expect(released).to.have.length(100);
    expect(new Set(released)).to.deep.equal(new Set([0]));
  });

  it("should hold writes until the Retry-After time, then release them one per learned interval", async () => {
    const pacer = new RequestPacer({ evidenceThreshold: 1 });
    pacer.onThrottled("write", 200);
    const released = acquireMany(pacer, "write", 4);
    await clock.tickAsync(199);
    expect(released).to.deep.equal([]);
    await clock.tickAsync(1_000);
    expect(released).to.deep.equal([200, 400, 600, 800]);
    // Reads are throttled separately by Graph, so they are not held.
    const reads = acquireMany(pacer, "read", 3);
    await clock.tickAsync(0);
    expect(reads).to.have.length(3);
  });

  it("should slow the rest of the queue at once when a throttle arrives meanwhile", async () => {
    const pacer = new RequestPacer({ increaseCooldownMs: 0, evidenceThreshold: 1 });
    pacer.onThrottled("write", 100);
    const released = acquireMany(pacer, "write", 4);
    await clock.tickAsync(100);
    expect(released).to.deep.equal([100]);
    pacer.onThrottled("write", 300); // blocks until 400, interval grows to 300
    await clock.tickAsync(2_000);
    expect(released).to.deep.equal([100, 400, 700, 1000]);
    expect(pacer.state("write").intervalMs).to.equal(300);
  });

  // Issue 10 item 3: a shared wait never outlasts the waiting request's own deadline.
  it("should refuse waiters at once when a Retry-After holds the lane past their deadline", async () => {
    const pacer = new RequestPacer({ evidenceThreshold: 1 });
    pacer.onThrottled("write", 30_000);
    const outcomes: string[] = [];
    const wait = (deadline: number) =>
      pacer.acquire("write", deadline).then(
        () => outcomes.push(`released at ${Date.now()}`),
        (e: PacerDeadlineError) => outcomes.push(`${e.name} ${e.lane} ${e.waitMs} ms at ${Date.now()}`),
      );
    void wait(600_000);
    void wait(600_000);
    void wait(Infinity);
    await clock.tickAsync(1_000);
    expect(outcomes, "all wait for the 30 s hold").to.deep.equal([]);
    pacer.onThrottled("write", 3_600_000);
    await clock.tickAsync(0);
    expect(outcomes).to.deep.equal([
      "PacerDeadlineError write 3600000 ms at 1000",
      "PacerDeadlineError write 3600000 ms at 1000",
    ]);
    // A newcomer whose deadline the hold passes is refused without queueing.
    const late = await pacer.acquire("write", 700_000).catch((e: PacerDeadlineError) => e);
    expect(late).to.be.instanceOf(PacerDeadlineError);
    expect((late as PacerDeadlineError).message).to.match(/the write lane is throttled for 3600 s more/);
    expect(pacer.state("write").waiting, "the request without a deadline still waits").to.equal(1);
  });

  it("should grow the interval at most once per cooldown, up to twice the largest wait and the cap", () => {
    const pacer = new RequestPacer({
      maxIntervalMs: 1_000,
      increaseFactor: 2,
      increaseCooldownMs: 1_000,
      evidenceThreshold: 1,
    });
    pacer.onThrottled("write", 300);
    expect(pacer.state("write").intervalMs).to.equal(300);
    pacer.onThrottled("write", 300);
    expect(pacer.state("write").intervalMs).to.equal(300);
    clock.tick(1_000);
    pacer.onThrottled("write", 300);
    expect(pacer.state("write").intervalMs).to.equal(600);
    clock.tick(1_000);
    pacer.onThrottled("write", 300);
    // Bounded at twice the largest wait named so far (600), below the cap.
    expect(pacer.state("write").intervalMs).to.equal(600);
    clock.tick(1_000);
    pacer.onThrottled("write", 60_000);
    expect(pacer.state("write").intervalMs).to.equal(1_000);
    expect(pacer.state("write").blockedUntil).to.equal(63_000);
  });

  it("should never keep the interval below a Retry-After seen within the cooldown", () => {
    const pacer = new RequestPacer({ increaseFactor: 2, increaseCooldownMs: 1_000, evidenceThreshold: 1 });
    pacer.onThrottled("write", 3); // a token bucket's first 429 names a fraction of its refill time
    expect(pacer.state("write").intervalMs).to.equal(3);
    pacer.onThrottled("write", 10); // one right after a granted write names all of it
    expect(pacer.state("write").intervalMs).to.equal(10);
    pacer.onThrottled("write", 4);
    expect(pacer.state("write").intervalMs).to.equal(10);
  });

  it("should number releases and grow the interval once per round of releases, not per late 429", async () => {
    const pacer = new RequestPacer({ increaseFactor: 2, increaseCooldownMs: 60_000, evidenceThreshold: 1 });
    const first = await Promise.all([pacer.acquire("write"), pacer.acquire("write"), pacer.acquire("write")]);
    expect(first).to.deep.equal([1, 2, 3]);
    pacer.onThrottled("write", 10, 1);
    expect(pacer.state("write").intervalMs).to.equal(10);
    // Released before that growth: the same overload seen late, whatever the cooldown says.
    pacer.onThrottled("write", 10, 2);
    pacer.onThrottled("write", 10, 3);
    expect(pacer.state("write").intervalMs).to.equal(10);
    const next = pacer.acquire("write");
    await clock.tickAsync(10);
    expect(await next).to.equal(4);
    // Released after it, and throttled again: the pace is still too fast, so it grows.
    pacer.onThrottled("write", 10, 4);
    expect(pacer.state("write").intervalMs).to.equal(20);
  });

  it("should shrink the interval on success and stop pacing below the minimum", async () => {
    const pacer = new RequestPacer({ decreaseFactor: 0.5, minIntervalMs: 10, evidenceThreshold: 1 });
    pacer.onThrottled("write", 40);
    pacer.onSuccess("write");
    expect(pacer.state("write").intervalMs).to.equal(20);
    pacer.onSuccess("write");
    expect(pacer.state("write").intervalMs).to.equal(10);
    pacer.onSuccess("write");
    expect(pacer.state("write").intervalMs).to.equal(0);
    await clock.tickAsync(40);
    const released = acquireMany(pacer, "write", 5);
    await clock.tickAsync(0);
    expect(released).to.deep.equal([40, 40, 40, 40, 40]);
  });

  it("should not hold the lane for occasional 429s, only count them as evidence", async () => {
    const pacer = new RequestPacer();
    // One in twenty refused, as when another app shares the tenant's budget: never a rate limit.
    for (let i = 0; i < 400; i++) {
      if (i % 20 === 7) pacer.onThrottled("write", 100, i + 1);
      else pacer.onSuccess("write");
    }
    expect(pacer.state("write")).to.deep.equal({
      blockedUntil: 0,
      intervalMs: 0,
      waiting: 0,
      recentThrottled: 1,
    });
    const released = acquireMany(pacer, "write", 16);
    await clock.tickAsync(0);
    expect(released).to.have.length(16);
  });

  it("should start pacing once evidenceThreshold of the latest evidenceWindow responses were throttled", async () => {
    const pacer = new RequestPacer({ evidenceWindow: 10, evidenceThreshold: 4 });
    for (let i = 0; i < 3; i++) pacer.onThrottled("write", 50);
    expect(pacer.state("write").intervalMs).to.equal(0);
    expect(pacer.state("write").blockedUntil).to.equal(0);
    // Seven successes push nothing out yet (10 remembered): the fourth 429 is a rate limit.
    for (let i = 0; i < 6; i++) pacer.onSuccess("write");
    clock.tick(5);
    pacer.onThrottled("write", 50);
    expect(pacer.state("write")).to.include({ intervalMs: 50, blockedUntil: 55, recentThrottled: 4 });
    const released = acquireMany(pacer, "write", 3);
    await clock.tickAsync(200);
    expect(released).to.deep.equal([55, 105, 155]);
    // Reads keep their own evidence.
    expect(pacer.state("read")).to.include({ intervalMs: 0, recentThrottled: 0 });
  });

  it("should forget evidence older than the window", () => {
    const pacer = new RequestPacer({ evidenceWindow: 10, evidenceThreshold: 4 });
    for (let i = 0; i < 3; i++) pacer.onThrottled("write", 50);
    for (let i = 0; i < 10; i++) pacer.onSuccess("write");
    expect(pacer.state("write").recentThrottled).to.equal(0);
    for (let i = 0; i < 3; i++) pacer.onThrottled("write", 50);
    expect(pacer.state("write").intervalMs).to.equal(0);
    pacer.onThrottled("write", 50);
    expect(pacer.state("write").intervalMs).to.equal(50);
  });

  it("should reject an evidence threshold outside 1..evidenceWindow, naming the option", () => {
    expect(() => new RequestPacer({ evidenceWindow: 5, evidenceThreshold: 6 })).to.throw(
      /evidenceThreshold must be an integer from 1 to evidenceWindow \(5\), got 6/,
    );
    expect(() => new RequestPacer({ evidenceThreshold: 0 })).to.throw(/evidenceThreshold/);
    expect(() => new RequestPacer({ evidenceWindow: 0 })).to.throw(
      /evidenceWindow must be a positive integer/,
    );
  });

  describe("against simulated servers (fake time, no latency)", () => {
    /**
     * `workers` concurrent callers make `writes` writes in all through `pacer`, each retrying a
     * refused write after the wait the server names (as the client's retry loop does). `serve`
     * answers 0 (granted) or the wait in ms. Resolves with the finish time and the refusals.
     */
    async function fleet(
      pacer: RequestPacer,
      serve: (now: number) => number,
      writes: number,
      workers = 16,
    ): Promise<{ finishedAt: number; refused: number }> {
      let left = writes;
      let refused = 0;
      let finishedAt = -1;
      const worker = async (): Promise<void> => {
        while (left > 0) {
          left--;
          for (;;) {
            const release = await pacer.acquire("write");
            const wait = serve(Date.now());
            if (wait === 0) {
              pacer.onSuccess("write");
              break;
            }
            refused++;
            pacer.onThrottled("write", wait, release);
            await new Promise((resolve) => setTimeout(resolve, wait));
          }
        }
      };
      void Promise.all(Array.from({ length: workers }, worker)).then(() => (finishedAt = Date.now()));
      await clock.tickAsync(600_000);
      expect(finishedAt, "the fleet finished").to.be.at.least(0);
      return { finishedAt, refused };
    }

    /** The emulator's Graph-limits bucket: capacity C, refill R/s; refused writes take no token. */
    function tokenBucket(capacity: number, refillPerSecond: number): (now: number) => number {
      let tokens = capacity;
      let updated = 0;
      return (now) => {
        tokens = Math.min(capacity, tokens + ((now - updated) / 1000) * refillPerSecond);
        updated = now;
        if (tokens >= 1) {
          tokens -= 1;
          return 0;
        }
        return Math.max(1, Math.ceil(((1 - tokens) / refillPerSecond) * 1000));
      };
    }

    /** Deterministic PRNG (mulberry32), so that the random-429 run is the same every time. */
    function seeded(seed: number): () => number {
      let a = seed;
      return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    it("should pace a fleet to a write bucket's floor with few 429s", async () => {
      // W = 1000 writes, C = 100, R = 100/s: the floor is (W − C) / R = 9 s.
      const { finishedAt, refused } = await fleet(new RequestPacer(), tokenBucket(100, 100), 1000);
      expect(finishedAt).to.be.at.least(9_000);
      expect(finishedAt).to.be.at.most(9_000 * 1.15);
      expect(refused / (1000 + refused)).to.be.below(0.04);
    });

    it("should let a fleet with 5 % random 429s run at the speed of its retries", async () => {
      const random = seeded(7);
      const pacer = new RequestPacer();
      const { finishedAt, refused } = await fleet(pacer, () => (random() < 0.05 ? 100 : 0), 1000);
      expect(refused).to.be.greaterThan(20);
      // Unpaced, only the refused writes wait: at most one 100 ms wait per refusal, spread over 16 workers.
      expect(finishedAt).to.be.at.most(100 * refused);
      expect(pacer.state("write").intervalMs).to.equal(0);
      expect(pacer.state("write").blockedUntil).to.equal(0);
    });
  });

  it("should be shared per key across the process", () => {
    clearPacers();
    expect(pacerFor("tenant-a")).to.equal(pacerFor("tenant-a"));
    expect(pacerFor("tenant-a")).not.to.equal(pacerFor("tenant-b"));
  });
});
