import { expect } from "chai";
import sinon from "sinon";
import { RequestPacer, clearPacers, pacerFor } from "../../../provider/graph/requestPacer";
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
    const pacer = new RequestPacer();
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
    const pacer = new RequestPacer({ increaseCooldownMs: 0 });
    pacer.onThrottled("write", 100);
    const released = acquireMany(pacer, "write", 4);
    await clock.tickAsync(100);
    expect(released).to.deep.equal([100]);
    pacer.onThrottled("write", 300); // blocks until 400, interval grows to 300
    await clock.tickAsync(2_000);
    expect(released).to.deep.equal([100, 400, 700, 1000]);
    expect(pacer.state("write").intervalMs).to.equal(300);
  });

  it("should grow the interval at most once per cooldown, up to twice the largest wait and the cap", () => {
    const pacer = new RequestPacer({ maxIntervalMs: 1_000, increaseFactor: 2, increaseCooldownMs: 1_000 });
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
    const pacer = new RequestPacer({ increaseFactor: 2, increaseCooldownMs: 1_000 });
    pacer.onThrottled("write", 3); // a token bucket's first 429 names a fraction of its refill time
    expect(pacer.state("write").intervalMs).to.equal(3);
    pacer.onThrottled("write", 10); // one right after a granted write names all of it
    expect(pacer.state("write").intervalMs).to.equal(10);
    pacer.onThrottled("write", 4);
    expect(pacer.state("write").intervalMs).to.equal(10);
  });

  it("should number releases and grow the interval once per round of releases, not per late 429", async () => {
    const pacer = new RequestPacer({ increaseFactor: 2, increaseCooldownMs: 60_000 });
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
    const pacer = new RequestPacer({ decreaseFactor: 0.5, minIntervalMs: 10 });
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

  it("should be shared per key across the process", () => {
    clearPacers();
    expect(pacerFor("tenant-a")).to.equal(pacerFor("tenant-a"));
    expect(pacerFor("tenant-a")).not.to.equal(pacerFor("tenant-b"));
  });
});
