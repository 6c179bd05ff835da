/**
 * Throttling (design.md §5, §8): 50 GalleryApp creates at once, through one provider process (one
 * shared client and pacer), against the emulator's Graph-limits write bucket plus random 429s and
 * dropped responses on instantiate, create exactly 50 applications — none missing, none twice.
 */
import { expect } from "chai";
import { AWS_TEMPLATE_ID, plainState, RELIABILITY_CREDENTIALS, startRig, type Rig } from "./reliabilityRig";

describe("50 concurrent GalleryApp creates under throttling @reliability @emulator", function () {
  this.timeout(30_000);
  let rig: Rig;

  before(async () => {
    // No timeout faults here: a generous request timeout keeps a loaded machine from faking them.
    rig = await startRig({ timeoutMs: 10_000 });
  });
  after(async () => {
    await rig?.emulator.stop();
  });

  it("should create exactly 50 applications, each once", async () => {
    rig.emulator.reset();
    rig.renew();
    // A small write bucket (10, refilled at 100/s), 20 % random 429s and 3 dropped responses on instantiate.
    rig.emulator.configure({ graphLimits: { writeCapacity: 10, writeRefillPerSecond: 100 } });
    rig.emulator.injectFault({
      method: "POST",
      pathPattern: "/instantiate$",
      kind: "status",
      status: 429,
      retryAfterMs: 20,
      count: -1,
      probability: 0.2,
    });
    rig.emulator.injectFault({
      method: "POST",
      pathPattern: "/instantiate$",
      kind: "dropResponse",
      count: 3,
    });
    const names = Array.from({ length: 50 }, (_, i) => `Throttled app ${String(i).padStart(2, "0")}`);
    const gallery = rig.providers.GalleryApp;
    const results = await Promise.allSettled(
      names.map(async (displayName) => {
        const checked = await gallery.check!({}, { displayName, templateId: AWS_TEMPLATE_ID });
        return gallery.create(checked.inputs);
      }),
    );
    rig.emulator.configure({ graphLimits: false });

    const failures = results.filter((r) => r.status === "rejected");
    expect(failures.map((f) => String((f as PromiseRejectedResult).reason))).to.deep.equal([]);
    const log = rig.emulator.requestLog();
    expect(log.filter((e) => e.status === 429).length, "the run was throttled").to.be.greaterThan(0);

    const live = rig.emulator.state().applications.filter((a) => !a.deletedDateTime);
    const byName = new Map<string, number>();
    for (const a of live) byName.set(String(a.displayName), (byName.get(String(a.displayName)) ?? 0) + 1);
    expect(live).to.have.length(50);
    expect([...byName.keys()].sort()).to.deep.equal(names);
    expect(
      [...byName.values()].every((c) => c === 1),
      "no duplicates",
    ).to.equal(true);
    const ids = results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(new Set(ids).size, "distinct resource ids").to.equal(50);

    const states = results.map((r, i) =>
      plainState({
        GalleryApp: {
          id: ids[i],
          outs: (r as PromiseFulfilledResult<{ outs: Record<string, unknown> }>).value.outs,
        },
      }),
    );
    const corpus = [...states, ...rig.logLines, JSON.stringify(log)].join("\n");
    for (const value of [...Object.values(RELIABILITY_CREDENTIALS), rig.connection.clientSecret!]) {
      expect(corpus.includes(value), "a secret value in plain text").to.equal(false);
    }
  });
});
