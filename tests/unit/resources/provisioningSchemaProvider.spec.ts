import { expect } from "chai";
import type { SynchronizationSchema } from "../../../provider/graph/types";
import {
  createProvisioningSchemaProvider,
  NEXT_CYCLE_NOTICE,
  type ProvisioningSchemaInputs,
  type ProvisioningSchemaOutputs,
  type SchemaDiffResult,
} from "../../../provider/resources/provisioningSchemaProvider";
import { fakeParse, RULE_ID, SCIM_USER, scimSchema } from "../schema/schemaFixtures";
import {
  callSequence,
  fakeDeps,
  job,
  JOB_ID,
  notFound,
  SP_ID,
  type StubbedGraph,
  stubGraph,
} from "./resourceFakes";

const ID = `${SP_ID}/${JOB_ID}/schema`;

/** diff with its detailedDiff typed. */
function diffOf(
  provider: ReturnType<typeof createProvisioningSchemaProvider>,
  id: string,
  olds: ProvisioningSchemaOutputs,
  news: ProvisioningSchemaInputs,
): Promise<SchemaDiffResult> {
  return provider.diff!(id, olds, news) as Promise<SchemaDiffResult>;
}

/** Forgets the calls made so far (behaviour stays). */
function forget(graph: StubbedGraph): void {
  for (const stub of Object.values(graph)) stub.resetHistory();
}

function setup(schema: SynchronizationSchema = scimSchema()) {
  const graph = stubGraph();
  const notices: string[] = [];
  const deps = { ...fakeDeps(graph), notice: (line: string) => notices.push(line) };
  let stored = schema;
  graph.getSynchronizationSchema.callsFake(
    async (_sp: string, owner: { jobId?: string; templateId?: string }) =>
      structuredClone(owner.jobId !== undefined ? stored : scimSchema()),
  );
  graph.putSynchronizationSchema.callsFake(async (_sp: string, _job: string, body: SynchronizationSchema) => {
    stored = structuredClone(body);
  });
  graph.parseExpression.callsFake(async (_sp: string, _owner: unknown, req: { expression: string }) =>
    fakeParse(req.expression),
  );
  graph.getSynchronizationJob.resolves(job({ templateId: "scim" }));
  return { graph, notices, provider: createProvisioningSchemaProvider(deps), stored: () => stored };
}

const inputs = (over: Partial<ProvisioningSchemaInputs> = {}): ProvisioningSchemaInputs => ({
  servicePrincipalId: SP_ID,
  jobId: JOB_ID,
  objectMappings: [
    {
      sourceObjectName: "User",
      attributeMappings: { title: "ToLower([jobTitle])", preferredLanguage: null },
      scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]],
    },
  ],
  onDelete: "restore",
  ...over,
});

function userMapping(schema: SynchronizationSchema) {
  return schema.synchronizationRules[0].objectMappings![0];
}

describe("ProvisioningSchema provider", () => {
  describe("create", () => {
    it("should GET, parse the one expression, and PUT the whole schema with only the owned parts changed", async () => {
      const { graph, provider, stored } = setup();
      const before = scimSchema();
      const { id, outs } = await provider.create(inputs());
      expect(id).to.equal(ID);
      expect(callSequence(graph)).to.deep.equal([
        "getSynchronizationSchema",
        "parseExpression",
        "putSynchronizationSchema",
      ]);
      const after = stored();
      // Directories and the group mapping come back untouched.
      expect(after.directories).to.deep.equal(before.directories);
      expect(after.synchronizationRules[0].objectMappings![1]).to.deep.equal(
        before.synchronizationRules[0].objectMappings![1],
      );
      const user = userMapping(after);
      const names = user.attributeMappings!.map((m) => m.targetAttributeName);
      expect(names).to.deep.equal(["userName", "active", "title"]);
      expect(user.attributeMappings![2].source).to.include({ type: "Function", name: "ToLower" });
      expect(user.attributeMappings!.slice(0, 2)).to.deep.equal(
        userMapping(before).attributeMappings!.slice(0, 2),
      );
      expect(user.scope!.groups).to.deep.equal([
        {
          name: "Scope 1",
          clauses: [
            { operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: ["Sales"] } },
          ],
        },
      ]);
      expect(outs).to.include({ ruleId: RULE_ID, version: "v1.2", onDelete: "restore" });
      expect(outs.lastChange).to.deep.equal({
        changed: [
          "objectMappings[0].scope",
          'objectMappings[0].attributeMappings["title"]',
          'objectMappings[0].attributeMappings["preferredLanguage"]',
        ],
        notice: NEXT_CYCLE_NOTICE,
      });
      expect(Object.keys(outs.parsedExpressions)).to.deep.equal(["ToLower([jobTitle])"]);
      expect(outs.ownedEntries.objectMappings[0]!.attributeMappings.preferredLanguage).to.equal(null);
    });

    it("should not PUT when the schema already has what is declared", async () => {
      const { graph, provider } = setup();
      const { outs } = await provider.create(
        inputs({
          objectMappings: [{ sourceObjectName: "User", attributeMappings: { title: "[jobTitle]" } }],
        }),
      );
      expect(callSequence(graph)).to.deep.equal(["getSynchronizationSchema", "parseExpression"]);
      expect(outs.lastChange).to.equal(null);
    });

    it("should fail naming the candidates when the object mapping is unknown or ambiguous", async () => {
      const { graph, provider } = setup();
      const err = await provider
        .create(inputs({ objectMappings: [{ sourceObjectName: "Contact", attributeMappings: {} }] }))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(err!.message).to.contain("objectMappings[0]").and.contain('sourceObjectName "Contact"');
      expect(err!.message).to.contain(`User → ${SCIM_USER} (ruleId ${RULE_ID}`).and.contain("Group →");
      expect(graph.putSynchronizationSchema.called).to.equal(false);

      const twoRules = scimSchema();
      twoRules.synchronizationRules.push({
        ...structuredClone(twoRules.synchronizationRules[0]),
        id: "rule-2",
      });
      const second = setup(twoRules);
      const ambiguous = await second.provider
        .create(inputs({ objectMappings: [{ sourceObjectName: "User" }] }))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(ambiguous!.message).to.contain("matches 2 object mappings").and.contain("ruleId rule-2");
      expect(ambiguous!.message).to.contain("Add targetObjectName and/or ruleId");
    });

    it("should fail naming the field when Graph cannot parse an expression", async () => {
      const { graph, provider } = setup();
      graph.parseExpression.resolves({
        error: { code: "InvalidExpression", message: "Unknown attribute jobTitel" },
        evaluationResult: null,
        evaluationSucceeded: false,
        parsedExpression: null,
        parsingSucceeded: false,
      });
      const err = await provider.create(inputs()).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.contain('objectMappings[0].attributeMappings["title"]').and.contain("jobTitel");
      expect(graph.putSynchronizationSchema.called).to.equal(false);
    });

    it("should retry a replication 404 of a new job's schema", async () => {
      const { graph, provider } = setup();
      graph.getSynchronizationSchema.onFirstCall().rejects(notFound());
      await provider.create(inputs());
      expect(graph.getSynchronizationSchema.callCount).to.equal(2);
    });
  });

  describe("diff and update", () => {
    async function created() {
      const s = setup();
      const { outs } = await s.provider.create(inputs());
      forget(s.graph);
      return { ...s, outs: outs as ProvisioningSchemaOutputs };
    }

    it("should report no change for the same inputs or whitespace in expressions, with no call", async () => {
      const { provider, outs, notices, graph } = await created();
      expect((await diffOf(provider, ID, outs, inputs())).changes).to.equal(false);
      const spaced = inputs();
      spaced.objectMappings[0].attributeMappings!.title = "  ToLower( [jobTitle] ) ";
      expect((await diffOf(provider, ID, outs, spaced)).changes).to.equal(false);
      expect(notices).to.deep.equal([]);
      expect(callSequence(graph)).to.deep.equal([]);
    });

    it("should name each changed attribute and scope, and warn about the initial cycle", async () => {
      const { provider, outs, notices } = await created();
      const changed = inputs();
      changed.objectMappings[0].attributeMappings = {
        title: "ToUpper([jobTitle])",
        preferredLanguage: null,
        nickName: "[mailNickname]",
      };
      changed.objectMappings[0].scope = [
        [{ attribute: "department", operator: "EQUALS", values: ["Marketing"] }],
      ];
      const diff = await diffOf(provider, ID, outs, changed);
      expect(diff.changes).to.equal(true);
      expect(diff.replaces).to.deep.equal([]);
      expect(diff.detailedDiff).to.deep.equal({
        "objectMappings[0].scope": { kind: "update", inputDiff: true },
        'objectMappings[0].attributeMappings["title"]': { kind: "update", inputDiff: true },
        'objectMappings[0].attributeMappings["nickName"]': { kind: "add", inputDiff: true },
      });
      expect(notices).to.have.length(1);
      expect(notices[0]).to.contain("initial cycle").and.contain("SkipOutOfScopeDeletions").and.contain(ID);
    });

    it("should replace on a new servicePrincipalId or jobId", async () => {
      const { provider, outs } = await created();
      const diff = await diffOf(provider, ID, outs, inputs({ jobId: "scim.other" }));
      expect(diff).to.include({ changes: true, deleteBeforeReplace: true });
      expect(diff.replaces).to.deep.equal(["jobId"]);
    });

    it("should update with one GET, one parseExpression per changed expression and one PUT", async () => {
      const { provider, outs, graph } = await created();
      const changed = inputs();
      changed.objectMappings[0].attributeMappings = { title: "ToUpper([jobTitle])", preferredLanguage: null };
      const { outs: after } = await provider.update!(ID, outs, changed);
      expect(callSequence(graph)).to.deep.equal([
        "getSynchronizationSchema",
        "parseExpression",
        "putSynchronizationSchema",
      ]);
      expect(after.lastChange.changed).to.deep.equal(['objectMappings[0].attributeMappings["title"]']);
      expect(Object.keys(after.parsedExpressions)).to.deep.equal(["ToUpper([jobTitle])"]);
    });

    it("should leave a portal edit to an unowned mapping alone, and restore drift of an owned one", async () => {
      const { provider, outs, graph, stored } = await created();
      // Someone edits the schema in the portal: an unowned mapping and an owned one.
      const edited = stored();
      const user = userMapping(edited);
      user.attributeMappings!.find((m) => m.targetAttributeName === "active")!.defaultValue = "False";
      user.attributeMappings!.find((m) => m.targetAttributeName === "title")!.source = {
        expression: "[department]",
        name: "department",
        parameters: [],
        type: "Attribute",
      };
      await graph.putSynchronizationSchema(SP_ID, JOB_ID, edited);
      forget(graph);
      // Refresh: one GET; the drift is visible in the outputs and in diff.
      const read = await provider.read!(ID, outs);
      expect(callSequence(graph)).to.deep.equal(["getSynchronizationSchema"]);
      const refreshed = read.props as ProvisioningSchemaOutputs;
      const diff = await diffOf(provider, ID, refreshed, inputs());
      expect(diff.detailedDiff).to.deep.equal({
        'objectMappings[0].attributeMappings["title"]': { kind: "update", inputDiff: true },
      });
      forget(graph);
      await provider.update!(ID, refreshed, inputs());
      // The cached parse is reused: GET + PUT only.
      expect(callSequence(graph)).to.deep.equal(["getSynchronizationSchema", "putSynchronizationSchema"]);
      const now = userMapping(stored());
      expect(now.attributeMappings!.find((m) => m.targetAttributeName === "title")!.source).to.include({
        name: "ToLower",
      });
      expect(now.attributeMappings!.find((m) => m.targetAttributeName === "active")!.defaultValue).to.equal(
        "False",
      );
    });

    it("should not PUT on an update whose owned parts already match", async () => {
      const { provider, outs, graph } = await created();
      await provider.update!(ID, outs, { ...inputs(), onDelete: "keep" });
      expect(callSequence(graph)).to.deep.equal(["getSynchronizationSchema"]);
    });

    it("should put entries the program stops declaring back to the template's default", async () => {
      const { provider, outs, graph, stored } = await created();
      const fewer = inputs();
      fewer.objectMappings[0].attributeMappings = { title: "ToLower([jobTitle])" };
      delete fewer.objectMappings[0].scope;
      const diff = await diffOf(provider, ID, outs, fewer);
      expect(Object.keys(diff.detailedDiff!)).to.deep.equal([
        `objectMappings(User → ${SCIM_USER}).attributeMappings["preferredLanguage"]`,
        `objectMappings(User → ${SCIM_USER}).scope`,
      ]);
      await provider.update!(ID, outs, fewer);
      expect(callSequence(graph)).to.deep.equal([
        "getSynchronizationSchema",
        "getSynchronizationJob",
        "getSynchronizationSchema",
        "putSynchronizationSchema",
      ]);
      expect(graph.getSynchronizationSchema.secondCall.args[1]).to.deep.equal({ templateId: "scim" });
      const user = userMapping(stored());
      expect(user.scope!.groups).to.deep.equal([]);
      expect(
        user.attributeMappings!.find((m) => m.targetAttributeName === "preferredLanguage"),
      ).to.deep.include({
        defaultValue: "en_US",
      });
    });
  });

  describe("read", () => {
    it("should report a schema that is gone as gone", async () => {
      const { graph, provider } = setup();
      const { outs } = await provider.create(inputs());
      graph.getSynchronizationSchema.rejects(notFound());
      expect(await provider.read!(ID, outs)).to.deep.equal({ id: "", props: {} });
    });
  });

  describe("delete", () => {
    it("restore: puts the owned entries back to the template's default, leaving the rest", async () => {
      const { graph, provider, stored } = setup();
      const { outs } = await provider.create(inputs());
      const edited = stored();
      userMapping(edited).attributeMappings!.find((m) => m.targetAttributeName === "active")!.defaultValue =
        "False";
      await graph.putSynchronizationSchema(SP_ID, JOB_ID, edited);
      forget(graph);
      await provider.delete!(ID, outs);
      expect(callSequence(graph)).to.deep.equal([
        "getSynchronizationSchema",
        "getSynchronizationJob",
        "getSynchronizationSchema",
        "putSynchronizationSchema",
      ]);
      const template = userMapping(scimSchema());
      const user = userMapping(stored());
      expect(user.attributeMappings!.find((m) => m.targetAttributeName === "title")).to.deep.equal(
        template.attributeMappings!.find((m) => m.targetAttributeName === "title"),
      );
      expect(user.attributeMappings!.find((m) => m.targetAttributeName === "active")!.defaultValue).to.equal(
        "False",
      );
      expect(user.scope!.groups).to.deep.equal([]);
    });

    it("keep: makes no call; resetAll: DELETEs the schema (404 = gone)", async () => {
      const { graph, provider } = setup();
      const { outs } = await provider.create(inputs());
      forget(graph);
      await provider.delete!(ID, { ...outs, onDelete: "keep" });
      expect(callSequence(graph)).to.deep.equal([]);
      graph.deleteSynchronizationSchema.rejects(notFound());
      await provider.delete!(ID, { ...outs, onDelete: "resetAll" });
      expect(callSequence(graph)).to.deep.equal(["deleteSynchronizationSchema"]);
    });

    it("restore: a job that is gone is gone", async () => {
      const { graph, provider } = setup();
      const { outs } = await provider.create(inputs());
      graph.getSynchronizationSchema.rejects(notFound());
      await provider.delete!(ID, outs);
    });
  });
});
