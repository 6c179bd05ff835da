import { expect } from "chai";
import type { SynchronizationJob } from "../../../provider/graph/types";
import { summarizeJobStatus } from "../../../provider/monitoring/jobStatusSummary";
import { describeQuarantine, isQuarantined, quarantineOf } from "../../../provider/resources/jobSummary";
import { job } from "./resourceFakes";

/** A quarantined job whose Graph payload carries a never-happening nextAttempt and an undocumented field. */
function quarantinedWithExtras(): SynchronizationJob {
  const j = job({ state: "Active", code: "Quarantine", quarantined: true });
  j.status.quarantine = {
    ...j.status.quarantine!,
    nextAttempt: "0001-01-01T00:00:00Z",
    seriesCount: 4,
    error: { ...j.status.quarantine!.error!, internalTrace: "not for outputs" } as never,
  };
  return j;
}

describe("quarantineOf (the resources' quarantine output)", () => {
  it("should carry reason, since, nextAttempt, seriesCount and error, `since` being currentBegan", () => {
    expect(quarantineOf(job({ code: "Quarantine", quarantined: true }))).to.deep.equal({
      reason: "EncounteredQuarantineException",
      since: "2026-05-01T11:00:00Z",
      nextAttempt: "2026-05-01T13:00:00Z",
      seriesCount: 1,
      error: {
        code: "AwsInvalidCredentials",
        message: "The credentials are invalid",
        tenantActionable: true,
      },
    });
  });

  it("should be null for a job that is not quarantined", () => {
    expect(quarantineOf(job({ state: "Active", code: "Active" }))).to.equal(null);
    expect(isQuarantined(job({ state: "Active", code: "Active" }))).to.equal(false);
  });

  it("should have the shape and values of the monitoring status's quarantine", () => {
    for (const j of [job({ code: "Quarantine", quarantined: true }), quarantinedWithExtras(), job()]) {
      expect(quarantineOf(j)).to.deep.equal(summarizeJobStatus("sp", j).quarantine);
    }
  });

  it("should turn Graph's 0001-01-01 nextAttempt into null and keep only the documented error fields", () => {
    const q = quarantineOf(quarantinedWithExtras());
    expect(q?.nextAttempt).to.equal(null);
    expect(q?.seriesCount).to.equal(4);
    expect(q?.error).to.deep.equal({
      code: "AwsInvalidCredentials",
      message: "The credentials are invalid",
      tenantActionable: true,
    });
  });

  it("should describe a quarantine with its start, reason and Graph's error", () => {
    expect(describeQuarantine(job({ code: "Quarantine", quarantined: true }))).to.equal(
      "quarantined since 2026-05-01T11:00:00Z (reason EncounteredQuarantineException: " +
        "AwsInvalidCredentials: The credentials are invalid)",
    );
  });
});
