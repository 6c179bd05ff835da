import { expect } from "chai";
import * as sinon from "sinon";
import type {
  GraphApi,
  GraphPage,
  ProvisioningLogQuery,
  ProvisioningObjectSummary,
} from "../../../provider/graph/types";
import {
  listProvisioningEvents,
  listProvisioningEventsFrom,
  toProvisioningLogQuery,
} from "../../../provider/monitoring/provisioningEvents";
import { SlidingWindowRateLimiter } from "../../../provider/monitoring/slidingWindowRateLimiter";

function event(id: string, at = "2024-05-01T10:00:00Z"): ProvisioningObjectSummary {
  return {
    id,
    activityDateTime: at,
    changeId: null,
    cycleId: null,
    jobId: "aws.job",
    tenantId: null,
    durationInMilliseconds: 10,
    initiatedBy: null,
    modifiedProperties: [],
    provisioningAction: "create",
    provisioningStatusInfo: { status: "success", errorInformation: null },
    provisioningSteps: [],
    servicePrincipal: { id: "sp-1", displayName: "AWS" },
    sourceIdentity: null,
    targetIdentity: null,
    sourceSystem: null,
    targetSystem: null,
  };
}

/** A GraphApi whose provisioning-log pages are scripted; `calls` records every request. */
function pagedApi(pages: GraphPage<ProvisioningObjectSummary>[]) {
  const calls: { query: ProvisioningLogQuery; nextLink?: string }[] = [];
  const listProvisioningEventsPage = sinon.fake(async (query: ProvisioningLogQuery, nextLink?: string) => {
    calls.push({ query, nextLink });
    const index = nextLink === undefined ? 0 : Number(new URL(nextLink).searchParams.get("page"));
    const page = pages[index];
    if (!page) throw new Error(`no page ${index}`);
    return page;
  });
  const api = { listProvisioningEventsPage } as unknown as GraphApi;
  return { api, calls };
}

function link(page: number): string {
  return `https://graph.example/v1.0/auditLogs/provisioning?$skiptoken=x&page=${page}`;
}

/** A limiter that never waits, so tests about paging are independent of the limit. */
function freeLimiter(): SlidingWindowRateLimiter {
  return new SlidingWindowRateLimiter({ limit: 1_000_000, windowMs: 1, sleep: async () => undefined });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("listProvisioningEventsFrom", () => {
  it("should follow @odata.nextLink through every page, including empty ones, passing each link back", async () => {
    const { api, calls } = pagedApi([
      { value: [event("a"), event("b")], nextLink: link(1) },
      { value: [], nextLink: link(2) },
      { value: [event("c")] },
    ]);
    const events = await collect(listProvisioningEventsFrom(api, {}, { limiter: freeLimiter() }));
    expect(events.map((e) => e.id)).to.deep.equal(["a", "b", "c"]);
    expect(calls.map((c) => c.nextLink)).to.deep.equal([undefined, link(1), link(2)]);
  });

  it("should turn the filters into one query with ISO instants, used for every page", async () => {
    const { api, calls } = pagedApi([{ value: [event("a")], nextLink: link(1) }, { value: [] }]);
    await collect(
      listProvisioningEventsFrom(
        api,
        {
          servicePrincipalId: "sp-1",
          jobId: "aws.tenant.guid",
          since: new Date(Date.UTC(2024, 4, 1, 8)),
          until: "2024-05-02T00:00:00+02:00",
          status: "failure",
          pageSize: 50,
        },
        { limiter: freeLimiter() },
      ),
    );
    const expected: ProvisioningLogQuery = {
      servicePrincipalId: "sp-1",
      jobId: "aws.tenant.guid",
      since: "2024-05-01T08:00:00.000Z",
      until: "2024-05-01T22:00:00.000Z",
      status: "failure",
      top: 50,
    };
    expect(calls.map((c) => c.query)).to.deep.equal([expected, expected]);
  });

  it("should use a page size of 100 when none is given", async () => {
    const { api, calls } = pagedApi([{ value: [] }]);
    await collect(listProvisioningEventsFrom(api, {}, { limiter: freeLimiter() }));
    expect(calls[0].query).to.deep.equal({ top: 100 });
  });

  it("should stop at `limit` without requesting further pages", async () => {
    const { api, calls } = pagedApi([
      { value: [event("a"), event("b")], nextLink: link(1) },
      { value: [event("c"), event("d")], nextLink: link(2) },
      { value: [event("e")] },
    ]);
    const events = await collect(listProvisioningEventsFrom(api, { limit: 3 }, { limiter: freeLimiter() }));
    expect(events.map((e) => e.id)).to.deep.equal(["a", "b", "c"]);
    expect(calls).to.have.length(2);
  });

  it("should stop requesting when the consumer breaks out of the loop", async () => {
    const { api, calls } = pagedApi([
      { value: [event("a")], nextLink: link(1) },
      { value: [event("b")], nextLink: link(2) },
      { value: [event("c")] },
    ]);
    for await (const e of listProvisioningEventsFrom(api, {}, { limiter: freeLimiter() })) {
      if (e.id === "a") break;
    }
    expect(calls).to.have.length(1);
  });

  it("should start no more than 5 page requests in any 10 s", async () => {
    const pages = Array.from({ length: 12 }, (_, i) => ({
      value: [event(`e${i}`)],
      ...(i < 11 ? { nextLink: link(i + 1) } : {}),
    }));
    const { api } = pagedApi(pages);
    let now = 0;
    const requestTimes: number[] = [];
    const timedApi = {
      listProvisioningEventsPage: async (q: ProvisioningLogQuery, next?: string) => {
        requestTimes.push(now);
        now += 300; // each request takes 0.3 s
        return api.listProvisioningEventsPage(q, next);
      },
    } as unknown as GraphApi;
    const limiter = new SlidingWindowRateLimiter({
      limit: 5,
      windowMs: 10_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const events = await collect(listProvisioningEventsFrom(timedApi, {}, { limiter, limiterKey: "t|app" }));
    expect(events).to.have.length(12);
    expect(requestTimes).to.deep.equal([
      0, 300, 600, 900, 1200, 10_000, 10_300, 10_600, 10_900, 11_200, 20_000, 20_300,
    ]);
  });

  it("should share the budget of one key between concurrent iterations", async () => {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter({
      limit: 5,
      windowMs: 10_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    // Reserve 4 slots for another iteration on the same app and tenant.
    for (let i = 0; i < 4; i++) limiter.reserve("t|app");
    const { api, calls } = pagedApi([{ value: [], nextLink: link(1) }, { value: [] }]);
    const starts: number[] = [];
    const spy = {
      listProvisioningEventsPage: (q: ProvisioningLogQuery, n?: string) => {
        starts.push(now);
        return api.listProvisioningEventsPage(q, n);
      },
    } as unknown as GraphApi;
    await collect(listProvisioningEventsFrom(spy, {}, { limiter, limiterKey: "t|app" }));
    expect(calls).to.have.length(2);
    expect(starts).to.deep.equal([0, 10_000]);
  });

  it("should reject bad arguments on the first next(), naming the field, before any request", async () => {
    const { api, calls } = pagedApi([{ value: [] }]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ since: "yesterday" }, /since must be a Date or an ISO 8601/],
      [{ until: new Date(NaN) }, /until must be a Date or an ISO 8601/],
      [
        { since: "2024-05-02T00:00:00Z", until: "2024-05-01T00:00:00Z" },
        /since .* must be earlier than until/,
      ],
      [{ status: "failed" }, /status must be one of success, failure, skipped, warning/],
      [{ pageSize: 0 }, /pageSize must be an integer from 1 to 1000/],
      [{ pageSize: 1001 }, /pageSize must be an integer from 1 to 1000/],
      [{ limit: 2.5 }, /limit must be a positive integer/],
      [{ servicePrincipalId: "" }, /servicePrincipalId must be a non-empty string/],
      [{ jobId: 42 }, /jobId must be a non-empty string/],
    ];
    for (const [args, message] of cases) {
      const iterator = listProvisioningEventsFrom(api, args, { limiter: freeLimiter() });
      let error: unknown;
      try {
        await iterator.next();
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(args)).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(message);
    }
    expect(calls).to.have.length(0);
  });

  it("should pass a Graph failure on to the consumer", async () => {
    const failing = {
      listProvisioningEventsPage: async () => {
        throw new Error("GET /auditLogs/provisioning: 403 Authorization_RequestDenied: denied");
      },
    } as unknown as GraphApi;
    const iterator = listProvisioningEventsFrom(failing, {}, { limiter: freeLimiter() });
    let error: unknown;
    try {
      await iterator.next();
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/403 Authorization_RequestDenied/);
  });
});

describe("toProvisioningLogQuery", () => {
  it("should leave out filters that were not given", () => {
    expect(toProvisioningLogQuery({ status: "skipped" })).to.deep.equal({ status: "skipped", top: 100 });
  });
});

describe("listProvisioningEvents", () => {
  it("should reject bad arguments before resolving any connection", async () => {
    const iterable = listProvisioningEvents({ status: "bogus" as never, connection: { tenantId: "" } });
    let error: unknown;
    try {
      await iterable[Symbol.asyncIterator]().next();
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/^status must be one of/);
  });
});
