import { expect } from "chai";
import {
  chooseProvisionOnDemandRule,
  provisionOnDemand,
  provisionOnDemandWith,
} from "../../../provider/actions/provisionOnDemand";
import {
  STATUS_INFO_KEY,
  parseProvisionOnDemandResponse,
} from "../../../provider/actions/provisionOnDemandResult";
import type {
  GraphApi,
  SynchronizationJobApplicationParameters,
  SynchronizationRule,
  SynchronizationSchema,
} from "../../../provider/graph/types";
import { SlidingWindowRateLimiter } from "../../../provider/monitoring/slidingWindowRateLimiter";

const SP = "11111111-2222-3333-4444-555555555555";
const JOB = "scim.0123456789abcdef0123456789abcdef.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const USER = { objectId: "9bb0f679-a883-4a6f-8260-35b491b8b8c8", objectTypeName: "User" };

/** Graph's documented example 1 (GD …-provisionondemand.md), trimmed: a skipped, redundant export. */
const SKIPPED_KEY = JSON.stringify({
  result: "Skipped",
  details: {
    errorCode: "RedundantExport",
    errorMessage: "The state of the user in both the source and target systems already match.",
  },
});
const SKIPPED_VALUE = JSON.stringify({
  action: "Other",
  changeId: "g8ba3be8-1d7f-4a60-ae31-a8980da0a389",
  modifiedProperties: [
    { displayName: "objectId", oldValue: null, newValue: "52cf7b7a-52be-4a9b-9c69-e4d4a4a14f76" },
    { displayName: "displayName", oldValue: null, newValue: "Bill Bob" },
  ],
  provisioningSteps: [
    {
      name: "EntryImport",
      type: "Import",
      status: "Success",
      description: "Retrieved User 'BillBob@contoso.com' from Azure Active Directory",
      timestamp: "2020-06-26T13:58:24.5494971Z",
      details: { objectId: "52cf7b7a-52be-4a9b-9c69-e4d4a4a14f76", accountEnabled: "True" },
    },
    {
      name: "EntrySynchronizationScoping",
      type: "Scoping",
      status: "Success",
      description: "Determine if User in scope by evaluating against each scoping filter",
      timestamp: "2020-06-26T13:58:24.7526181Z",
      details: { IsActive: "True", ScopeEvaluationResult: "{}" },
    },
    {
      name: "EntrySynchronizationSkip",
      type: "Export",
      status: "Skipped",
      description: "The state of the user in both the source and target systems already match.",
      timestamp: "2020-06-26T13:58:24.7682084Z",
      details: { SkipReason: "RedundantExport" },
    },
  ],
  statusInfo: { status: "Skipped", errorCode: null, reason: null },
  targetIdentity: {
    id: "52507a19-96ec-4e73-9250-3e65ffd2d926",
    type: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    displayName: null,
    details: null,
  },
});

function rule(id: string, extra: Partial<SynchronizationRule> & { pod?: string } = {}): SynchronizationRule {
  const { pod, ...rest } = extra;
  return {
    id,
    name: `RULE_${id}`,
    sourceDirectoryName: "Azure Active Directory",
    targetDirectoryName: "customappsso",
    metadata: pod === undefined ? [] : [{ key: "supportsProvisionOnDemand", value: pod }],
    objectMappings: [
      { enabled: true, sourceObjectName: "User", targetObjectName: "User", attributeMappings: [] },
    ],
    ...rest,
  };
}

describe("provisionOnDemand", () => {
  describe("parseProvisionOnDemandResponse", () => {
    it("should read Graph's first documented shape (summary key, log value)", () => {
      const result = parseProvisionOnDemandResponse(USER, [{ key: SKIPPED_KEY, value: SKIPPED_VALUE }]);
      expect(result.result).to.equal("Skipped");
      expect(result.errorCode).to.equal("RedundantExport");
      expect(result.errorMessage).to.match(/already match/);
      expect(result.action).to.equal("Other");
      expect(result.steps.map((s) => `${s.name}:${s.status}`)).to.deep.equal([
        "EntryImport:Success",
        "EntrySynchronizationScoping:Success",
        "EntrySynchronizationSkip:Skipped",
      ]);
      expect(result.steps[2].details).to.deep.equal({ SkipReason: "RedundantExport" });
      expect(result.steps[0].type).to.equal("Import");
      expect(result.modifiedProperties[1]).to.deep.equal({
        displayName: "displayName",
        oldValue: null,
        newValue: "Bill Bob",
      });
      expect(result.targetIdentity?.id).to.equal("52507a19-96ec-4e73-9250-3e65ffd2d926");
      expect(result.objectId).to.equal(USER.objectId);
    });

    it("should read the StatusInfo shape with a list of logs and take the outcome from the steps", () => {
      const value = JSON.stringify([
        {
          provisioningSteps: [
            { name: "EntryImport", type: "Import", status: "Success", description: "Retrieved User" },
            { name: "EntryExportAdd", type: "Export", status: "Failure", description: "Target said 409" },
          ],
        },
      ]);
      const result = parseProvisionOnDemandResponse(USER, [{ key: STATUS_INFO_KEY, value }]);
      expect(result.result).to.equal("Failure");
      expect(result.steps).to.have.length(2);
      expect(result.steps[1].description).to.equal("Target said 409");
      expect(result.steps[1].details).to.deep.equal({});
    });

    it("should read the StatusInfo shape with a bare list of steps", () => {
      const value = JSON.stringify([
        { name: "EntryImport", type: "Import", status: "Success", description: "Retrieved User" },
      ]);
      const result = parseProvisionOnDemandResponse(USER, [{ key: STATUS_INFO_KEY, value }]);
      expect(result.result).to.equal("Success");
      expect(result.steps.map((s) => s.name)).to.deep.equal(["EntryImport"]);
    });

    it("should prefer statusInfo.status over the steps when there is no summary key", () => {
      const value = JSON.stringify([
        {
          statusInfo: { status: "Skipped" },
          provisioningSteps: [{ name: "EntryImport", status: "Success" }],
        },
      ]);
      expect(parseProvisionOnDemandResponse(USER, [{ key: STATUS_INFO_KEY, value }]).result).to.equal(
        "Skipped",
      );
    });

    it("should reject an answer in neither shape, saying what came back", () => {
      expect(() => parseProvisionOnDemandResponse(USER, [{ key: "x", value: "not json" }])).to.throw(
        /unknown shape.*x \/ not json/,
      );
      expect(() => parseProvisionOnDemandResponse(USER, [])).to.throw(/without a result/);
    });
  });

  describe("chooseProvisionOnDemandRule", () => {
    const schema = (rules: SynchronizationRule[]): SynchronizationSchema => ({ synchronizationRules: rules });

    it("should pick the one rule that supports provision on demand", () => {
      expect(
        chooseProvisionOnDemandRule(
          schema([rule("a", { pod: "false" }), rule("b", { pod: "true" })]),
          "User",
        ),
      ).to.equal("b");
    });

    it("should fall back to the rule reading from Azure Active Directory when no rule says", () => {
      const inbound = rule("in", {
        sourceDirectoryName: "customappsso",
        targetDirectoryName: "Azure Active Directory",
      });
      expect(chooseProvisionOnDemandRule(schema([inbound, rule("out")]), "User")).to.equal("out");
    });

    it("should narrow by the subject's object type", () => {
      const groups = rule("g", {
        pod: "true",
        objectMappings: [{ enabled: true, sourceObjectName: "Group", targetObjectName: "Group" }],
      });
      expect(chooseProvisionOnDemandRule(schema([rule("u", { pod: "true" }), groups]), "Group")).to.equal(
        "g",
      );
    });

    it("should fail naming every candidate's id and name when several remain", () => {
      expect(() =>
        chooseProvisionOnDemandRule(
          schema([rule("r1", { pod: "true" }), rule("r2", { pod: "true" })]),
          "User",
        ),
      ).to.throw(
        /2 rules .*pass ruleId, one of: r1 \(RULE_r1, Azure Active Directory → customappsso\); r2 \(RULE_r2/,
      );
    });

    it("should fail listing the rules when none supports provision on demand", () => {
      expect(() => chooseProvisionOnDemandRule(schema([rule("r1", { pod: "false" })]), "User")).to.throw(
        /no rule that supports provision on demand; pass ruleId \(rules: r1 \(RULE_r1/,
      );
    });
  });

  describe("provisionOnDemandWith", () => {
    function stub(rules: SynchronizationRule[] = [rule("rule-1", { pod: "true" })]) {
      const calls: string[] = [];
      const bodies: SynchronizationJobApplicationParameters[][] = [];
      const api: Partial<GraphApi> = {
        getSynchronizationSchema: async (sp, owner) => {
          const job = "jobId" in owner ? owner.jobId : owner.templateId;
          calls.push(`GET schema ${sp} ${job}`);
          return { synchronizationRules: rules };
        },
        provisionOnDemand: async (sp, job, parameters) => {
          calls.push(`POST ${sp} ${job}`);
          bodies.push(parameters);
          return [{ key: SKIPPED_KEY, value: SKIPPED_VALUE }];
        },
      };
      return { api: api as GraphApi, calls, bodies };
    }

    function manualLimiter() {
      let now = 0;
      const limiter = new SlidingWindowRateLimiter({
        limit: 5,
        windowMs: 10_000,
        now: () => now,
        sleep: async (ms) => void (now += ms),
      });
      return { limiter, clock: () => now };
    }

    it("should read the schema for the rule, then send one POST per subject with it", async () => {
      const { api, calls, bodies } = stub();
      const { limiter } = manualLimiter();
      const result = await provisionOnDemandWith(
        api,
        {
          servicePrincipalId: SP,
          jobId: JOB,
          subjects: [USER, { objectId: "g1", objectTypeName: "Group", links: { members: [] } }],
        },
        { limiter, limiterKey: "k" },
      );
      expect(calls).to.deep.equal([`GET schema ${SP} ${JOB}`, `POST ${SP} ${JOB}`, `POST ${SP} ${JOB}`]);
      expect(bodies).to.deep.equal([
        [{ ruleId: "rule-1", subjects: [USER] }],
        [
          {
            ruleId: "rule-1",
            subjects: [{ objectId: "g1", objectTypeName: "Group", links: { members: [] } }],
          },
        ],
      ]);
      expect(result.ruleId).to.equal("rule-1");
      expect(result.subjects.map((s) => [s.objectId, s.result])).to.deep.equal([
        [USER.objectId, "Skipped"],
        ["g1", "Skipped"],
      ]);
    });

    it("should not read the schema when ruleId is given", async () => {
      const { api, calls, bodies } = stub();
      await provisionOnDemandWith(
        api,
        { servicePrincipalId: SP, jobId: JOB, subjects: [USER], ruleId: "given#V2" },
        { limiter: manualLimiter().limiter },
      );
      expect(calls).to.deep.equal([`POST ${SP} ${JOB}`]);
      expect(bodies[0][0].ruleId).to.equal("given#V2");
    });

    it("should keep to 5 requests per 10 s per key, sharing the budget between calls", async () => {
      const { api } = stub();
      const { limiter, clock } = manualLimiter();
      const args = { servicePrincipalId: SP, jobId: JOB, ruleId: "r", subjects: [USER, USER, USER] };
      await provisionOnDemandWith(api, args, { limiter, limiterKey: "tenant/app" });
      expect(clock()).to.equal(0);
      await provisionOnDemandWith(api, args, { limiter, limiterKey: "tenant/app" });
      // The 6th request of the key waits until the 1st leaves the window.
      expect(clock()).to.equal(10_000);
      await provisionOnDemandWith(api, { ...args, subjects: [USER] }, { limiter, limiterKey: "other" });
      expect(clock()).to.equal(10_000);
    });

    it("should say which subject a failed POST was for, and not repeat it", async () => {
      const { api } = stub();
      let posts = 0;
      api.provisionOnDemand = async () => {
        posts++;
        throw new Error("POST …/provisionOnDemand: 500 InternalServerError");
      };
      const err = await provisionOnDemandWith(
        api,
        { servicePrincipalId: SP, jobId: JOB, ruleId: "r", subjects: [USER] },
        { limiter: manualLimiter().limiter },
      ).catch((e: Error) => e);
      expect((err as Error).message).to.equal(
        `provision on demand of User ${USER.objectId}: POST …/provisionOnDemand: 500 InternalServerError`,
      );
      expect(posts).to.equal(1);
    });

    it("should reject bad arguments naming the field, before any Graph call", async () => {
      const { api, calls } = stub();
      const bad: [Record<string, unknown>, RegExp][] = [
        [{ jobId: JOB, subjects: [USER] }, /servicePrincipalId must be a non-empty string, got undefined/],
        [{ servicePrincipalId: SP, jobId: " ", subjects: [USER] }, /jobId must be a non-empty string/],
        [{ servicePrincipalId: SP, jobId: JOB, subjects: [] }, /subjects must be a non-empty array/],
        [
          { servicePrincipalId: SP, jobId: JOB, subjects: [{ objectId: "u" }] },
          /subjects\[0\]\.objectTypeName must be a non-empty string/,
        ],
        [
          {
            servicePrincipalId: SP,
            jobId: JOB,
            subjects: [{ objectId: "g", objectTypeName: "Group", links: { members: [1, 2, 3, 4, 5, 6] } }],
          },
          /subjects\[0\]\.links\.members has 6 members; Graph provisions at most 5/,
        ],
        [{ servicePrincipalId: SP, jobId: JOB, subjects: [USER], ruleId: "" }, /ruleId must be a non-empty/],
      ];
      for (const [args, message] of bad) {
        const err = await provisionOnDemandWith(api, args as never).catch((e: Error) => e);
        expect(err, JSON.stringify(args)).to.be.instanceOf(Error);
        expect((err as Error).message).to.match(message);
      }
      expect(calls).to.deep.equal([]);
    });

    it("should validate before resolving a connection", async () => {
      const err = await provisionOnDemand({ servicePrincipalId: SP, jobId: JOB, subjects: [] }).catch(
        (e: Error) => e,
      );
      expect((err as Error).message).to.match(/^subjects must be a non-empty array/);
    });
  });
});
