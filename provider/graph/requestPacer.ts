/**
 * Client-side pacing shared by every user of one tenant + app in a process (design.md §8): after
 * Graph throttles, requests of that kind wait until the Retry-After time, and are then released one
 * at a time at a learned interval, so that a fleet of resources does not hammer a throttled tenant.
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
  /** At most one growth per this many milliseconds, so one burst of 429s counts once. Defaults to 1 000 ms. */
  increaseCooldownMs?: number;
}

interface LaneState {
  blockedUntil: number;
  intervalMs: number;
  nextReleaseAt: number;
  lastIncreaseAt: number;
  queue: (() => void)[];
  pumping: boolean;
}

/** A snapshot of one lane (for tests, benchmarks and logs). */
export interface PacerLaneState {
  blockedUntil: number;
  intervalMs: number;
  waiting: number;
}

/**
 * Paces requests of one tenant + app. Unthrottled, {@link acquire} resolves at once. After
 * {@link onThrottled}, waiters are held until the Retry-After time and then released one per
 * `intervalMs`, which starts at the Retry-After (capped) and adapts: it grows on further throttling
 * and shrinks on each success until pacing switches off.
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

  constructor(options: RequestPacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxIntervalMs = options.maxIntervalMs ?? 1_000;
    this.increaseFactor = options.increaseFactor ?? 1.2;
    this.decreaseFactor = options.decreaseFactor ?? 0.997;
    this.minIntervalMs = options.minIntervalMs ?? 1;
    this.increaseCooldownMs = options.increaseCooldownMs ?? 1_000;
    const lane = (): LaneState => ({
      blockedUntil: 0,
      intervalMs: 0,
      nextReleaseAt: 0,
      lastIncreaseAt: -Infinity,
      queue: [],
      pumping: false,
    });
    this.lanes = { read: lane(), write: lane() };
  }

  /** Resolves when a request of `lane` may be sent. */
  acquire(lane: PacerLane): Promise<void> {
    const s = this.lanes[lane];
    if (s.intervalMs === 0 && s.queue.length === 0 && this.now() >= s.blockedUntil) return Promise.resolve();
    return new Promise<void>((resolve) => {
      s.queue.push(resolve);
      if (!s.pumping) void this.pump(s);
    });
  }

  /** Records a throttled response that asked to wait `retryAfterMs` (learned as the release interval). */
  onThrottled(lane: PacerLane, retryAfterMs: number): void {
    const s = this.lanes[lane];
    const now = this.now();
    s.blockedUntil = Math.max(s.blockedUntil, now + retryAfterMs);
    const learned = Math.min(Math.max(retryAfterMs, this.minIntervalMs), this.maxIntervalMs);
    if (s.intervalMs === 0) {
      s.intervalMs = learned;
      s.lastIncreaseAt = now;
    } else if (now - s.lastIncreaseAt >= this.increaseCooldownMs) {
      s.intervalMs = Math.min(this.maxIntervalMs, Math.max(s.intervalMs * this.increaseFactor, learned));
      s.lastIncreaseAt = now;
    }
  }

  /** Records a response that was not throttled: the interval shrinks, and pacing ends below the minimum. */
  onSuccess(lane: PacerLane): void {
    const s = this.lanes[lane];
    if (s.intervalMs === 0) return;
    s.intervalMs *= this.decreaseFactor;
    if (s.intervalMs < this.minIntervalMs) s.intervalMs = 0;
  }

  /** The current state of `lane`. */
  state(lane: PacerLane): PacerLaneState {
    const s = this.lanes[lane];
    return { blockedUntil: s.blockedUntil, intervalMs: s.intervalMs, waiting: s.queue.length };
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
          await this.sleep(releaseAt - now);
          continue;
        }
        s.queue.shift()?.();
        s.nextReleaseAt = now + s.intervalMs;
      }
    } finally {
      s.pumping = false;
    }
  }
}

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
