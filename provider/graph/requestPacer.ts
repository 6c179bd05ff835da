/**
 * Client-side pacing shared by every user of one tenant + app in a process (design.md §8). Once the
 * 429s of a lane show a rate limit (many of its recent requests refused), requests of that lane wait
 * until the Retry-After time and are then released one at a time at a learned interval, so that a
 * fleet of resources does not hammer a throttled tenant. An occasional 429 (another app sharing the
 * tenant's budget, a busy backend) only delays its own request: holding the whole lane for it made
 * a fleet with 5 % random 429s crawl at the Retry-After pace (100× slower, bench/results.md).
 */
import { defaultSleep } from "./retryPolicy";
import type { Sleep } from "./retryPolicy";

/** Graph throttles reads and writes separately (graph-api.md §11), so they are paced separately. */
export type PacerLane = "read" | "write";

/** Options of {@link RequestPacer}. */
export interface RequestPacerOptions {
  /** Clock in epoch milliseconds. Defaults to Date.now. */
  now?: () => number;
  /** Defaults to a setTimeout sleep. */
  sleep?: Sleep;
  /** Largest release interval learned from one Retry-After. Defaults to 1 000 ms. */
  maxIntervalMs?: number;
  /** Interval growth on a throttled response once paced. Defaults to 1.2. */
  increaseFactor?: number;
  /** Interval shrink per successful response. Defaults to 0.997. */
  decreaseFactor?: number;
  /** Below this interval pacing switches off. Defaults to 1 ms. */
  minIntervalMs?: number;
  /**
   * At most one growth per this many milliseconds, so one burst of 429s counts once. Applies when
   * {@link RequestPacer.onThrottled} gets no release number; with one, a 429 grows the interval only
   * when its request was released after the last growth. Defaults to 1 000 ms.
   */
  increaseCooldownMs?: number;
  /** How many of a lane's latest responses are remembered as evidence of a rate limit. Defaults to 20. */
  evidenceWindow?: number;
  /**
   * Pacing starts when at least this many of the lane's latest `evidenceWindow` responses were
   * throttled. Defaults to 8 (40 % of 20): random 429s at a few percent almost never reach it
   * (5 %: about 3 in a million windows), a drained token bucket, refusing nearly every request,
   * reaches it within a handful of responses.
   */
  evidenceThreshold?: number;
}

interface LaneState {
  name: PacerLane;
  blockedUntil: number;
  intervalMs: number;
  nextReleaseAt: number;
  lastIncreaseAt: number;
  /** Requests released so far (the release number of the latest). */
  released: number;
  /** `released` when the interval last grew. */
  releasedAtIncrease: number;
  /** Largest wait a 429 named since pacing began, in ms (capped); bounds the interval's growth. */
  largestWaitMs: number;
  /** Ring of the latest responses (1 = throttled) and how many of them were throttled. */
  outcomes: Uint8Array;
  outcomeAt: number;
  throttledInWindow: number;
  queue: Waiter[];
  pumping: boolean;
}

/** A request waiting in a lane: released with its number, or refused when its deadline comes first. */
interface Waiter {
  resolve: (release: number) => void;
  reject: (error: PacerDeadlineError) => void;
  deadline: number;
}

/**
 * Why {@link RequestPacer.acquire} refused a request: its lane is held (Retry-After, pacing) until
 * after the request's own deadline, so it fails now instead of waiting past it. Not sent: not applied.
 */
export class PacerDeadlineError extends Error {
  constructor(
    /** The throttled lane. */
    readonly lane: PacerLane,
    /** Epoch ms when the lane would release the request at the earliest. */
    readonly releaseAt: number,
    /** Milliseconds from the refusal to `releaseAt`. */
    readonly waitMs: number,
    /** The request's deadline (epoch ms). */
    readonly deadline: number,
  ) {
    super(
      `the ${lane} lane is throttled for ${Math.ceil(waitMs / 1000)} s more (until ${new Date(releaseAt).toISOString()}), ` +
        `past this request's deadline (${new Date(deadline).toISOString()})`,
    );
    this.name = "PacerDeadlineError";
  }
}

/** A snapshot of one lane (for tests, benchmarks and logs). */
export interface PacerLaneState {
  /** Epoch ms until which nothing is released (0 or past: not blocked). */
  blockedUntil: number;
  /** Release interval in ms; 0 when the lane is not paced. */
  intervalMs: number;
  /** Requests waiting to be released. */
  waiting: number;
  /** Throttled responses among the latest `evidenceWindow`. */
  recentThrottled: number;
}

/**
 * Paces requests of one tenant + app, per lane. Unpaced, {@link acquire} resolves at once, and a
 * 429 reported through {@link onThrottled} only counts as evidence. When the evidence shows a rate
 * limit (`evidenceThreshold` of the latest `evidenceWindow` responses throttled), the lane is paced:
 * waiters are held until the Retry-After time and then released one per `intervalMs`, which starts
 * at the Retry-After (capped) and adapts (multiplicative on the rate both ways: scale-free, so the
 * same constants suit 20 writes/s and 2 000): it grows by `increaseFactor` when requests released at
 * the current interval are throttled again, bounded by twice the largest named wait, and shrinks by
 * `decreaseFactor` per success until pacing switches off below `minIntervalMs`.
 */
export class RequestPacer {
  private readonly lanes: Record<PacerLane, LaneState>;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly maxIntervalMs: number;
  private readonly increaseFactor: number;
  private readonly decreaseFactor: number;
  private readonly minIntervalMs: number;
  private readonly increaseCooldownMs: number;
  private readonly evidenceThreshold: number;

  constructor(options: RequestPacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxIntervalMs = options.maxIntervalMs ?? 1_000;
    this.increaseFactor = options.increaseFactor ?? 1.2;
    this.decreaseFactor = options.decreaseFactor ?? 0.997;
    this.minIntervalMs = options.minIntervalMs ?? 1;
    this.increaseCooldownMs = options.increaseCooldownMs ?? 1_000;
    const window = options.evidenceWindow ?? 20;
    this.evidenceThreshold = options.evidenceThreshold ?? 8;
    if (!(Number.isInteger(window) && window >= 1)) {
      throw new Error(`RequestPacer: evidenceWindow must be a positive integer, got ${window}`);
    }
    if (!(
      Number.isInteger(this.evidenceThreshold) &&
      this.evidenceThreshold >= 1 &&
      this.evidenceThreshold <= window
    )) {
      throw new Error(
        `RequestPacer: evidenceThreshold must be an integer from 1 to evidenceWindow (${window}), got ${this.evidenceThreshold}`,
      );
    }
    const lane = (name: PacerLane): LaneState => ({
      name,
      blockedUntil: 0,
      intervalMs: 0,
      nextReleaseAt: 0,
      lastIncreaseAt: -Infinity,
      released: 0,
      releasedAtIncrease: 0,
      largestWaitMs: 0,
      outcomes: new Uint8Array(window),
      outcomeAt: 0,
      throttledInWindow: 0,
      queue: [],
      pumping: false,
    });
    this.lanes = { read: lane("read"), write: lane("write") };
  }

  /**
   * Resolves when a request of `lane` may be sent, with its release number (1, 2, …), which the
   * caller hands back to {@link onThrottled} if that request is throttled. A shared wait never
   * outlasts the request's own `deadline` (epoch ms; its retry budget): when the lane cannot
   * release it by then, it rejects with a {@link PacerDeadlineError} as soon as that is known.
   */
  acquire(lane: PacerLane, deadline = Infinity): Promise<number> {
    const s = this.lanes[lane];
    const now = this.now();
    if (s.intervalMs === 0 && s.queue.length === 0 && now >= s.blockedUntil) {
      return Promise.resolve(this.release(s));
    }
    if (s.blockedUntil > deadline) {
      return Promise.reject(new PacerDeadlineError(lane, s.blockedUntil, s.blockedUntil - now, deadline));
    }
    return new Promise<number>((resolve, reject) => {
      s.queue.push({ resolve, reject, deadline });
      if (!s.pumping) void this.pump(s);
    });
  }

  /**
   * Records a throttled response that asked to wait `retryAfterMs`. Unpaced, it is evidence only
   * (the throttled request itself waits in the retry loop); once the evidence shows a rate limit,
   * and from then on, the lane waits that long and the release interval becomes at least that
   * (capped), growing by `increaseFactor` once per round of releases. `release` is the number
   * {@link acquire} gave the throttled request: 429s of requests released before the last growth
   * are the same overload seen late, and do not grow it again (TCP's one decrease per window);
   * without it, a time cooldown stands in.
   */
  onThrottled(lane: PacerLane, retryAfterMs: number, release?: number): void {
    const s = this.lanes[lane];
    this.record(s, true);
    if (s.intervalMs === 0 && s.throttledInWindow < this.evidenceThreshold) return;
    const now = this.now();
    s.blockedUntil = Math.max(s.blockedUntil, now + retryAfterMs);
    // Waiters that the new hold keeps past their deadline learn it now, not when the pump wakes.
    this.refuseLate(s, s.blockedUntil, now);
    const learned = Math.min(Math.max(retryAfterMs, this.minIntervalMs), this.maxIntervalMs);
    const fresh =
      release === undefined
        ? now - s.lastIncreaseAt >= this.increaseCooldownMs
        : release > s.releasedAtIncrease;
    if (s.intervalMs === 0) {
      s.intervalMs = learned;
      s.largestWaitMs = learned;
      s.lastIncreaseAt = now;
      s.releasedAtIncrease = s.released;
    } else if (fresh) {
      s.releasedAtIncrease = s.released;
      s.largestWaitMs = Math.max(s.largestWaitMs, learned);
      s.intervalMs = Math.min(
        this.maxIntervalMs,
        WAIT_MULTIPLE_BOUND * s.largestWaitMs,
        Math.max(s.intervalMs * this.increaseFactor, learned),
      );
      s.lastIncreaseAt = now;
    } else {
      // Within the cooldown the interval does not grow by the factor, but it never stays below what
      // the server just asked for: the first 429s of a burst name a fraction of the refill time, a
      // 429 right after a granted write names all of it (bench/results.md, write budget).
      s.largestWaitMs = Math.max(s.largestWaitMs, learned);
      s.intervalMs = Math.max(s.intervalMs, learned);
    }
  }

  /**
   * Rejects the waiters of `s` whose deadline comes before `releaseAt` (the earliest release of any
   * of them); true when there were any.
   */
  private refuseLate(s: LaneState, releaseAt: number, now: number): boolean {
    const late = s.queue.filter((w) => w.deadline < releaseAt);
    if (late.length === 0) return false;
    s.queue = s.queue.filter((w) => w.deadline >= releaseAt);
    for (const w of late) w.reject(new PacerDeadlineError(s.name, releaseAt, releaseAt - now, w.deadline));
    return true;
  }

  private release(s: LaneState): number {
    return ++s.released;
  }

  private record(s: LaneState, throttled: boolean): void {
    const bit = throttled ? 1 : 0;
    s.throttledInWindow += bit - s.outcomes[s.outcomeAt];
    s.outcomes[s.outcomeAt] = bit;
    s.outcomeAt = (s.outcomeAt + 1) % s.outcomes.length;
  }

  /** Records a response that was not throttled: the interval shrinks, and pacing ends below the minimum. */
  onSuccess(lane: PacerLane): void {
    const s = this.lanes[lane];
    this.record(s, false);
    if (s.intervalMs === 0) return;
    s.intervalMs *= this.decreaseFactor;
    if (s.intervalMs < this.minIntervalMs) {
      s.intervalMs = 0;
      s.largestWaitMs = 0;
    }
  }

  /** The current state of `lane`. */
  state(lane: PacerLane): PacerLaneState {
    const s = this.lanes[lane];
    return {
      blockedUntil: s.blockedUntil,
      intervalMs: s.intervalMs,
      waiting: s.queue.length,
      recentThrottled: s.throttledInWindow,
    };
  }

  // Releases waiters one at a time; the spacing is read at each release, so a throttle seen
  // meanwhile slows the rest of the queue at once.
  private async pump(s: LaneState): Promise<void> {
    s.pumping = true;
    try {
      while (s.queue.length > 0) {
        const now = this.now();
        const releaseAt = Math.max(s.blockedUntil, s.intervalMs > 0 ? s.nextReleaseAt : 0);
        if (now < releaseAt) {
          if (this.refuseLate(s, releaseAt, now)) continue;
          await this.sleep(releaseAt - now);
          continue;
        }
        s.queue.shift()?.resolve(this.release(s));
        s.nextReleaseAt = now + s.intervalMs;
      }
    } finally {
      s.pumping = false;
    }
  }
}

/**
 * The interval never grows past this multiple of the largest wait a 429 named since pacing began:
 * spacing requests much further apart than the server ever asked anyone to wait only loses time,
 * and with 429s that come regardless of rate, unbounded growth runs away to the cap. Above 1, so
 * that under a token bucket (whose waits are at most its refill time) the pace can swing below the
 * refill rate and the bucket's headroom absorbs the swings (bench/results.md, write budget).
 */
const WAIT_MULTIPLE_BOUND = 2;

const pacers = new Map<string, RequestPacer>();

/** The process-wide pacer for `key` (tenant + app + Graph endpoint), created on first use. */
export function pacerFor(key: string, options?: RequestPacerOptions): RequestPacer {
  let pacer = pacers.get(key);
  if (!pacer) {
    pacer = new RequestPacer(options);
    pacers.set(key, pacer);
  }
  return pacer;
}

/** Drops every shared pacer (tests). */
export function clearPacers(): void {
  pacers.clear();
}
