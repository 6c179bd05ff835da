import { expect } from "chai";
import sinon from "sinon";
import { GraphError } from "../../../provider/graph/graphError";
import { parseRetryAfterMs } from "../../../provider/graph/retryAfter";
import { sendWithRetry } from "../../../provider/graph/retryPolicy";
import {
  exponentialDelayMs,
  throttlingStrategy,
  transientStrategy,
} from "../../../provider/graph/retryStrategies";
import type { RetryDecision } from "../../../provider/graph/retryStrategies";

function graphError(statusCode: number, code = "Err", retryAfterMs?: number, method = "GET"): GraphError {
  return new GraphError({ statusCode, code, graphMessage: "failed", method, path: "/x", retryAfterMs });
}

/** The first non-skip decision of the default strategies, as the loop takes it. */
function decide(
  method: string,
  error: GraphError,
  strategyRetries = 0,
  elapsedMs = 0,
  repeatable?: boolean,
): RetryDecision {
  for (const s of [throttlingStrategy({ random: () => 0.5 }), transientStrategy({ random: () => 0.5 })]) {
    const d = s.decide({
      method,
      error,
      attempt: strategyRetries + 1,
      strategyRetries,
      elapsedMs,
      repeatable,
    });
    if (!("skip" in d)) return d;
  }
  return { skip: true };
}

const METHODS = ["GET", "PUT", "PATCH", "DELETE", "POST"];

describe("retry decision table (design.md §5)", () => {
  for (const status of [429, 503, 504]) {
    for (const method of METHODS.filter((m) => status === 429 || m !== "POST")) {
      it(`should retry ${status} on ${method}`, () => {
        expect(decide(method, graphError(status, "Throttled", 2_500))).to.deep.equal({ retryAfterMs: 2_500 });
      });
    }
  }
  for (const status of [503, 504]) {
    it(`should not retry ${status} on POST (a gateway may answer it after the backend acted)`, () => {
      expect(decide("POST", graphError(status, "Throttled", 2_500))).to.deep.equal({ skip: true });
    });
    it(`should retry ${status} on a sideEffectFree POST`, () => {
      expect(decide("POST", graphError(status, "Throttled", 2_500), 0, 0, true)).to.deep.equal({
        retryAfterMs: 2_500,
      });
    });
  }
  it("should not retry the pacer's own THROTTLED refusal", () => {
    expect(decide("GET", graphError(429, GraphError.THROTTLED, 3_600_000))).to.deep.equal({ skip: true });
  });

  const transient: [string, GraphError][] = [
    ["500", graphError(500)],
    ["502", graphError(502)],
    ["connection reset", graphError(0, GraphError.REQUEST_SEND_ERROR)],
    ["timeout", graphError(0, GraphError.TIMEOUT)],
  ];
  for (const [label, error] of transient) {
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      it(`should retry ${label} on ${method} with backoff`, () => {
        const d = decide(method, error);
        expect(d).to.have.property("retryAfterMs").that.is.within(500, 1_000);
      });
    }
    it(`should not retry ${label} on POST (the resource looks up first)`, () => {
      expect(decide("POST", error)).to.deep.equal({ skip: true });
    });
    it(`should retry ${label} on a sideEffectFree POST with backoff`, () => {
      expect(decide("POST", error, 0, 0, true))
        .to.have.property("retryAfterMs")
        .that.is.within(500, 1_000);
    });
  }

  for (const status of [400, 401, 403, 404, 409, 412, 422]) {
    for (const method of METHODS) {
      it(`should not retry ${status} on ${method}`, () => {
        expect(decide(method, graphError(status))).to.deep.equal({ skip: true });
      });
    }
  }

  it("should not retry a parse error or a 501", () => {
    expect(decide("GET", graphError(200, GraphError.PARSE_ERROR))).to.deep.equal({ skip: true });
    expect(decide("GET", graphError(501))).to.deep.equal({ skip: true });
  });
});

describe("exponentialDelayMs", () => {
  it("should double from the base, stay within [half, full] of the step, and cap", () => {
    expect(exponentialDelayMs(0, 1000, 30_000, () => 0)).to.equal(500);
    expect(exponentialDelayMs(0, 1000, 30_000, () => 0.999999)).to.equal(1000);
    expect(exponentialDelayMs(3, 1000, 30_000, () => 0.999999)).to.equal(8000);
    expect(exponentialDelayMs(3, 1000, 30_000, () => 0)).to.equal(4000);
    expect(exponentialDelayMs(10, 1000, 30_000, () => 0.999999)).to.equal(30_000);
    expect(exponentialDelayMs(40, 1000, 30_000, () => 0)).to.equal(15_000);
  });
});

describe("throttlingStrategy", () => {
  it("should back off exponentially up to the cap when the response names no wait", () => {
    const s = throttlingStrategy({ baseDelayMs: 1000, maxDelayMs: 8000, random: () => 0.999999 });
    const waits = [0, 1, 2, 3, 4, 5].map((n) => {
      const d = s.decide({
        method: "POST",
        error: graphError(429),
        attempt: n + 1,
        strategyRetries: n,
        elapsedMs: 0,
      });
      return (d as { retryAfterMs: number }).retryAfterMs;
    });
    expect(waits).to.deep.equal([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it("should give up when the next wait would pass the elapsed-time limit, not after a count", () => {
    const s = throttlingStrategy({ maxElapsedMs: 60_000 });
    const ctx = { method: "GET", attempt: 50, strategyRetries: 49 };
    expect(s.decide({ ...ctx, error: graphError(429, "T", 5_000), elapsedMs: 55_000 })).to.deep.equal({
      retryAfterMs: 5_000,
    });
    const d = s.decide({ ...ctx, error: graphError(429, "T", 5_001), elapsedMs: 55_000 });
    expect(d)
      .to.have.property("giveUp")
      .that.matches(
        /still throttled after 55 s, and asked to wait 5 s more; the limit is 60 s; run again later/,
      );
  });

  // Issue 10 item 2: a named wait of 0, a negative one or a past date must not make a hot loop.
  it("should wait at least the backoff minimum when Retry-After is 0, negative or a past date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const s = throttlingStrategy({ baseDelayMs: 1000, minDelayMs: 100, random: () => 0 });
    const headers = [
      { "retry-after": "0" },
      { "retry-after": "-5" },
      { "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" },
      { "x-ms-retry-after-ms": "0" },
      { "x-ms-retry-after-ms": "0", "retry-after": "0" },
    ];
    for (const h of headers) {
      const error = graphError(429, "TooManyRequests", parseRetryAfterMs(h, now));
      const waits = [0, 1, 2].map((n) => {
        const d = s.decide({ method: "POST", error, attempt: n + 1, strategyRetries: n, elapsedMs: 0 });
        return (d as { retryAfterMs: number }).retryAfterMs;
      });
      // Backoff, as if no wait had been named: half of 1, 2, 4 s with random() = 0.
      expect(waits, JSON.stringify(h)).to.deep.equal([500, 1000, 2000]);
    }
    const tiny = s.decide({
      method: "GET",
      error: graphError(429, "TooManyRequests", parseRetryAfterMs({ "x-ms-retry-after-ms": "1" }, now)),
      attempt: 1,
      strategyRetries: 0,
      elapsedMs: 0,
    });
    expect(tiny).to.deep.equal({ retryAfterMs: 100 });
  });
});

describe("transientStrategy", () => {
  it("should give up after maxRetries retries", () => {
    const s = transientStrategy({ maxRetries: 2, random: () => 0 });
    const at = (n: number) =>
      s.decide({ method: "GET", error: graphError(502), attempt: n + 1, strategyRetries: n, elapsedMs: 0 });
    expect(at(0)).to.deep.equal({ retryAfterMs: 500 });
    expect(at(1)).to.deep.equal({ retryAfterMs: 1000 });
    expect(at(2))
      .to.have.property("giveUp")
      .that.matches(/after 3 attempts/);
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("should prefer x-ms-retry-after-ms over Retry-After", () => {
    expect(parseRetryAfterMs({ "x-ms-retry-after-ms": "250", "retry-after": "7" }, now)).to.equal(250);
  });
  it("should read Retry-After seconds", () => {
    expect(parseRetryAfterMs({ "retry-after": "7" }, now)).to.equal(7000);
  });
  it("should read Retry-After as an HTTP date, and a past date as 0", () => {
    expect(parseRetryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:09 GMT" }, now)).to.equal(9000);
    expect(parseRetryAfterMs({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, now)).to.equal(0);
  });
  it("should ignore missing and garbage values", () => {
    expect(parseRetryAfterMs({}, now)).to.equal(undefined);
    expect(parseRetryAfterMs({ "retry-after": "soon" }, now)).to.equal(undefined);
    expect(parseRetryAfterMs({ "x-ms-retry-after-ms": "-5", "retry-after": "2" }, now)).to.equal(2000);
  });
});

describe("sendWithRetry", () => {
  afterEach(() => sinon.restore());

  it("should wait exactly the decided delays on the clock (fake timers) and return the result", async () => {
    const clock = sinon.useFakeTimers({ now: 0 });
    const send = sinon.stub();
    send.onCall(0).rejects(graphError(429, "T", 3_000));
    send.onCall(1).rejects(graphError(503, "T", 1_500));
    send.onCall(2).resolves("ok");
    const result = sendWithRetry("PUT", send);
    await clock.tickAsync(0);
    expect(send.callCount).to.equal(1);
    await clock.tickAsync(2_999);
    expect(send.callCount).to.equal(1);
    await clock.tickAsync(1);
    expect(send.callCount).to.equal(2);
    await clock.tickAsync(1_499);
    expect(send.callCount).to.equal(2);
    await clock.tickAsync(1);
    expect(await result).to.equal("ok");
    expect(send.callCount).to.equal(3);
    expect(send.args.map((a) => a[0])).to.deep.equal([1, 2, 3]);
  });

  it("should keep retrying throttling beyond a small count, until the elapsed-time limit", async () => {
    let now = 0;
    const sleeps: number[] = [];
    const send = sinon.stub().rejects(graphError(429, "TooManyRequests", 10_000));
    const err: GraphError = await sendWithRetry<GraphError>("PATCH", send, {
      strategies: [throttlingStrategy({ maxElapsedMs: 600_000 })],
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    }).catch((e: GraphError) => e);
    expect(sleeps).to.have.length(60);
    expect(send.callCount).to.equal(61);
    expect(err).to.be.instanceOf(GraphError);
    expect(err.attempts).to.equal(61);
    expect(err.message).to.match(/429 TooManyRequests: failed .*gave up: still throttled after 600 s/);
  });

  it("should stop after the transient attempt limit on GET", async () => {
    const send = sinon.stub().rejects(graphError(500, "InternalServerError"));
    const sleeps: number[] = [];
    const err: GraphError = await sendWithRetry<GraphError>("GET", send, {
      strategies: [transientStrategy({ maxRetries: 3, random: () => 0.999999 })],
      sleep: async (ms) => void sleeps.push(ms),
    }).catch((e: GraphError) => e);
    expect(send.callCount).to.equal(4);
    expect(sleeps).to.deep.equal([1000, 2000, 4000]);
    expect(err.attempts).to.equal(4);
  });

  for (const [label, error] of [
    ["503", graphError(503, "ServiceUnavailable", 1_000)],
    ["504", graphError(504, "GatewayTimeout")],
    ["500", graphError(500)],
    ["502", graphError(502)],
    ["connection reset", graphError(0, GraphError.REQUEST_SEND_ERROR)],
    ["timeout", graphError(0, GraphError.TIMEOUT)],
  ] as const) {
    // Issue 10 item 1: the resource looks up before repeating a POST that may have been applied.
    it(`should hand a POST's ${label} to the caller at once, and retry it when sideEffectFree`, async () => {
      let now = 0;
      const send = sinon.stub().rejects(error);
      const err: GraphError = await sendWithRetry<GraphError>("POST", send, {
        now: () => now,
        sleep: async (ms) => void (now += ms),
      }).catch((e: GraphError) => e);
      expect(send.callCount).to.equal(1);
      expect(err.statusCode).to.equal(error.statusCode);
      const again = sinon.stub();
      again.onCall(0).rejects(error);
      again.onCall(1).resolves("validated");
      const result = await sendWithRetry("POST", again, {
        sleep: async () => undefined,
        sideEffectFree: true,
      });
      expect(result).to.equal("validated");
      expect(again.callCount).to.equal(2);
    });
  }

  it("should throw a POST transport failure at once", async () => {
    const send = sinon.stub().rejects(graphError(0, GraphError.REQUEST_SEND_ERROR));
    const err: GraphError = await sendWithRetry<GraphError>("POST", send, {
      sleep: async () => undefined,
    }).catch((e: GraphError) => e);
    expect(send.callCount).to.equal(1);
    expect(err.code).to.equal(GraphError.REQUEST_SEND_ERROR);
    expect(err.attempts).to.equal(1);
  });

  it("should rethrow a non-Graph error (e.g. a credential failure) without retrying", async () => {
    const boom = new Error("AADSTS7000215: Invalid client secret provided.");
    const send = sinon.stub().rejects(boom);
    const err: GraphError = await sendWithRetry<GraphError>("GET", send, {
      sleep: async () => undefined,
    }).catch((e: GraphError) => e);
    expect(err).to.equal(boom);
    expect(send.callCount).to.equal(1);
  });
});
