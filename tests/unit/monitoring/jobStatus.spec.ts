import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import type { GraphApi, SynchronizationJob } from "../../../provider/graph/types";
import { getProvisioningJobStatus } from "../../../provider/monitoring/jobStatus";
import {
  getProvisioningJobStatusFrom,
  summarizeJobStatus,
} from "../../../provider/monitoring/jobStatusSummary";
import { limiterKeyOf, stackConfigSource } from "../../../provider/monitoring/monitoringConnection";

function activeJob(): SynchronizationJob {
  return {
    id: "aws.tenant.guid",
    templateId: "aws",
    schedule: { expiration: null, interval: "PT40M", state: "Active" },
    status: {
      code: "Active",
      countSuccessiveCompleteFailures: 2,
      escrowsPruned: false,
      lastExecution: {
        activityIdentifier: "a",
        countEntitled: 5,
        countEntitledForProvisioning: 5,
        countEscrowed: 1,
        countEscrowedRaw: 1,
        countExported: 4,
        countExports: 4,
        countImported: 5,
        countImportedDeltas: 0,
        countImportedReferenceDeltas: 0,
        error: null,
        state: "EntryLevelErrors",
        timeBegan: "2024-05-01T10:00:00Z",
        timeEnded: "2024-05-01T10:02:00Z",
      },
      lastSuccessfulExecution: null,
      lastSuccessfulExecutionWithExports: null,
      progress: [
        {
          completedUnits: 4,
          totalUnits: 5,
          units: "users",
          progressObservationDateTime: "2024-05-01T10:01:00Z",
        },
      ],
      quarantine: null,
      steadyStateFirstAchievedTime: "2024-05-01T10:02:00Z",
      steadyStateLastAchievedTime: "0001-01-01T00:00:00Z",
      synchronizedEntryCountByType: [{ key: "User to User", value: 4 }],
      troubleshootingUrl: "https://aka.ms/troubleshoot",
    },
    synchronizationJobSettings: [],
  };
}

describe("summarizeJobStatus", () => {
  it("should flatten schedule and status, keep the last run's counters and null out never-happened times", () => {
    const status = summarizeJobStatus("sp-1", activeJob());
    expect(status).to.deep.equal({
      servicePrincipalId: "sp-1",
      jobId: "aws.tenant.guid",
      templateId: "aws",
      statusCode: "Active",
      scheduleState: "Active",
      scheduleInterval: "PT40M",
      lastExecution: {
        state: "EntryLevelErrors",
        timeBegan: "2024-05-01T10:00:00Z",
        timeEnded: "2024-05-01T10:02:00Z",
        countImported: 5,
        countExported: 4,
        countEscrowed: 1,
        error: null,
      },
      lastSuccessfulExecution: null,
      quarantine: null,
      progress: [
        {
          completedUnits: 4,
          totalUnits: 5,
          units: "users",
          progressObservationDateTime: "2024-05-01T10:01:00Z",
        },
      ],
      steadyStateFirstAchievedTime: "2024-05-01T10:02:00Z",
      steadyStateLastAchievedTime: null,
      countSuccessiveCompleteFailures: 2,
      synchronizedEntryCountByType: [{ key: "User to User", value: 4 }],
      troubleshootingUrl: "https://aka.ms/troubleshoot",
    });
  });

  it("should report a quarantine with `since` taken from currentBegan", () => {
    const job = activeJob();
    job.status.code = "Quarantine";
    job.status.quarantine = {
      currentBegan: "2024-05-01T11:00:00Z",
      nextAttempt: "2024-05-02T11:00:00Z",
      reason: "TooManyDeletes",
      seriesBegan: "2024-05-01T09:00:00Z",
      seriesCount: 3,
      error: null,
    };
    expect(summarizeJobStatus("sp-1", job).quarantine).to.deep.equal({
      reason: "TooManyDeletes",
      since: "2024-05-01T11:00:00Z",
      nextAttempt: "2024-05-02T11:00:00Z",
      seriesCount: 3,
      error: null,
    });
  });
});

describe("getProvisioningJobStatusFrom", () => {
  it("should read the job of that service principal once", async () => {
    const calls: string[][] = [];
    const api = {
      getSynchronizationJob: async (sp: string, job: string) => {
        calls.push([sp, job]);
        return activeJob();
      },
    } as unknown as GraphApi;
    const status = await getProvisioningJobStatusFrom(api, "sp-1", "aws.tenant.guid");
    expect(calls).to.deep.equal([["sp-1", "aws.tenant.guid"]]);
    expect(status.statusCode).to.equal("Active");
  });
});

describe("getProvisioningJobStatus", () => {
  it("should reject missing or path-like ids naming the field, before connecting", async () => {
    const cases: [unknown, RegExp][] = [
      [{ servicePrincipalId: "", jobId: "j" }, /servicePrincipalId must be a non-empty string/],
      [{ servicePrincipalId: "sp", jobId: undefined }, /jobId must be a non-empty string/],
      [{ servicePrincipalId: "sp", jobId: "../x" }, /jobId must be an id, not a path/],
      [undefined, /needs an object \{servicePrincipalId, jobId, connection\?\}/],
    ];
    for (const [args, message] of cases) {
      let error: unknown;
      try {
        // A connection that could never be used: validation must fail first.
        await getProvisioningJobStatus(args as never);
      } catch (e) {
        error = e;
      }
      expect((error as Error)?.message, JSON.stringify(args)).to.match(message);
    }
  });
});

describe("stackConfigSource", () => {
  afterEach(() => {
    pulumi.runtime.setAllConfig({});
  });

  it("should read namespaced keys from the Pulumi stack config", () => {
    pulumi.runtime.setAllConfig({
      "graphProvisioning:tenantId": "tenant-from-config",
      "other:tenantId": "other",
    });
    const config = stackConfigSource();
    expect(config?.get("graphProvisioning:tenantId")).to.equal("tenant-from-config");
    expect(config?.get("graphProvisioning:clientId")).to.equal(undefined);
    expect(config?.get("other:tenantId")).to.equal("other");
  });
});

describe("limiterKeyOf", () => {
  it("should key by endpoint, tenant and client, not by secret", () => {
    const base = { graphEndpoint: "https://graph.microsoft.com", tenantId: "t", clientId: "c" };
    expect(limiterKeyOf(base)).to.equal(limiterKeyOf({ ...base, clientSecret: "other" } as typeof base));
    expect(limiterKeyOf(base)).not.to.equal(limiterKeyOf({ ...base, tenantId: "t2" }));
    expect(limiterKeyOf(base)).not.to.contain("other");
  });
});
