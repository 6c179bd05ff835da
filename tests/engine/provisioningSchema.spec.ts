/**
 * ProvisioningSchema through the REAL dynamic-provider host against the Graph emulator, as part of
 * AppProvisioning: a preview calls Graph not at all; up saves the schema after the secrets and before
 * the job starts, leaving every mapping the program does not declare as the template had it; a
 * change costs GET + parseExpression + PUT of the schema and nothing else; a no-change up costs no
 * call; the initial-cycle warning reaches the host's output (the only channel: the host drops
 * detailedDiff); the first cycle provisions only the users in scope, with the mapped values, as
 * the provisioning logs show. Graph calls come from the emulator's request log.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { AppProvisioning } from "../../provider";
import { resolveConnection } from "../../provider/graph/connection";
import { graphClientFor } from "../../provider/graph/graphClient";
import type {
  AttributeMapping,
  ProvisioningObjectSummary,
  SynchronizationSchema,
} from "../../provider/graph/types";
import { listProvisioningEventsFrom } from "../../provider/monitoring/provisioningEvents";
import { LocalStack } from "../../testing/programRunner";
import { emulatorConnection, emulatorStackConfig, eventually } from "../helpers/emulator";

const SCIM_APP_TEMPLATE = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const CREDENTIALS = { BaseAddress: "https://scim.example.com/scim", SecretToken: "scim-token-engine-9f8e7d" };

function userMappings(schema: SynchronizationSchema): AttributeMapping[] {
  const user = schema.synchronizationRules
    .flatMap((r) => r.objectMappings ?? [])
    .find((m) => m.sourceObjectName === "User")!;
  return user.attributeMappings ?? [];
}

describe("ProvisioningSchema through the engine harness @engine @emulator", function () {
  this.timeout(180_000);
  let emulator: EmulatorHandle;
  let dir: string;
  let title = 'Append([jobTitle], " (Contoso)")';

  const stack = () =>
    new LocalStack({
      stack: "schema",
      projectDir: path.resolve(__dirname, "..", ".."),
      stackConfigFile: path.join(dir, "Pulumi.schema.yaml"),
      stateFile: path.join(dir, "state.json"),
      passphrase: "schema-test",
      config: emulatorStackConfig(emulator),
      program: () => {
        const app = new AppProvisioning("hr", {
          displayName: "HR Portal (SCIM)",
          templateId: SCIM_APP_TEMPLATE,
          jobTemplateId: "scim",
          credentials: CREDENTIALS,
          waitFor: "firstCycle",
          schema: {
            objectMappings: [
              {
                sourceObjectName: "User",
                attributeMappings: { title },
                scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]],
              },
            ],
          },
        });
        return { servicePrincipalId: app.servicePrincipalId, jobId: app.jobId };
      },
    });

  const graphLog = () => emulator.requestLog().filter((e) => e.kind === "graph");
  const calls = () => graphLog().map((e) => `${e.method} ${e.path.replace(/^.*\/synchronization/, "…")}`);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-schema-"));
    // Four assigned users (departments Sales, Engineering, Marketing, Finance) and a group.
    emulator = await startEmulator({ cycleTimeMs: 50, defaultAssignments: { users: 4, groups: 1 } });
  });
  after(async () => {
    await emulator?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should plan the schema in a preview with no Graph call at all", async () => {
    emulator.clearRequestLog();
    const r = await stack().preview();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.filter((s) => s.type.endsWith(":ProvisioningSchema")).map((s) => s.op)).to.deep.equal([
      "create",
    ]);
    expect(graphLog()).to.deep.equal([]);
  });

  let sp: string;
  let jobId: string;

  it("should save the schema after the secrets and before the job starts, changing only what is declared", async () => {
    emulator.clearRequestLog();
    const r = await stack().up();
    expect(r.errors).to.deep.equal([]);
    sp = String(r.outputs.servicePrincipalId);
    jobId = String(r.outputs.jobId);
    const order = calls();
    const secretsPut = order.indexOf("PUT …/secrets");
    const schemaPut = order.findIndex((c) => c.startsWith("PUT …/jobs/") && c.endsWith("/schema"));
    const start = order.findIndex((c) => c.endsWith("/start"));
    expect(secretsPut).to.be.greaterThan(-1);
    expect(schemaPut, order.join("\n")).to.be.greaterThan(secretsPut);
    expect(start, order.join("\n")).to.be.greaterThan(schemaPut);

    const graph = graphClientFor(resolveConnection(emulatorConnection(emulator)));
    const job = await graph.getSynchronizationSchema(sp, { jobId });
    const template = await graph.getSynchronizationSchema(sp, { templateId: "scim" });
    const others = (s: SynchronizationSchema) =>
      userMappings(s).filter((m) => m.targetAttributeName !== "title");
    expect(others(job)).to.deep.equal(others(template));
    expect(userMappings(job).find((m) => m.targetAttributeName === "title")!.source).to.deep.include({
      type: "Function",
      name: "Append",
    });
    const user = job.synchronizationRules[0].objectMappings!.find((m) => m.sourceObjectName === "User")!;
    expect(user.scope!.groups![0].clauses).to.deep.equal([
      { operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: ["Sales"] } },
    ]);
    expect(job.directories).to.deep.equal(template.directories);
  });

  it("should provision in the first cycle only the in-scope user, with the mapped title, as the logs show", async () => {
    const graph = graphClientFor(resolveConnection(emulatorConnection(emulator)));
    const events = await eventually(async () => {
      const all: ProvisioningObjectSummary[] = [];
      for await (const e of listProvisioningEventsFrom(graph, { jobId }, { limiterKey: "engine-schema" }))
        all.push(e);
      return all.length >= 5 ? all : undefined;
    }, 30_000);
    const byName = new Map(events.map((e) => [String(e.sourceIdentity?.displayName), e]));
    const sales = byName.get("Emulated User 1")!;
    expect(sales.provisioningStatusInfo?.status).to.equal("success");
    expect(sales.provisioningAction).to.equal("create");
    expect(sales.modifiedProperties.find((p) => p.displayName === "title")?.newValue).to.equal(
      "Account Executive (Contoso)",
    );
    for (const name of ["Emulated User 2", "Emulated User 3", "Emulated User 4"]) {
      const skipped = byName.get(name)!;
      expect(skipped.provisioningStatusInfo?.status, name).to.equal("skipped");
      expect(skipped.provisioningStatusInfo?.errorInformation?.errorCode, name).to.equal("NotInScope");
      expect(skipped.modifiedProperties, name).to.deep.equal([]);
    }
    // Not one user was provisioned under the template's defaults: no entry without the scope.
    expect(
      events
        .filter((e) => e.provisioningStatusInfo?.status === "success")
        .map((e) => e.sourceIdentity?.displayName)
        .sort(),
    ).to.deep.equal(["Emulated Group 1", "Emulated User 1"]);
  });

  it("should make no Graph call in a no-change preview or up", async () => {
    emulator.clearRequestLog();
    const preview = await stack().preview();
    expect(preview.errors).to.deep.equal([]);
    expect(preview.steps.every((s) => s.op === "same")).to.equal(true);
    const up = await stack().up();
    expect(up.errors).to.deep.equal([]);
    expect(up.steps.every((s) => s.op === "same")).to.equal(true);
    expect(graphLog()).to.deep.equal([]);
  });

  it("should change a mapping with GET + parseExpression + PUT of the schema only, warning about the initial cycle", async () => {
    title = 'Append([jobTitle], " (Contoso Ltd)")';
    emulator.clearRequestLog();
    const preview = await stack().preview();
    expect(graphLog()).to.deep.equal([]);
    expect(preview.steps.filter((s) => s.op === "update").map((s) => s.type.split(":").pop())).to.deep.equal([
      "ProvisioningSchema",
    ]);
    expect(preview.hostOutput).to.contain('update objectMappings[0].attributeMappings["title"]');
    expect(preview.hostOutput)
      .to.contain("next cycle an initial cycle")
      .and.contain("SkipOutOfScopeDeletions");

    const up = await stack().up();
    expect(up.errors).to.deep.equal([]);
    const schemaPath = `…/jobs/${jobId}/schema`;
    expect(calls()).to.deep.equal([
      `GET ${schemaPath}`,
      `POST ${schemaPath}/parseExpression`,
      `PUT ${schemaPath}`,
    ]);
  });

  it("should make no call after the change either, and destroy cleanly", async () => {
    emulator.clearRequestLog();
    const up = await stack().up();
    expect(up.errors).to.deep.equal([]);
    expect(graphLog()).to.deep.equal([]);
    const destroyed = await stack().destroy();
    expect(destroyed.errors).to.deep.equal([]);
    expect((await stack().state()).resources).to.deep.equal([]);
  });
});
