/**
 * The `graph-provisioning` bin (dist/cli/main.js, built by `npm run build`) against the emulator,
 * plus the monitoring functions it is built on. Jobs are seeded through the Graph client.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { resolveConnection } from "../../provider/graph/connection";
import type { ConnectionInput } from "../../provider/graph/connection";
import { graphClientFor } from "../../provider/graph/graphClient";
import type { GraphApi } from "../../provider/graph/types";
import {
  getProvisioningJobStatus,
  getProvisioningJobStatusOutput,
} from "../../provider/monitoring/jobStatus";
import type { ProvisioningJobStatus } from "../../provider/monitoring/jobStatusSummary";
import { listProvisioningEvents } from "../../provider/monitoring/provisioningEvents";
import type { ProvisionOnDemandResult } from "../../provider/actions/provisionOnDemand";
import { emulatorConnection } from "../helpers/emulator";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
const AWS_TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
/** Simulated cycle length: short, so that a first cycle ends within a test. */
const CYCLE_MS = 300;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe("graph-provisioning CLI against the emulator @emulator", function () {
  let emulator: Emulator;
  let connection: ConnectionInput;
  let api: GraphApi;
  let env: NodeJS.ProcessEnv;
  let unique = 0;

  /** Runs the bin with `args` and the emulator's connection in the environment. */
  function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  /**
   * Instantiates an AWS app (2 users and a group assigned), creates its `aws` job, saves `credentials`,
   * adds `failedUsers` users whose provisioning fails, and starts the job.
   */
  async function seedStartedJob(
    credentials: Record<string, string>,
    failedUsers = 0,
  ): Promise<{ spId: string; jobId: string }> {
    unique++;
    const created = await api.instantiateApplicationTemplate(AWS_TEMPLATE_ID, `cli-test-aws-${unique}`);
    const spId = created.servicePrincipal.id;
    const job = await api.createSynchronizationJob(spId, "aws");
    await api.putSynchronizationSecrets(
      spId,
      Object.entries(credentials).map(([key, value]) => ({ key: key as never, value })),
    );
    if (failedUsers > 0) emulator.assign(spId, { failedUsers });
    await api.startSynchronizationJob(spId, job.id);
    return { spId, jobId: job.id };
  }

  before(async function () {
    if (!fs.existsSync(CLI)) {
      throw new Error(`${CLI} is missing: run \`npm run build\` before these tests`);
    }
    emulator = await startEmulator({ port: 0, cycleTimeMs: CYCLE_MS });
    connection = emulatorConnection(emulator);
    api = graphClientFor(resolveConnection(connection, undefined, {}));
    // Only what the CLI needs: no AZURE_* variables of the machine running the tests.
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.clientId,
      AZURE_CLIENT_SECRET: emulator.clientSecret,
      AZURE_AUTHORITY_HOST: emulator.authorityHost,
      GRAPH_PROVISIONING_ENDPOINT: emulator.graphEndpoint,
      GRAPH_PROVISIONING_CA_FILE: emulator.caFile,
    };
  });

  after(async () => {
    await emulator?.stop();
  });

  describe("provision and schema", () => {
    const NON_GALLERY = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
    let ids: { spId: string; jobId: string };

    before(async () => {
      unique++;
      const created = await api.instantiateApplicationTemplate(NON_GALLERY, `cli-test-scim-${unique}`);
      ids = {
        spId: created.servicePrincipal.id,
        jobId: (await api.createSynchronizationJob(created.servicePrincipal.id, "scim")).id,
      };
      await api.putSynchronizationSecrets(ids.spId, [
        { key: "BaseAddress", value: "https://scim.cli-test.example/scim/v2" },
        { key: "SecretToken", value: "cli-test-scim-token" },
      ]);
      // A department scope, as a portal edit would save it.
      const schema = await api.getSynchronizationSchema(ids.spId, { jobId: ids.jobId });
      const user = schema.synchronizationRules
        .flatMap((r) => r.objectMappings ?? [])
        .find((m) => m.sourceObjectName === "User")!;
      user.scope = {
        ...(user.scope ?? {}),
        groups: [
          {
            name: "Sales",
            clauses: [
              {
                sourceOperandName: "department",
                operatorName: "EQUALS",
                targetOperand: { values: ["Sales"] },
              },
            ],
          },
        ],
      };
      await api.putSynchronizationSchema(ids.spId, ids.jobId, schema);
    });

    it("should show the job's rules and object mappings with the scope saved outside the stack", async () => {
      const shown = await cli(["schema", "show", ids.spId, ids.jobId]);
      expect(shown.code, shown.stderr).to.equal(0);
      const userRow = shown.stdout.split("\n").find((l) => /User → /.test(l));
      expect(userRow).to.match(
        /USERGROUP_OUTBOUND_USERGROUP.*Azure Active Directory → customappsso.*yes\s+department EQUALS Sales\s+\d+$/,
      );
      const json = await cli(["schema", "show", ids.spId, ids.jobId, "--json"]);
      expect(JSON.parse(json.stdout)).to.deep.equal(
        await api.getSynchronizationSchema(ids.spId, { jobId: ids.jobId }),
      );
    });

    it("should export the scope as the only difference from the template", async () => {
      const exported = await cli(["schema", "export", ids.spId, ids.jobId, "--json"]);
      expect(exported.code, exported.stderr).to.equal(0);
      expect(JSON.parse(exported.stdout).objectMappings).to.deep.equal([
        {
          sourceObjectName: "User",
          scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]],
        },
      ]);
    });

    it("should provision a user through the rule read from the job's schema and print Graph's answer", async () => {
      const user = "0d3c5e1a-7b2f-4c8e-9a61-2f5b8c7d4e90";
      const provisioned = await cli(["provision", ids.spId, ids.jobId, "--user", user, "--json"]);
      expect(provisioned.code, provisioned.stderr).to.equal(0);
      const result = JSON.parse(provisioned.stdout) as ProvisionOnDemandResult;
      const rules = (await api.getSynchronizationSchema(ids.spId, { jobId: ids.jobId })).synchronizationRules;
      expect(rules).to.have.length(1);
      expect(result.ruleId).to.equal(rules[0].id);
      expect(result.subjects.map((s) => [s.objectId, s.objectTypeName])).to.deep.equal([[user, "User"]]);
      expect(["Success", "Skipped"]).to.include(result.subjects[0].result);
      const human = await cli(["provision", ids.spId, ids.jobId, "--user", user]);
      expect(human.code, human.stderr).to.equal(0);
      expect(human.stdout).to.match(new RegExp(`^Rule ${rules[0].id}\\nUser ${user}: (Success|Skipped)`));
    });
  });

  describe("templates", () => {
    it("should list the AWS template with its id and provisioning support as JSON", async () => {
      const r = await cli(["templates", "AWS", "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const listed = JSON.parse(r.stdout) as {
        id: string;
        displayName: string;
        supportsProvisioning: boolean;
      }[];
      const aws = listed.find((t) => t.id === AWS_TEMPLATE_ID);
      expect(aws).to.include({ displayName: "AWS Single-Account Access", supportsProvisioning: true });
      expect(listed.every((t) => t.displayName.includes("AWS"))).to.equal(true);
    });

    it("should print an aligned table without --json", async () => {
      const r = await cli(["templates"]);
      expect(r.code, r.stderr).to.equal(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).to.match(/^ID\s+NAME\s+PUBLISHER\s+PROVISIONING$/);
      expect(lines.length).to.be.greaterThan(3);
      const nameColumn = lines[0].indexOf("NAME");
      for (const line of lines.slice(1)) expect(line[nameColumn - 1]).to.equal(" ");
      expect(r.stdout).to.contain(AWS_TEMPLATE_ID);
    });

    it("should take the connection from flags as well as from the environment", async () => {
      const r = await cli(
        [
          "templates",
          "--json",
          "--tenant-id",
          emulator.tenantId,
          "--client-id",
          emulator.clientId,
          "--graph-endpoint",
          emulator.graphEndpoint,
          "--authority-host",
          emulator.authorityHost,
          "--ca-file",
          emulator.caFile,
          "--api-version",
          "beta",
        ],
        {
          AZURE_TENANT_ID: "",
          AZURE_CLIENT_ID: "",
          AZURE_AUTHORITY_HOST: "",
          GRAPH_PROVISIONING_ENDPOINT: "",
          GRAPH_PROVISIONING_CA_FILE: "",
        },
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout)).to.be.an("array").with.length.greaterThan(0);
    });
  });

  describe("status and wait", () => {
    it("should wait for the first cycle with progress on stderr, then show the job Active", async () => {
      const { spId, jobId } = await seedStartedJob({
        ClientSecret: "aws-client-secret",
        SecretToken: "aws-token-1",
      });
      const waited = await cli([
        "wait",
        spId,
        jobId,
        "--until",
        "firstCycle",
        "--interval",
        "0.1",
        "--timeout",
        "20",
        "--json",
      ]);
      expect(waited.code, waited.stderr).to.equal(0);
      const result = JSON.parse(waited.stdout);
      expect(result).to.deep.include({ outcome: "reached", until: "firstCycle" });
      expect(result.status.lastExecution.state).to.be.oneOf(["Succeeded", "EntryLevelErrors"]);
      expect(waited.stderr).to.match(/^Waiting for firstCycle: status \w+, schedule Active/m);

      const status = await cli(["status", spId, jobId, "--json"]);
      expect(status.code, status.stderr).to.equal(0);
      expect(JSON.parse(status.stdout)).to.include({
        servicePrincipalId: spId,
        jobId,
        templateId: "aws",
        statusCode: "Active",
        scheduleState: "Active",
        quarantine: null,
      });

      const human = await cli(["status", spId, jobId]);
      expect(human.code).to.equal(0);
      expect(human.stdout).to.match(/^Status\s+Active$/m);
    });

    it("should wait until started", async () => {
      const { spId, jobId } = await seedStartedJob({
        ClientSecret: "aws-client-secret",
        SecretToken: "aws-token-2",
      });
      const r = await cli(["wait", spId, jobId, "--until", "started", "--interval", "0.1", "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout).status.scheduleState).to.equal("Active");
    });

    it("should report a quarantine caused by bad credentials and exit 1", async () => {
      const { spId, jobId } = await seedStartedJob({
        ClientSecret: "aws-client-secret",
        SecretToken: "invalid-token",
      });
      const r = await cli([
        "wait",
        spId,
        jobId,
        "--until",
        "firstCycle",
        "--interval",
        "0.1",
        "--timeout",
        "20",
      ]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.match(/is in quarantine\./);
      expect(r.stdout).to.match(/^Reason\s+EncounteredQuarantineException$/m);
      const errorLines = r.stderr.split("\n").filter((line) => line.startsWith("error:"));
      expect(errorLines).to.have.length(1);
      expect(errorLines[0]).to.match(/^error: job .* is in quarantine \(EncounteredQuarantineException\)/);
      expect(r.stdout + r.stderr).not.to.contain("invalid-token");

      const json = await cli(["wait", spId, jobId, "--until", "started", "--json"]);
      expect(json.code).to.equal(1);
      const result = JSON.parse(json.stdout);
      expect(result.outcome).to.equal("quarantined");
      expect(result.status.quarantine.reason).to.equal("EncounteredQuarantineException");
    });

    it("should exit 1 with one error line, no stack, for a job that does not exist", async () => {
      const { spId } = await seedStartedJob({
        ClientSecret: "aws-client-secret",
        SecretToken: "aws-token-3",
      });
      const r = await cli(["status", spId, "aws.nope.nope", "--json"]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr.trimEnd().split("\n")).to.have.length(1);
      expect(r.stderr).to.match(/^error: GET \/servicePrincipals\/.*: 404 /);
      expect(r.stderr).not.to.match(/\bat .*\.js:\d+/);
    });

    it("should exit 2 for missing arguments or --until", async () => {
      const missing = await cli(["status", "only-one-id"]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.match(/missing required argument 'jobId'/);
      const noUntil = await cli(["wait", "sp", "job"]);
      expect(noUntil.code).to.equal(2);
    });

    it("should fail with exit 1 on a wrong client secret without printing it", async () => {
      const wrong = "wrong-secret-value-xyz";
      const r = await cli(["templates", "--json"], { AZURE_CLIENT_SECRET: wrong });
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr.trimEnd().split("\n")).to.have.length(1);
      expect(r.stderr).to.match(/^error: /);
      expect(r.stderr).not.to.contain(wrong);
    });
  });

  describe("logs", () => {
    let spId: string;
    let jobId: string;

    before(async () => {
      ({ spId, jobId } = await seedStartedJob(
        { ClientSecret: "aws-client-secret", SecretToken: "aws-token-logs" },
        1,
      ));
      const waited = await cli([
        "wait",
        spId,
        jobId,
        "--until",
        "firstCycle",
        "--interval",
        "0.1",
        "--timeout",
        "20",
      ]);
      expect(waited.code, waited.stderr).to.equal(0);
    });

    it("should list the entries of one service principal and job as JSON", async () => {
      const r = await cli(["logs", "--sp", spId, "--job", jobId, "--since", "1h", "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const entries = JSON.parse(r.stdout) as { servicePrincipal: { id: string }; jobId: string }[];
      expect(entries).to.have.length.greaterThan(0);
      for (const e of entries) {
        expect(e.servicePrincipal.id).to.equal(spId);
        expect(e.jobId).to.equal(jobId);
      }
    });

    it("should filter by status and time window", async () => {
      const all = JSON.parse((await cli(["logs", "--sp", spId, "--json"])).stdout) as {
        provisioningStatusInfo: { status: string };
      }[];
      expect(all.map((e) => e.provisioningStatusInfo.status)).to.include.members(["success", "failure"]);
      for (const status of ["success", "failure"]) {
        const r = await cli(["logs", "--sp", spId, "--status", status, "--json"]);
        expect(r.code, r.stderr).to.equal(0);
        const filtered = JSON.parse(r.stdout) as typeof all;
        expect(filtered.length).to.equal(
          all.filter((e) => e.provisioningStatusInfo.status === status).length,
        );
        expect(filtered.every((e) => e.provisioningStatusInfo.status === status)).to.equal(true);
      }
      const future = await cli([
        "logs",
        "--sp",
        spId,
        "--since",
        new Date(Date.now() + 3_600_000).toISOString(),
        "--json",
      ]);
      expect(JSON.parse(future.stdout)).to.deep.equal([]);
    });

    it("should print a table for people", async () => {
      const r = await cli(["logs", "--sp", spId]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.split("\n")[0]).to.match(
        /^TIME\s+STATUS\s+ACTION\s+SOURCE\s+TARGET\s+APP\s+JOB\s+ERROR$/,
      );
      expect(r.stdout).to.contain(jobId);
    });

    it("should follow, printing JSON lines, and stop cleanly on SIGINT", async () => {
      const child = spawn(
        process.execPath,
        [CLI, "logs", "--sp", spId, "--follow", "--interval", "0.2", "--json"],
        {
          env,
        },
      );
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          stdout += d;
          if (stdout.includes("\n")) resolve();
        });
        child.on("close", () => reject(new Error(`exited early: ${stderr}`)));
      });
      child.kill("SIGINT");
      expect(await closed, stderr).to.equal(0);
      const lines = stdout.trimEnd().split("\n");
      for (const line of lines) expect(JSON.parse(line).servicePrincipal.id).to.equal(spId);
    });

    it("should exit 2 for a bad --since", async () => {
      const r = await cli(["logs", "--since", "last tuesday"]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^error: --since must be an ISO 8601 date-time/);
    });
  });

  describe("monitoring functions", () => {
    it("getProvisioningJobStatus should read a job through an explicit connection", async () => {
      const { spId, jobId } = await seedStartedJob({
        ClientSecret: "aws-client-secret",
        SecretToken: "aws-token-fn",
      });
      const status = await getProvisioningJobStatus({ servicePrincipalId: spId, jobId, connection });
      expect(status).to.include({ servicePrincipalId: spId, jobId, scheduleState: "Active" });
    });

    it("getProvisioningJobStatusOutput should resolve from inputs, connecting through the stack config", async () => {
      const { spId, jobId } = await seedStartedJob({
        ClientSecret: "aws-client-secret",
        SecretToken: "aws-token-out",
      });
      pulumi.runtime.setAllConfig({
        "graphProvisioning:tenantId": emulator.tenantId,
        "graphProvisioning:clientId": emulator.clientId,
        "graphProvisioning:clientSecret": emulator.clientSecret,
        "graphProvisioning:authorityHost": emulator.authorityHost,
        "graphProvisioning:graphEndpoint": emulator.graphEndpoint,
        "graphProvisioning:caFile": emulator.caFile,
      });
      try {
        const output = getProvisioningJobStatusOutput({ servicePrincipalId: pulumi.output(spId), jobId });
        const status = await new Promise<ProvisioningJobStatus>((resolve) => output.apply(resolve));
        expect(status).to.include({ servicePrincipalId: spId, jobId, templateId: "aws" });
      } finally {
        pulumi.runtime.setAllConfig({});
      }
    });

    it("listProvisioningEvents should iterate every page of the logs of a service principal", async () => {
      const { spId, jobId } = await seedStartedJob({
        ClientSecret: "aws-client-secret",
        SecretToken: "aws-token-it",
      });
      const waited = await cli([
        "wait",
        spId,
        jobId,
        "--until",
        "firstCycle",
        "--interval",
        "0.1",
        "--timeout",
        "20",
      ]);
      expect(waited.code, waited.stderr).to.equal(0);
      const ids: string[] = [];
      // pageSize 1 makes every entry its own page, so nextLink is followed.
      for await (const e of listProvisioningEvents({
        servicePrincipalId: spId,
        pageSize: 1,
        limit: 3,
        connection,
      })) {
        expect(e.servicePrincipal?.id).to.equal(spId);
        ids.push(e.id);
      }
      expect(ids.length).to.be.within(1, 3);
      expect(new Set(ids).size).to.equal(ids.length);
    });
  });
});
