/**
 * ProvisioningSchema against the Graph emulator with the real client and tokens: the emulator owns
 * its schema model, normalisation and expression parser (nothing shared with provider/), so these
 * tests show the resource's splice and comparisons hold against an independent implementation.
 * Graph calls are counted from the emulator's request log.
 */
import { expect } from "chai";
import type * as pulumi from "@pulumi/pulumi";
import { type EmulatorHandle, startEmulator } from "../../emulator/index";
import { type ConnectionInput, resolveConnection } from "../../provider/graph/connection";
import { graphClientFor } from "../../provider/graph/graphClient";
import type {
  AttributeMapping,
  GraphApi,
  ObjectMapping,
  SynchronizationSchema,
} from "../../provider/graph/types";
import type { ProvisioningSchemaOutputs } from "../../provider/resources/provisioningSchemaProvider";
import { createProvider, realDeps } from "../../provider/runtime";
import { emulatorConnection } from "../helpers/emulator";

const SCIM_APP_TEMPLATE = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const SCIM_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

type Provider = pulumi.dynamic.ResourceProvider;
type Props = Record<string, unknown>;

function userMapping(schema: SynchronizationSchema): ObjectMapping {
  for (const rule of schema.synchronizationRules) {
    const found = (rule.objectMappings ?? []).find((m) => m.sourceObjectName === "User");
    if (found) return found;
  }
  throw new Error("no User object mapping");
}

function attribute(schema: SynchronizationSchema, target: string): AttributeMapping | undefined {
  return (userMapping(schema).attributeMappings ?? []).find((m) => m.targetAttributeName === target);
}

/** The schema without the User mapping's title and scope, and without version: what the program must not touch. */
function untouchedParts(schema: SynchronizationSchema): unknown {
  const copy = structuredClone(schema) as SynchronizationSchema & Record<string, unknown>;
  delete copy.version;
  delete copy["@odata.context"];
  delete copy.id;
  const user = userMapping(copy);
  user.attributeMappings = (user.attributeMappings ?? []).filter((m) => m.targetAttributeName !== "title");
  delete user.scope;
  return copy;
}

describe("ProvisioningSchema against the emulator @emulator", function () {
  this.timeout(60_000);
  let emulator: EmulatorHandle;
  let connection: ConnectionInput;
  let graph: GraphApi;
  const notices: string[] = [];
  const deps = { ...realDeps(), notice: (line: string) => notices.push(line) };
  const app = createProvider("GalleryApp", deps);
  const job = createProvider("ProvisioningJob", deps);
  const schemaProvider = createProvider("ProvisioningSchema", deps);
  let sp: string;
  let jobId: string;
  let template: SynchronizationSchema;

  async function checked(provider: Provider, news: Props): Promise<Props> {
    const result = await provider.check!({}, news);
    expect(result.failures ?? [], JSON.stringify(result.failures)).to.deep.equal([]);
    return result.inputs as Props;
  }

  const graphCalls = () =>
    emulator
      .requestLog()
      .filter((e) => e.kind === "graph")
      .map((e) => `${e.method} ${e.path.replace(/^\/v1\.0\/servicePrincipals\/[^/]+\/synchronization/, "")}`);
  const jobSchema = () => graph.getSynchronizationSchema(sp, { jobId });

  const inputs = (title = "ToUpper([jobTitle])", department = "Sales"): Props => ({
    servicePrincipalId: sp,
    jobId,
    objectMappings: [
      {
        sourceObjectName: "User",
        attributeMappings: { title },
        scope: [[{ attribute: "department", operator: "EQUALS", values: [department] }]],
      },
    ],
    connection,
  });

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    connection = emulatorConnection(emulator);
    graph = graphClientFor(resolveConnection(connection));
    const a = await app.create(
      await checked(app, { displayName: "HR Portal (SCIM)", templateId: SCIM_APP_TEMPLATE, connection }),
    );
    sp = (a.outs as Props).servicePrincipalId as string;
    const j = await job.create(
      await checked(job, { servicePrincipalId: sp, templateId: "scim", connection }),
    );
    jobId = j.id;
    template = await graph.getSynchronizationSchema(sp, { templateId: "scim" });
  });

  after(async () => {
    await emulator?.stop();
  });

  let state: ProvisioningSchemaOutputs;
  const id = () => `${sp}/${jobId}/schema`;

  it("should leave the job's schema with exactly the declared mapping and scope, everything else as the template had it", async () => {
    const before = await jobSchema();
    emulator.clearRequestLog();
    const created = await schemaProvider.create(await checked(schemaProvider, inputs()));
    state = created.outs as ProvisioningSchemaOutputs;
    const sync = `/jobs/${jobId}/schema`;
    expect(graphCalls()).to.deep.equal([`GET ${sync}`, `POST ${sync}/parseExpression`, `PUT ${sync}`]);
    const after = await jobSchema();
    expect(untouchedParts(after)).to.deep.equal(untouchedParts(before));
    expect(untouchedParts(after)).to.deep.equal(untouchedParts(template));
    expect(attribute(after, "title")!.source).to.deep.include({ type: "Function", name: "ToUpper" });
    expect(userMapping(after).scope!.groups).to.have.length(1);
    expect(userMapping(after).scope!.groups![0].clauses).to.deep.equal([
      { operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: ["Sales"] } },
    ]);
    expect(state.version).to.be.a("string");
    expect(state.ruleId).to.equal(template.synchronizationRules[0].id);
  });

  it("should see no change and make no call for the same program (Graph's normalisation is not drift)", async () => {
    emulator.clearRequestLog();
    const read = await schemaProvider.read!(id(), state);
    expect(graphCalls()).to.deep.equal([`GET /jobs/${jobId}/schema`]);
    state = read.props as ProvisioningSchemaOutputs;
    emulator.clearRequestLog();
    const diff = await schemaProvider.diff!(id(), state, await checked(schemaProvider, inputs()));
    expect(diff.changes).to.equal(false);
    // Even an update with nothing owned changed writes nothing.
    await schemaProvider.update!(id(), state, await checked(schemaProvider, inputs()));
    expect(graphCalls()).to.deep.equal([`GET /jobs/${jobId}/schema`]);
  });

  it("should change an owned mapping and keep a portal edit to an unowned one", async () => {
    // A portal edit: displayName now maps from mailNickname.
    const edited = await jobSchema();
    const displayName = attribute(edited, "displayName")!;
    displayName.source = {
      expression: "[mailNickname]",
      name: "mailNickname",
      parameters: [],
      type: "Attribute",
    };
    await graph.putSynchronizationSchema(sp, jobId, edited);

    const news = await checked(schemaProvider, inputs("ToLower([jobTitle])"));
    notices.length = 0;
    expect((await schemaProvider.diff!(id(), state, news)).changes).to.equal(true);
    expect(notices).to.have.length(1);
    expect(notices[0])
      .to.contain('update objectMappings[0].attributeMappings["title"]')
      .and.contain("initial cycle");
    emulator.clearRequestLog();
    state = (await schemaProvider.update!(id(), state, news)).outs as ProvisioningSchemaOutputs;
    const sync = `/jobs/${jobId}/schema`;
    expect(graphCalls()).to.deep.equal([`GET ${sync}`, `POST ${sync}/parseExpression`, `PUT ${sync}`]);
    const after = await jobSchema();
    expect(attribute(after, "title")!.source).to.deep.include({ name: "ToLower" });
    expect(attribute(after, "displayName")!.source).to.deep.include({ name: "mailNickname" });
  });

  it("should see drift of an owned mapping on refresh and restore it on the next up", async () => {
    const edited = await jobSchema();
    attribute(edited, "title")!.source = {
      expression: "[department]",
      name: "department",
      parameters: [],
      type: "Attribute",
    };
    await graph.putSynchronizationSchema(sp, jobId, edited);

    const refreshed = (await schemaProvider.read!(id(), state)).props as ProvisioningSchemaOutputs;
    const news = await checked(schemaProvider, inputs("ToLower([jobTitle])"));
    const diff = (await schemaProvider.diff!(id(), refreshed, news)) as {
      changes: boolean;
      detailedDiff: object;
    };
    expect(diff.changes).to.equal(true);
    expect(diff.detailedDiff).to.have.keys('objectMappings[0].attributeMappings["title"]');
    emulator.clearRequestLog();
    state = (await schemaProvider.update!(id(), refreshed, news)).outs as ProvisioningSchemaOutputs;
    // The expression did not change: its parsed form comes from state, so only GET + PUT.
    expect(graphCalls()).to.deep.equal([`GET /jobs/${jobId}/schema`, `PUT /jobs/${jobId}/schema`]);
    const after = await jobSchema();
    expect(attribute(after, "title")!.source).to.deep.include({ name: "ToLower" });
    expect(attribute(after, "displayName")!.source).to.deep.include({ name: "mailNickname" });
  });

  it("should fail an unknown object mapping naming the schema's object mappings, writing nothing", async () => {
    emulator.clearRequestLog();
    const bad = inputs();
    (bad.objectMappings as Props[])[0].sourceObjectName = "Contact";
    const err = await schemaProvider.update!(id(), state, await checked(schemaProvider, bad)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.contain(
      'objectMappings[0] (sourceObjectName "Contact") matches no object mapping',
    );
    expect(err?.message).to.contain(`User → ${SCIM_USER}`);
    expect(graphCalls()).to.deep.equal([`GET /jobs/${jobId}/schema`]);
  });

  it("should put the owned entries back to the template's default on delete (restore)", async () => {
    await schemaProvider.delete!(id(), state);
    const after = await jobSchema();
    expect(attribute(after, "title")).to.deep.equal(attribute(template, "title"));
    expect(userMapping(after).scope?.groups ?? []).to.deep.equal([]);
    // The portal's edit to an unowned mapping stays.
    expect(attribute(after, "displayName")!.source).to.deep.include({ name: "mailNickname" });
  });
});
