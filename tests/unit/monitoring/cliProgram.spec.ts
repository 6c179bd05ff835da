import { expect } from "chai";
import type {
  ApplicationTemplate,
  ProvisioningLogQuery,
  ProvisioningObjectSummary,
  SynchronizationJob,
  SynchronizationTaskExecution,
} from "../../../provider/graph/types";
import { connectionInputFromFlags } from "../../../cli/cliConnection";
import { UsageError } from "../../../cli/cliErrors";
import { run } from "../../helpers/fakeCli";

const SP = "11111111-2222-3333-4444-555555555555";
const JOB = "aws.0123456789abcdef0123456789abcdef.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

function template(id: string, displayName: string, provisioning: boolean): ApplicationTemplate {
  return {
    id,
    displayName,
    publisher: "Contoso",
    categories: ["developerServices"],
    supportedProvisioningTypes: provisioning ? ["sync"] : [],
  };
}

function execution(state: SynchronizationTaskExecution["state"]): SynchronizationTaskExecution {
  return {
    activityIdentifier: "run-1",
    countEntitled: 3,
    countEntitledForProvisioning: 3,
    countEscrowed: 0,
    countEscrowedRaw: 0,
    countExported: 3,
    countExports: 3,
    countImported: 3,
    countImportedDeltas: 0,
    countImportedReferenceDeltas: 0,
    error:
      state === "Failed" ? { code: "SchemaInvalid", message: "bad mapping", tenantActionable: true } : null,
    state,
    timeBegan: "2024-05-01T10:00:00Z",
    timeEnded: "2024-05-01T10:01:00Z",
  };
}

function job(
  code: SynchronizationJob["status"]["code"],
  scheduleState: SynchronizationJob["schedule"]["state"],
  extra: Partial<SynchronizationJob["status"]> = {},
): SynchronizationJob {
  return {
    id: JOB,
    templateId: "aws",
    schedule: { expiration: null, interval: "PT40M", state: scheduleState },
    status: {
      code,
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      lastExecution: null,
      lastSuccessfulExecution: null,
      lastSuccessfulExecutionWithExports: null,
      progress: [],
      quarantine: null,
      steadyStateFirstAchievedTime: "0001-01-01T00:00:00Z",
      steadyStateLastAchievedTime: "0001-01-01T00:00:00Z",
      synchronizedEntryCountByType: [],
      troubleshootingUrl: null,
      ...extra,
    },
    synchronizationJobSettings: [],
  };
}

const QUARANTINED = job("Quarantine", "Active", {
  quarantine: {
    currentBegan: "2024-05-01T10:05:00Z",
    nextAttempt: "2024-05-01T22:05:00Z",
    reason: "EncounteredQuarantineException",
    seriesBegan: "2024-05-01T10:05:00Z",
    seriesCount: 1,
    error: { code: "CredentialsInvalid", message: "The secret token was rejected.", tenantActionable: true },
  },
});

/** A getSynchronizationJob that answers each poll with the next job in `sequence` (the last repeats). */
function jobSequence(...sequence: SynchronizationJob[]) {
  const polls: string[][] = [];
  return {
    polls,
    getSynchronizationJob: async (sp: string, jobId: string) => {
      polls.push([sp, jobId]);
      return sequence[Math.min(polls.length - 1, sequence.length - 1)];
    },
  };
}

function logEntry(
  id: string,
  at: string,
  status: "success" | "failure" = "success",
): ProvisioningObjectSummary {
  return {
    id,
    activityDateTime: at,
    changeId: null,
    cycleId: "cycle-1",
    jobId: JOB,
    tenantId: null,
    durationInMilliseconds: 12,
    initiatedBy: null,
    modifiedProperties: [],
    provisioningAction: "create",
    provisioningStatusInfo: {
      status,
      errorInformation:
        status === "failure"
          ? {
              errorCode: "SystemForCrossDomainIdentityManagementBadRequest",
              reason: "bad",
              additionalDetails: null,
              recommendedAction: null,
              errorCategory: "failure",
            }
          : null,
    },
    provisioningSteps: [],
    servicePrincipal: { id: SP, displayName: "AWS prod" },
    sourceIdentity: { id: "u1", displayName: `user ${id}`, identityType: "User", details: null },
    targetIdentity: { id: "t1", displayName: `target ${id}`, identityType: "User", details: null },
    sourceSystem: null,
    targetSystem: null,
  };
}

describe("graph-provisioning CLI (stubbed Graph)", () => {
  describe("usage", () => {
    it("should exit 2 with one error line for an unknown command", async () => {
      const r = await run(["frobnicate"], {});
      expect(r.code).to.equal(2);
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(r.stderr).to.match(/unknown command 'frobnicate'/);
      expect(r.stdout).to.equal("");
    });

    it("should exit 2 when no command is given", async () => {
      expect((await run([], {})).code).to.equal(2);
    });

    it("should print help with the environment variables and why the secret is not a flag, exit 0", async () => {
      const r = await run(["--help"], {});
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/AZURE_CLIENT_SECRET/);
      expect(r.stdout).to.match(/never from a flag: command-line arguments\s+are visible to other users/);
      for (const command of ["templates", "status", "logs", "wait"]) expect(r.stdout).to.contain(command);
    });

    it("should have no flag for the client secret", async () => {
      const r = await run(
        ["status", SP, JOB, "--client-secret", "s3cret-value"],
        jobSequence(job("Active", "Active")),
      );
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/unknown option '--client-secret'/);
      expect(r.connects).to.have.length(0);
    });

    it("should reject a bad --api-version with exit 2, listing the allowed values", async () => {
      const r = await run(["--api-version", "v2", "templates"], {});
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/--api-version.*v1\.0, beta/);
    });

    it("should hand connection flags given before or after the command to connect()", async () => {
      const api = { listApplicationTemplates: async () => [] };
      const r = await run(
        ["--tenant-id", "t-1", "templates", "--client-id", "c-1", "--graph-endpoint", "https://g.example"],
        api,
      );
      expect(r.code).to.equal(0);
      expect(r.connects[0]).to.include({
        tenantId: "t-1",
        clientId: "c-1",
        graphEndpoint: "https://g.example",
      });
    });

    it("should print a failure as one redacted line on stderr and exit 1", async () => {
      const secret = "super-secret-value-123";
      const api = {
        listApplicationTemplates: async () => {
          throw new Error(`token request failed for secret ${secret}\nTrace ID: abc`);
        },
      };
      const r = await run(["templates"], api, { env: { AZURE_CLIENT_SECRET: secret } });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal("error: token request failed for secret [REDACTED] Trace ID: abc\n");
      expect(r.stderr).not.to.contain(secret);
    });
  });

  describe("templates", () => {
    const templates = [
      template("b0000000-0000-0000-0000-000000000000", "Box", true),
      template("a0000000-0000-0000-0000-000000000000", "AWS Single-Account Access", true),
      template("c0000000-0000-0000-0000-000000000000", "Contoso SSO only", false),
    ];

    it("should list templates sorted by name with whether they support provisioning (--json)", async () => {
      const filters: (string | undefined)[] = [];
      const r = await run(["templates", "--json"], {
        listApplicationTemplates: async (filter?: string) => {
          filters.push(filter);
          return templates;
        },
      });
      expect(r.code).to.equal(0);
      expect(filters).to.deep.equal([undefined]);
      const listed = JSON.parse(r.stdout) as {
        id: string;
        displayName: string;
        supportsProvisioning: boolean;
      }[];
      expect(listed.map((t) => [t.displayName, t.supportsProvisioning])).to.deep.equal([
        ["AWS Single-Account Access", true],
        ["Box", true],
        ["Contoso SSO only", false],
      ]);
    });

    it("should search by display name with an OData-quoted contains filter and keep only provisioning ones", async () => {
      const filters: (string | undefined)[] = [];
      const r = await run(["templates", "O'Brien", "--provisioning"], {
        listApplicationTemplates: async (filter?: string) => {
          filters.push(filter);
          return templates;
        },
      });
      expect(filters).to.deep.equal(["contains(displayName,'O''Brien')"]);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).to.match(/^ID\s+NAME\s+PUBLISHER\s+PROVISIONING$/);
      expect(lines).to.have.length(3);
      expect(lines[1]).to.match(
        /^a0000000-0000-0000-0000-000000000000\s+AWS Single-Account Access\s+Contoso\s+yes$/,
      );
      // Aligned: every column starts at the same offset on every line.
      expect(lines[1].indexOf("AWS")).to.equal(lines[0].indexOf("NAME"));
      expect(lines[2].indexOf("Box")).to.equal(lines[0].indexOf("NAME"));
    });

    it("should look a template id up directly", async () => {
      const ids: string[] = [];
      const r = await run(["templates", "8b1025e4-1dd2-430b-a150-2ef79cd700f5", "--json"], {
        getApplicationTemplate: async (id: string) => {
          ids.push(id);
          return template(id, "AWS Single-Account Access", true);
        },
      });
      expect(ids).to.deep.equal(["8b1025e4-1dd2-430b-a150-2ef79cd700f5"]);
      expect(JSON.parse(r.stdout)).to.have.length(1);
    });
  });

  describe("status", () => {
    it("should print the job status as JSON with the quarantine summarized", async () => {
      const api = jobSequence(QUARANTINED);
      const r = await run(["status", SP, JOB, "--json"], api);
      expect(r.code).to.equal(0);
      expect(api.polls).to.deep.equal([[SP, JOB]]);
      const status = JSON.parse(r.stdout);
      expect(status).to.include({
        servicePrincipalId: SP,
        jobId: JOB,
        statusCode: "Quarantine",
        scheduleState: "Active",
      });
      expect(status.quarantine).to.deep.equal({
        reason: "EncounteredQuarantineException",
        since: "2024-05-01T10:05:00Z",
        nextAttempt: "2024-05-01T22:05:00Z",
        seriesCount: 1,
        error: {
          code: "CredentialsInvalid",
          message: "The secret token was rejected.",
          tenantActionable: true,
        },
      });
      expect(status.steadyStateFirstAchievedTime).to.equal(null);
    });

    it("should print aligned label/value lines for people", async () => {
      const r = await run(
        ["status", SP, JOB],
        jobSequence(job("Active", "Active", { lastExecution: execution("Succeeded") })),
      );
      expect(r.stdout).to.match(/^Status\s+Active$/m);
      expect(r.stdout).to.match(/^Last execution\s+Succeeded, 2024-05-01T10:00:00Z .. 2024-05-01T10:01:00Z/m);
      expect(r.stdout).to.match(/^Quarantine\s+none$/m);
      const valueColumns = new Set(
        r.stdout
          .trimEnd()
          .split("\n")
          .map((line) => line.search(/(?<=\S {2,})\S/)),
      );
      expect(valueColumns.size).to.equal(1);
    });

    it("should exit 2 for an id that is a path", async () => {
      const r = await run(["status", SP, "aws/../x"], jobSequence(job("Active", "Active")));
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/<jobId> must be an id, not a path/);
    });
  });

  describe("wait", () => {
    it("should poll until the first cycle ended, showing each new state on stderr", async () => {
      const api = jobSequence(
        job("NotConfigured", "Disabled"),
        job("NotRun", "Active"),
        job("NotRun", "Active"),
        job("Active", "Active", { lastExecution: execution("Succeeded") }),
      );
      const r = await run(["wait", SP, JOB, "--until", "firstCycle", "--interval", "2", "--json"], api);
      expect(r.code).to.equal(0);
      expect(api.polls).to.have.length(4);
      expect(r.elapsedMs).to.equal(6_000);
      expect(r.stderr.trimEnd().split("\n")).to.deep.equal([
        "Waiting for firstCycle: status NotConfigured, schedule Disabled",
        "Waiting for firstCycle: status NotRun, schedule Active",
        "Waiting for firstCycle: status Active, schedule Active, last run Succeeded",
      ]);
      const result = JSON.parse(r.stdout);
      expect(result).to.include({ outcome: "reached", until: "firstCycle", elapsedSeconds: 6 });
      expect(result.status.lastExecution.state).to.equal("Succeeded");
    });

    it("should rewrite one progress line on a terminal", async () => {
      const api = jobSequence(job("NotConfigured", "Disabled"), job("NotRun", "Active"));
      const r = await run(["wait", SP, JOB, "--until", "started", "--interval", "1"], api, { tty: true });
      expect(r.code).to.equal(0);
      expect(r.stdout.split("\n")[0]).to.equal("Reached started after 1 s.");
      expect(r.stderr).to.equal(
        "\r\x1b[KWaiting for started: status NotConfigured, schedule Disabled (0 s)" +
          "\r\x1b[KWaiting for started: status NotRun, schedule Active (1 s)\n",
      );
    });

    it("should stop at a quarantine with a report on stdout and one error line, exit 1", async () => {
      const api = jobSequence(job("NotRun", "Active"), QUARANTINED);
      const r = await run(["wait", SP, JOB, "--until", "firstCycle", "--interval", "1"], api);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.match(/^Job aws\..* is in quarantine\.$/m);
      expect(r.stdout).to.match(/^Reason\s+EncounteredQuarantineException$/m);
      expect(r.stdout).to.match(/^Error code\s+CredentialsInvalid$/m);
      expect(r.stdout).to.match(/restartScope QuarantineState/);
      expect(r.stderr.trimEnd().split("\n").pop()).to.equal(
        `error: job ${JOB} is in quarantine (EncounteredQuarantineException): CredentialsInvalid: The secret token was rejected.`,
      );
    });

    it("should report a quarantine as JSON too", async () => {
      const r = await run(["wait", SP, JOB, "--until", "started", "--json"], jobSequence(QUARANTINED));
      expect(r.code).to.equal(1);
      expect(JSON.parse(r.stdout)).to.deep.include({ outcome: "quarantined", until: "started" });
    });

    it("should fail when the first run failed", async () => {
      const api = jobSequence(job("Active", "Active", { lastExecution: execution("Failed") }));
      const r = await run(["wait", SP, JOB, "--until", "firstCycle", "--since", "2024-05-01T10:00:30Z"], api);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/error: the first run of job .* failed: SchemaInvalid: bad mapping/);
    });

    it("should not count a run that ended before the command started, waiting for a newer one (no --since)", async () => {
      const later = {
        ...execution("Succeeded"),
        timeBegan: "2024-05-01T10:40:00Z",
        timeEnded: "2024-05-01T10:41:00Z",
      };
      const api = jobSequence(
        job("Active", "Active", { lastExecution: execution("Succeeded") }),
        job("Active", "Active", { lastExecution: execution("Succeeded") }),
        job("Active", "Active", { lastExecution: later }),
      );
      const r = await run(["wait", SP, JOB, "--until", "firstCycle", "--interval", "1", "--json"], api);
      expect(r.code, r.stderr).to.equal(0);
      expect(api.polls).to.have.length(3);
      expect(JSON.parse(r.stdout).status.lastExecution.timeEnded).to.equal("2024-05-01T10:41:00Z");
    });

    it("should count a run that ended at or after --since, and no earlier one", async () => {
      const ran = () => jobSequence(job("Active", "Active", { lastExecution: execution("Succeeded") }));
      const counted = await run(
        ["wait", SP, JOB, "--until", "firstCycle", "--since", "2024-05-01T10:01:00Z"],
        ran(),
      );
      expect(counted.code, counted.stderr).to.equal(0);
      const stale = await run(
        [
          "wait",
          SP,
          JOB,
          "--until",
          "firstCycle",
          "--since",
          "2024-05-01T10:01:01Z",
          "--timeout",
          "2",
          "--interval",
          "1",
        ],
        ran(),
      );
      expect(stale.code).to.equal(1);
      expect(stale.stderr).to.match(/error: timed out after 2 s waiting for firstCycle/);
    });

    it("should reject a --since that is no time", async () => {
      const r = await run(["wait", SP, JOB, "--until", "firstCycle", "--since", "yesterday"], {});
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/--since must be an ISO 8601 date-time/);
    });

    it("should time out after --timeout seconds, polling one last time at the deadline", async () => {
      const api = jobSequence(job("NotConfigured", "Disabled"));
      const r = await run(
        ["wait", SP, JOB, "--until", "started", "--timeout", "5", "--interval", "2", "--json"],
        api,
      );
      expect(r.code).to.equal(1);
      expect(api.polls).to.have.length(4); // at 0, 2, 4 and 5 s
      expect(r.elapsedMs).to.equal(5_000);
      expect(JSON.parse(r.stdout).outcome).to.equal("timedOut");
      expect(r.stderr).to.match(
        /error: timed out after 5 s waiting for started \(status NotConfigured, schedule Disabled\)/,
      );
    });

    it("should stop when interrupted", async () => {
      const api = jobSequence(job("NotConfigured", "Disabled"));
      const r = await run(["wait", SP, JOB, "--until", "started", "--interval", "1"], api, {
        onSleep: (now, abort) => now >= 3_000 && abort(),
      });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/error: interrupted while waiting for started/);
    });

    it("should exit 2 for a missing or unknown --until, or a bad --timeout", async () => {
      const api = jobSequence(job("Active", "Active"));
      const missing = await run(["wait", SP, JOB], api);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.match(/required option '--until <state>' not specified/);
      const unknown = await run(["wait", SP, JOB, "--until", "done"], api);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.match(/Allowed choices are started, firstCycle/);
      const timeout = await run(["wait", SP, JOB, "--until", "started", "--timeout", "soon"], api);
      expect(timeout.code).to.equal(2);
      expect(timeout.stderr).to.match(/--timeout must be a number of seconds from 1 to 86400, got "soon"/);
      expect(api.polls).to.have.length(0);
    });
  });

  describe("logs", () => {
    function logsApi(pages: ProvisioningObjectSummary[][]) {
      const queries: ProvisioningLogQuery[] = [];
      return {
        queries,
        listProvisioningEventsPage: async (query: ProvisioningLogQuery) => {
          queries.push(query);
          return { value: pages[Math.min(queries.length - 1, pages.length - 1)] };
        },
      };
    }

    it("should pass the filters on, with --since relative to now, and print a JSON array", async () => {
      const api = logsApi([[logEntry("e2", "2024-05-01T10:02:00Z"), logEntry("e1", "2024-05-01T10:01:00Z")]]);
      const r = await run(
        ["logs", "--sp", SP, "--job", JOB, "--since", "2h", "--status", "success", "--json"],
        api,
      );
      expect(r.code).to.equal(0);
      expect(api.queries[0]).to.deep.equal({
        servicePrincipalId: SP,
        jobId: JOB,
        since: new Date(-2 * 3_600_000).toISOString(),
        status: "success",
        top: 100,
      });
      expect((JSON.parse(r.stdout) as { id: string }[]).map((e) => e.id)).to.deep.equal(["e2", "e1"]);
    });

    it("should default --since to the last 24 hours and accept an ISO --until", async () => {
      const api = logsApi([[]]);
      const r = await run(["logs", "--until", "2024-05-01T00:00:00Z", "--since", "2024-04-30"], api);
      expect(r.code).to.equal(0);
      expect(api.queries[0]).to.include({
        since: "2024-04-30T00:00:00.000Z",
        until: "2024-05-01T00:00:00.000Z",
      });
      expect(r.stderr).to.equal("No provisioning log entries match.\n");
      const defaults = logsApi([[]]);
      await run(["logs"], defaults);
      expect(defaults.queries[0].since).to.equal(new Date(-24 * 3_600_000).toISOString());
    });

    it("should print an aligned table and say when --limit cut the list", async () => {
      const api = logsApi([
        [
          logEntry("e3", "2024-05-01T10:03:00Z", "failure"),
          logEntry("e2", "2024-05-01T10:02:00Z"),
          logEntry("e1", "2024-05-01T10:01:00Z"),
        ],
      ]);
      const r = await run(["logs", "--limit", "2"], api);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).to.match(/^TIME\s+STATUS\s+ACTION\s+SOURCE\s+TARGET\s+APP\s+JOB\s+ERROR$/);
      expect(lines).to.have.length(3);
      expect(lines[1]).to.match(
        /failure\s+create\s+user e3\s+target e3\s+AWS prod\s+aws\..*SystemForCross.*: bad$/,
      );
      expect(lines[2].indexOf("success")).to.equal(lines[0].indexOf("STATUS"));
      expect(r.stderr).to.match(/Showing the first 2 entries; raise --limit/);
    });

    it("should exit 2 naming the flag for a bad --since, --status, --limit or --until with --follow", async () => {
      const api = logsApi([[]]);
      const cases: [string[], RegExp][] = [
        [["--since", "yesterday"], /--since must be an ISO 8601 date-time .* got "yesterday"/],
        [["--status", "failed"], /--status.*Allowed choices are success, failure, skipped, warning/],
        [["--limit", "0"], /--limit must be an integer from 1 to 1000000, got "0"/],
        [["--since", "1h", "--until", "2h"], /--until .* must be later than --since/],
        [["--follow", "--until", "1h"], /--until cannot be combined with --follow/],
      ];
      for (const [args, message] of cases) {
        const r = await run(["logs", ...args], api);
        expect(r.code, args.join(" ")).to.equal(2);
        expect(r.stderr).to.match(message);
      }
      expect(api.queries).to.have.length(0);
    });

    it("should follow: print each entry once, oldest first, as JSON lines, until interrupted", async () => {
      const a = logEntry("a", "2024-05-01T10:00:00Z");
      const b = logEntry("b", "2024-05-01T10:01:00Z");
      const c = logEntry("c", "2024-05-01T10:02:00Z");
      const d = logEntry("d", "2024-05-01T10:00:30Z"); // written late, with an older activity time
      const api = logsApi([
        [b, a],
        [c, b, a],
        [c, b, d, a],
      ]);
      const r = await run(
        ["logs", "--follow", "--interval", "1", "--since", "2024-05-01T09:00:00Z", "--json"],
        api,
        {
          onSleep: (now, abort) => now >= 3_000 && abort(),
        },
      );
      expect(r.code).to.equal(0);
      expect(
        r.stdout
          .trimEnd()
          .split("\n")
          .map((line) => (JSON.parse(line) as { id: string }).id),
      ).to.deep.equal(["a", "b", "c", "d"]);
      expect(api.queries.map((q) => q.since)).to.deep.equal([
        "2024-05-01T09:00:00.000Z",
        "2024-05-01T09:56:00.000Z", // newest seen (10:01) minus the 5-minute overlap
        "2024-05-01T09:57:00.000Z",
      ]);
    });

    it("should keep following within the endpoint's 5 requests per 10 s", async () => {
      const api = logsApi([[]]);
      const r = await run(["logs", "--follow", "--interval", "0.5"], api, {
        onSleep: (now, abort) => now >= 20_000 && abort(),
      });
      expect(r.code).to.equal(0);
      // Polls every 0.5 s would be 40 in 20 s; the limiter allows 5 per 10 s.
      expect(api.queries.length).to.be.within(10, 11);
    });
  });
});

describe("connectionInputFromFlags", () => {
  it("should name the flag of a bad connection value", () => {
    expect(() => connectionInputFromFlags({ authorityHost: "http://login.example" }))
      .to.throw(UsageError)
      .with.property("message")
      .that.matches(/^--authority-host must use https/);
    expect(() => connectionInputFromFlags({ graphEndpoint: "not a url" })).to.throw(
      /^--graph-endpoint must be/,
    );
  });

  it("should keep only the flags that were given", () => {
    expect(connectionInputFromFlags({ tenantId: "t", caFile: "/ca.pem" })).to.deep.equal({
      tenantId: "t",
      caFile: "/ca.pem",
    });
  });
});
