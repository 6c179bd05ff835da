import { expect } from "chai";
import type { GraphApi, SchemaOwner, SynchronizationJob } from "../../../provider/graph/types";
import { SCIM_RULE_ID, scimTemplateSchema } from "../../fixtures/scimSchema";
import { run } from "../../helpers/fakeCli";

const SP = "11111111-2222-3333-4444-555555555555";
const JOB = "scim.0123456789abcdef0123456789abcdef.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const USER_ID = "9bb0f679-a883-4a6f-8260-35b491b8b8c8";

const CREATED = JSON.stringify({
  action: "Create",
  modifiedProperties: [
    { displayName: "userName", oldValue: null, newValue: "adele@contoso.com" },
    { displayName: "title", oldValue: null, newValue: "Sales Lead" },
  ],
  provisioningSteps: [
    {
      name: "EntryImport",
      type: "Import",
      status: "Success",
      description: "Retrieved User 'adele@contoso.com' from Azure Active Directory",
      details: { department: "Sales", thumbnailPhoto: "x".repeat(500) },
    },
    { name: "EntrySynchronizationScoping", type: "Scoping", status: "Success", description: "In scope" },
    { name: "EntryExportAdd", type: "Export", status: "Success", description: "User 'adele' was created" },
  ],
  targetIdentity: { id: "scim-42", type: "User", displayName: null },
});

function schemaApi(job = scimTemplateSchema()) {
  const gets: SchemaOwner[] = [];
  const api: Partial<GraphApi> = {
    getSynchronizationJob: async () => ({ id: JOB, templateId: "scim" }) as SynchronizationJob,
    getSynchronizationSchema: async (_sp, owner) => {
      gets.push(owner);
      return "jobId" in owner ? job : scimTemplateSchema();
    },
  };
  return { api, gets };
}

describe("graph-provisioning provision and schema (stubbed Graph)", () => {
  describe("provision", () => {
    it("should print Graph's steps per subject, with short details and the modified properties", async () => {
      const posts: unknown[] = [];
      const r = await run(["provision", SP, JOB, "--user", USER_ID], {
        ...schemaApi().api,
        provisionOnDemand: async (_sp, _job, parameters) => {
          posts.push(parameters);
          return [{ key: '{"result":"Success","details":{}}', value: CREATED }];
        },
      });
      expect(r.stderr).to.equal("");
      expect(r.code).to.equal(0);
      expect(posts).to.deep.equal([
        [{ ruleId: SCIM_RULE_ID, subjects: [{ objectId: USER_ID, objectTypeName: "User" }] }],
      ]);
      expect(r.stdout).to.contain(`Rule ${SCIM_RULE_ID}`);
      expect(r.stdout).to.contain(`User ${USER_ID}: Success\n  action: Create\n  target id: scim-42\n`);
      expect(r.stdout).to.contain(
        "  1. EntryImport (Import): Success - Retrieved User 'adele@contoso.com' from Azure Active Directory\n" +
          "      department: Sales\n  2. EntrySynchronizationScoping (Scoping): Success - In scope\n",
      );
      expect(r.stdout).to.not.contain("thumbnailPhoto");
      expect(r.stdout).to.match(
        /PROPERTY\s+OLD\s+NEW\n\s+userName\s+-\s+adele@contoso.com\n\s+title\s+-\s+Sales Lead/,
      );
    });

    it("should send one request per --user and --group, take --rule as given and print JSON", async () => {
      const sent: string[] = [];
      const r = await run(
        ["provision", SP, JOB, "--user", "u1", "--group", "g1", "--user", "u2", "--rule", "r#V2", "--json"],
        {
          provisionOnDemand: async (_sp, _job, [p]) => {
            sent.push(`${p.ruleId} ${p.subjects[0].objectTypeName} ${p.subjects[0].objectId}`);
            return [{ key: '{"result":"Skipped","details":{"errorCode":"RedundantExport"}}', value: "{}" }];
          },
        },
      );
      expect(r.code).to.equal(0);
      expect(sent).to.deep.equal(["r#V2 User u1", "r#V2 User u2", "r#V2 Group g1"]);
      const out = JSON.parse(r.stdout);
      expect(out.ruleId).to.equal("r#V2");
      expect(
        out.subjects.map((s: { result: string; errorCode: string }) => `${s.result} ${s.errorCode}`),
      ).to.deep.equal(["Skipped RedundantExport", "Skipped RedundantExport", "Skipped RedundantExport"]);
    });

    it("should exit 1 after printing when a subject failed", async () => {
      const r = await run(["provision", SP, JOB, "--user", "u1", "--rule", "r"], {
        provisionOnDemand: async () => [
          {
            key: '{"result":"Failure","details":{"errorCode":"SystemForCrossDomainIdentityManagementBadRequest","errorMessage":"bad title"}}',
            value: "{}",
          },
        ],
      });
      expect(r.code).to.equal(1);
      expect(r.stdout).to.contain(
        "User u1: Failure (SystemForCrossDomainIdentityManagementBadRequest: bad title)",
      );
      expect(r.stderr).to.equal("error: provisioning failed for User u1\n");
    });

    it("should exit 2 without a subject, and 1 naming the rules when the rule is ambiguous", async () => {
      const none = await run(["provision", SP, JOB], {});
      expect(none.code).to.equal(2);
      expect(none.stderr).to.equal("error: give at least one --user <id> or --group <id>\n");
      const schema = scimTemplateSchema();
      schema.synchronizationRules.push({ ...schema.synchronizationRules[0], id: "second", name: "SECOND" });
      const ambiguous = await run(["provision", SP, JOB, "--user", "u1"], schemaApi(schema).api);
      expect(ambiguous.code).to.equal(1);
      expect(ambiguous.stderr).to.match(
        /2 rules .*pass ruleId, one of: 03f7d90d.* \(USERGROUP_OUTBOUND_USERGROUP, .*second \(SECOND/,
      );
    });
  });

  describe("schema show", () => {
    it("should list each object mapping with its rule, objects, enabled, scope and mapping count", async () => {
      const job = scimTemplateSchema();
      job.synchronizationRules[0].objectMappings![0].scope = {
        groups: [
          {
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
      job.synchronizationRules[0].objectMappings![1].enabled = false;
      const { api, gets } = schemaApi(job);
      const r = await run(["schema", "show", SP, JOB], api);
      expect(r.code).to.equal(0);
      expect(gets).to.deep.equal([{ jobId: JOB }]);
      const lines = r.stdout.split("\n");
      expect(lines[0]).to.equal("Schema scim.00000000000000000000000000000000, version 6.0");
      expect(lines[2]).to.match(/^RULE\s+DIRECTORIES\s+OBJECT\s+ENABLED\s+SCOPE\s+MAPPINGS$/);
      expect(lines[3]).to.match(
        /^USERGROUP_OUTBOUND_USERGROUP \(03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8\)\s+Azure Active Directory → customappsso\s+User → urn:.*:User\s+yes\s+department EQUALS Sales\s+4$/,
      );
      expect(lines[4]).to.match(/Group → urn:ietf:params:scim:schemas:core:2.0:Group\s+no\s+all\s+1$/);
    });

    it("should print the whole schema with --json", async () => {
      const r = await run(["schema", "show", SP, JOB, "--json"], schemaApi().api);
      expect(JSON.parse(r.stdout)).to.deep.equal(scimTemplateSchema());
    });
  });

  describe("schema export", () => {
    function customised() {
      const job = scimTemplateSchema();
      const user = job.synchronizationRules[0].objectMappings![0];
      user.attributeMappings!.find((m) => m.targetAttributeName === "title")!.source = {
        expression: "[department]",
        name: "department",
        type: "Attribute",
        parameters: [],
      };
      user.scope = {
        groups: [
          {
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
      return job;
    }

    it("should print the inputs as JSON from the job, its schema and its template's schema", async () => {
      const { api, gets } = schemaApi(customised());
      const r = await run(["schema", "export", SP, JOB, "--json"], api);
      expect(r.code).to.equal(0);
      expect(r.stderr).to.equal("");
      expect(gets).to.deep.equal([{ jobId: JOB }, { templateId: "scim" }]);
      expect(JSON.parse(r.stdout)).to.deep.equal({
        servicePrincipalId: SP,
        jobId: JOB,
        objectMappings: [
          {
            sourceObjectName: "User",
            scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]],
            attributeMappings: { title: "[department]" },
          },
        ],
        targetAttributes: [],
      });
    });

    it("should print a TypeScript ProvisioningSchema by default, and warn about what it cannot export", async () => {
      const job = customised();
      job.synchronizationRules[0].objectMappings!.splice(1, 1);
      const r = await run(["schema", "export", SP, JOB], schemaApi(job).api);
      expect(r.code).to.equal(0);
      expect(r.stderr).to.match(/^warning: not exported: .*Group → .* was removed/);
      expect(r.stdout).to.contain("// NOT EXPORTED: ");
      expect(r.stdout).to.contain('import { ProvisioningSchema } from "pulumi-graph-provisioning";');
      expect(r.stdout).to.contain(
        [
          'export const schema = new ProvisioningSchema("schema", {',
          `  servicePrincipalId: "${SP}",`,
          `  jobId: "${JOB}",`,
          "  objectMappings: [",
          "    {",
          '      sourceObjectName: "User",',
          "      scope: [",
          "        [",
          "          {",
          '            attribute: "department",',
          '            operator: "EQUALS",',
          '            values: ["Sales"],',
          "          },",
          "        ],",
          "      ],",
          "      attributeMappings: {",
          '        title: "[department]",',
          "      },",
          "    },",
          "  ],",
          "});",
        ].join("\n"),
      );
    });
  });
});
