/**
 * Cycles and provisionOnDemand follow the job's schema (design.md §6): the tenant's emulated users have
 * real attributes; each cycle evaluates the scoping filter and the attribute mappings for every assigned
 * object; the provisioning logs show who was created with which mapped values and who was skipped as out
 * of scope; a schema change makes the next cycle an initial one; a user moved into scope is provisioned
 * next cycle; provisionOnDemand answers per subject from the same evaluation, 5 requests per 10 s.
 */
import { expect } from "chai";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, eventually } from "../helpers/emulator";

const SCIM_APP = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const DEPARTMENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";

interface LogEntry {
  jobId: string;
  cycleId: string;
  provisioningAction: string;
  provisioningStatusInfo: { status: string; errorInformation: { errorCode: string; reason: string } | null };
  provisioningSteps: { name: string; provisioningStepType: string; status: string; description: string }[];
  modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[];
  sourceIdentity: { id: string; displayName: string; identityType: string };
  initiatedBy: { initiatorType: string };
}
interface JobStatus {
  status: {
    lastSuccessfulExecutionWithExports: {
      countEntitled: number;
      countImportedDeltas: number;
      countExported: number;
    };
  };
}
interface Schema {
  synchronizationRules: {
    id: string;
    objectMappings: {
      sourceObjectName: string;
      scope: unknown;
      attributeMappings: Record<string, unknown>[];
    }[];
  }[];
}

describe("emulator: provisioning follows the schema @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;

  /** A SCIM app with Users 1–4 (Sales, Engineering, Marketing, Finance) and Group 1, and a job with credentials. */
  const setUp = async () => {
    const app = await graph.call<{ servicePrincipal: { id: string } }>(
      "POST",
      `/applicationTemplates/${SCIM_APP}/instantiate`,
      { displayName: "Scoped SCIM app" },
    );
    const spId = app.body.servicePrincipal.id;
    const job = await graph.call<{ id: string }>("POST", `/servicePrincipals/${spId}/synchronization/jobs`, {
      templateId: "scim",
    });
    await graph.call("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, {
      value: [
        { key: "BaseAddress", value: "https://scim.example.com/scim" },
        { key: "SecretToken", value: "token-value" },
      ],
    });
    const jobPath = `/servicePrincipals/${spId}/synchronization/jobs/${job.body.id}`;
    return { spId, jobId: job.body.id, jobPath, schemaPath: `${jobPath}/schema` };
  };
  const logsOf = (jobId: string) =>
    (emulator.state().provisioningLogs as unknown as LogEntry[]).filter((l) => l.jobId === jobId);
  /** Waits until the job has `count` more log entries than `before`, then returns the new ones. */
  const nextEntries = (jobId: string, before: number, count: number) =>
    eventually(async () => {
      const logs = logsOf(jobId);
      return logs.length >= before + count ? logs.slice(before) : undefined;
    });
  const byName = (entries: LogEntry[]) => new Map(entries.map((e) => [e.sourceIdentity.displayName, e]));
  const value = (entry: LogEntry | undefined, target: string) =>
    entry?.modifiedProperties.find((p) => p.displayName === target)?.newValue;
  const withSalesScope = async (schemaPath: string) => {
    const schema = (await graph.call<Schema>("GET", schemaPath)).body;
    const users = schema.synchronizationRules[0].objectMappings.find((m) => m.sourceObjectName === "User");
    users!.scope = {
      groups: [
        {
          name: "Sales only",
          clauses: [
            { operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: ["Sales"] } },
          ],
        },
      ],
      inputFilterGroups: [],
      categoryFilterGroups: [],
    };
    expect((await graph.call("PUT", schemaPath, schema)).status).to.equal(204);
    return schema;
  };

  before(async () => {
    emulator = await startEmulator({ port: 0, cycleTimeMs: 40, defaultAssignments: { users: 4, groups: 1 } });
    graph = new EmulatorTestClient(emulator);
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.stop());

  it("should give the tenant's users real attributes", async () => {
    const { spId } = await setUp();
    const objects = emulator.state().directoryObjects;
    const assigned = new Set(
      emulator
        .state()
        .assignments.filter((a) => a.servicePrincipalId === spId)
        .map((a) => a.id),
    );
    const users = objects.filter((o) => assigned.has(o.id) && o.objectType === "User");
    expect(users.map((u) => u.attributes.department)).to.deep.equal([
      "Sales",
      "Engineering",
      "Marketing",
      "Finance",
    ]);
    expect(users[0].attributes).to.include({
      displayName: "Emulated User 1",
      givenName: "Emulated",
      surname: "User 1",
    });
    expect(users[0].attributes.mail).to.match(/^user1@/);
  });

  it("should provision every assigned object with the template's mapped values when there is no scope", async () => {
    const { jobId, jobPath } = await setUp();
    await graph.call("POST", `${jobPath}/start`);
    const entries = byName(await nextEntries(jobId, 0, 5));
    const user1 = entries.get("Emulated User 1");
    expect(user1?.provisioningAction).to.equal("create");
    expect(user1?.provisioningStatusInfo.status).to.equal("success");
    expect(value(user1, "userName")).to.match(/^user1@/);
    expect(value(user1, DEPARTMENT)).to.equal("Sales");
    expect(value(user1, "active")).to.equal("True");
    expect(value(user1, "name.formatted")).to.equal("Emulated User 1");
    expect(value(entries.get("Emulated User 2"), "title")).to.equal("Software Engineer");
    expect(entries.get("Emulated Group 1")?.provisioningStatusInfo.status).to.equal("success");
    expect(user1?.provisioningSteps.map((s) => s.provisioningStepType)).to.deep.equal([
      "import",
      "scoping",
      "export",
    ]);
  });

  it("should provision only the in-scope users and log the others as skipped out of scope", async () => {
    const { jobId, jobPath, schemaPath } = await setUp();
    await withSalesScope(schemaPath);
    await graph.call("POST", `${jobPath}/start`);
    const entries = byName(await nextEntries(jobId, 0, 5));
    const sales = entries.get("Emulated User 1");
    expect(sales?.provisioningStatusInfo.status).to.equal("success");
    expect(value(sales, DEPARTMENT)).to.equal("Sales");
    for (const name of ["Emulated User 2", "Emulated User 3", "Emulated User 4"]) {
      const skipped = entries.get(name);
      expect(skipped?.provisioningStatusInfo.status, name).to.equal("skipped");
      expect(skipped?.provisioningAction, name).to.equal("other");
      expect(skipped?.modifiedProperties, name).to.deep.equal([]);
      const scoping = skipped?.provisioningSteps.find((s) => s.provisioningStepType === "scoping");
      expect(scoping?.status, name).to.equal("skipped");
      expect(scoping?.description, name).to.contain("department EQUALS");
      expect(skipped?.provisioningStatusInfo.errorInformation?.errorCode).to.equal("NotInScope");
    }
    // Groups have no scope in the template: still provisioned.
    expect(entries.get("Emulated Group 1")?.provisioningStatusInfo.status).to.equal("success");
  });

  it("should make the next cycle an initial one after a schema change, and change who is provisioned", async () => {
    const { jobId, jobPath, schemaPath } = await setUp();
    await graph.call("POST", `${jobPath}/start`);
    await nextEntries(jobId, 0, 5);
    // Quiet cycles log nothing new.
    const settled = logsOf(jobId).length;
    await withSalesScope(schemaPath);
    const entries = await nextEntries(jobId, settled, 5);
    expect(new Set(entries.map((e) => e.cycleId)).size).to.equal(1);
    const named = byName(entries);
    expect(named.get("Emulated User 1")?.provisioningAction).to.equal("update");
    for (const name of ["Emulated User 2", "Emulated User 3", "Emulated User 4"]) {
      const left = named.get(name);
      expect(left?.provisioningAction, name).to.equal("disable");
      expect(left?.provisioningSteps.find((s) => s.provisioningStepType === "scoping")?.status).to.equal(
        "skipped",
      );
    }
    expect(entries[0].provisioningSteps[0].description).to.contain("initial cycle");
    // The job status shows it too: the cycle with exports imported every entitled object.
    const initial = await graph.call<JobStatus>("GET", jobPath);
    expect(initial.body.status.lastSuccessfulExecutionWithExports).to.include({
      countEntitled: 5,
      countImportedDeltas: 5,
      countExported: 5,
    });

    // DELETE resets the schema: again an initial cycle, everyone back in scope.
    const before = logsOf(jobId).length;
    expect((await graph.call("DELETE", schemaPath)).status).to.equal(204);
    const reset = byName(await nextEntries(jobId, before, 5));
    expect(reset.get("Emulated User 2")?.provisioningAction).to.equal("create");
    expect(reset.get("Emulated User 2")?.provisioningStatusInfo.status).to.equal("success");
  });

  it("should provision a user moved into the scoped department at the next cycle, with the new value", async () => {
    const { jobId, jobPath, schemaPath, spId } = await setUp();
    await withSalesScope(schemaPath);
    await graph.call("POST", `${jobPath}/start`);
    await nextEntries(jobId, 0, 5);
    const user2 = emulator
      .state()
      .assignments.find((a) => a.servicePrincipalId === spId && a.displayName === "Emulated User 2");
    const before = logsOf(jobId).length;
    emulator.upsertUser({ id: user2!.id, attributes: { department: "Sales", jobTitle: "Sales Engineer" } });
    const [entry] = await nextEntries(jobId, before, 1);
    expect(entry.sourceIdentity.displayName).to.equal("Emulated User 2");
    expect(entry.provisioningAction).to.equal("create");
    expect(value(entry, DEPARTMENT)).to.equal("Sales");
    expect(value(entry, "title")).to.equal("Sales Engineer");
    // An incremental cycle: only the changed user was imported.
    const job = await graph.call<JobStatus>("GET", jobPath);
    expect(job.body.status.lastSuccessfulExecutionWithExports).to.include({
      countEntitled: 5,
      countImportedDeltas: 1,
    });
  });

  it("should add a user through the control API and provision it at the next cycle", async () => {
    const { jobId, jobPath, spId } = await setUp();
    await graph.call("POST", `${jobPath}/start`);
    await nextEntries(jobId, 0, 5);
    const before = logsOf(jobId).length;
    const { connectEmulator } = await import("../../emulator");
    const control = connectEmulator(emulator.controlUrl, emulator.caFile, emulator.clientSecret);
    const id = await control.upsertUser({
      servicePrincipalId: spId,
      attributes: {
        displayName: "Ada Lovelace",
        userPrincipalName: "ada@contoso.example",
        department: "R&D",
        accountEnabled: true,
      },
    });
    const [entry] = await nextEntries(jobId, before, 1);
    expect(entry.sourceIdentity.id).to.equal(id);
    expect(value(entry, "userName")).to.equal("ada@contoso.example");
    expect(value(entry, DEPARTMENT)).to.equal("R&D");
    const refused = await control.upsertUser({ objectType: "Robot" as never }).then(
      () => "accepted",
      (e: Error) => e.message,
    );
    expect(refused).to.contain("objectType: must be 'User' or 'Group'");
  });

  describe("provisionOnDemand", () => {
    type Pair = { key: string; value: string };
    const pod = (jobPath: string, ruleId: string, objectId: string, objectTypeName = "User") =>
      graph.call<Pair & { error?: { code: string; message: string } }>(
        "POST",
        `${jobPath}/provisionOnDemand`,
        {
          parameters: [{ ruleId, subjects: [{ objectId, objectTypeName }] }],
        },
      );

    it("should answer Success with the mapped values in scope, Skipped with the reason out of scope or unassigned", async () => {
      const { jobPath, schemaPath, spId, jobId } = await setUp();
      const schema = await withSalesScope(schemaPath);
      const ruleId = schema.synchronizationRules[0].id;
      const assignments = emulator.state().assignments.filter((a) => a.servicePrincipalId === spId);
      const id = (name: string) => assignments.find((a) => a.displayName === name)!.id;

      const inScope = await pod(jobPath, ruleId, id("Emulated User 1"));
      expect(inScope.status).to.equal(200);
      expect(JSON.parse(inScope.body.key)).to.deep.equal({ result: "Success", details: {} });
      const log = JSON.parse(inScope.body.value) as {
        action: string;
        modifiedProperties: { displayName: string; newValue: string }[];
        provisioningSteps: { type: string; status: string }[];
        statusInfo: { status: string };
        targetIdentity: { type: string };
      };
      expect(log.action).to.equal("Create");
      expect(log.statusInfo.status).to.equal("Success");
      expect(log.modifiedProperties.find((p) => p.displayName === DEPARTMENT)?.newValue).to.equal("Sales");
      expect(log.provisioningSteps.map((s) => s.type)).to.deep.equal(["Import", "Scoping", "Export"]);
      expect(log.targetIdentity.type).to.equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");

      const outOfScope = await pod(jobPath, ruleId, id("Emulated User 2"));
      const key = JSON.parse(outOfScope.body.key) as {
        result: string;
        details: { errorCode: string; errorMessage: string };
      };
      expect(key.result).to.equal("Skipped");
      expect(key.details.errorCode).to.equal("NotInScope");
      expect(key.details.errorMessage).to.contain("department EQUALS");
      expect(
        (JSON.parse(outOfScope.body.value) as { modifiedProperties: unknown[] }).modifiedProperties,
      ).to.deep.equal([]);

      const stranger = await pod(jobPath, ruleId, "0d6a4b3c-0000-4000-8000-000000000001");
      expect(
        (JSON.parse(stranger.body.key) as { result: string; details: { errorCode: string } }).details
          .errorCode,
      ).to.equal("NotEffectivelyEntitled");

      // The same evaluation shows up in the provisioning logs, initiated by the application.
      const onDemand = logsOf(jobId).filter((l) => l.initiatedBy.initiatorType === "application");
      expect(onDemand.map((l) => l.provisioningStatusInfo.status)).to.deep.equal([
        "success",
        "skipped",
        "skipped",
      ]);
    });

    it("should reject a ruleId that is not in the job's schema, naming the rules", async () => {
      const { jobPath, spId } = await setUp();
      const user = emulator.state().assignments.find((a) => a.servicePrincipalId === spId)!;
      const res = await pod(jobPath, "not-a-rule", user.id);
      expect(res.status).to.equal(400);
      expect(res.body.error?.message).to.contain("USERGROUP_OUTBOUND_USERGROUP");
    });

    it("should allow 5 requests per 10 s in Graph-limits mode, then 429 with Retry-After", async () => {
      const { jobPath, spId, schemaPath } = await setUp();
      const ruleId = (await graph.call<Schema>("GET", schemaPath)).body.synchronizationRules[0].id;
      const user = emulator.state().assignments.find((a) => a.servicePrincipalId === spId)!;
      emulator.configure({ graphLimits: true });
      try {
        for (let i = 0; i < 5; i++)
          expect((await pod(jobPath, ruleId, user.id)).status, `request ${i + 1}`).to.equal(200);
        const refused = await pod(jobPath, ruleId, user.id);
        expect(refused.status).to.equal(429);
        expect(Number(refused.headers["retry-after"])).to.be.within(1, 10);
      } finally {
        emulator.configure({ graphLimits: false });
      }
    });
  });
});
