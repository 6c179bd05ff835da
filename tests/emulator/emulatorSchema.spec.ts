/**
 * The synchronization schema endpoints over real HTTPS (graph-schema.md §1): GET of a job's and a template's
 * default schema, PUT (whole replace, 204, version change, normalisation, validation against the
 * directories), DELETE (back to the default), PATCH (404 UnknownError as syncfabric answers), directories,
 * discover, filterOperators, functions and parseExpression in both bindings.
 */
import { expect } from "chai";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient } from "../helpers/emulator";

const AWS = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
const SCIM_APP = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const SERVICENOW = "3f4a5e0b-2c1d-4b7a-9e61-5d0c8a7b1f21";

interface Source {
  expression: string | null;
  name: string | null;
  parameters: { key: string; value: Source }[];
  type: string;
}
interface AttributeMapping {
  defaultValue: string | null;
  exportMissingReferences: boolean;
  flowBehavior: string;
  flowType: string;
  matchingPriority: number;
  source: Source | null;
  targetAttributeName: string;
}
interface ObjectMapping {
  name: string;
  enabled: boolean;
  flowTypes: string;
  sourceObjectName: string;
  targetObjectName: string;
  scope: unknown;
  attributeMappings: AttributeMapping[];
  metadata: { key: string; value: string }[];
}
interface Schema {
  "@odata.context"?: string;
  id: string;
  version: string;
  directories: {
    id: string;
    name: string;
    objects: { name: string; attributes: { name: string; type: string }[] }[];
  }[];
  synchronizationRules: {
    id: string;
    name: string;
    priority: number;
    editable: boolean;
    sourceDirectoryName: string;
    targetDirectoryName: string;
    metadata: { key: string; value: string }[];
    objectMappings: ObjectMapping[];
  }[];
}
type ErrorBody = { error: { code: string; message: string } };

describe("emulator: synchronization schema @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;

  const setUp = async (appTemplateId: string) => {
    const app = await graph.call<{ application: { id: string }; servicePrincipal: { id: string } }>(
      "POST",
      `/applicationTemplates/${appTemplateId}/instantiate`,
      { displayName: "Schema app" },
    );
    const spId = app.body.servicePrincipal.id;
    const templates = await graph.call<{ value: { id: string }[] }>(
      "GET",
      `/servicePrincipals/${spId}/synchronization/templates`,
    );
    const templateId = templates.body.value[0].id;
    const job = await graph.call<{ id: string }>("POST", `/servicePrincipals/${spId}/synchronization/jobs`, {
      templateId,
    });
    return {
      spId,
      appObjectId: app.body.application.id,
      templateId,
      jobId: job.body.id,
      schemaPath: `/servicePrincipals/${spId}/synchronization/jobs/${job.body.id}/schema`,
    };
  };
  const userMapping = (schema: Schema) =>
    schema.synchronizationRules[0].objectMappings.find((m) => m.sourceObjectName === "User") as ObjectMapping;

  before(async () => {
    emulator = await startEmulator({ port: 0, cycleTimeMs: 40 });
    graph = new EmulatorTestClient(emulator);
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.stop());

  describe("GET", () => {
    it("should return the SCIM template's default schema for a new job: id = jobId, directories, the documented rule", async () => {
      const { schemaPath, jobId, spId } = await setUp(SCIM_APP);
      const res = await graph.call<Schema>("GET", schemaPath);
      expect(res.status).to.equal(200);
      expect(res.body["@odata.context"]).to.contain(
        `#servicePrincipals('${spId}')/synchronization/jobs('${jobId}')/schema/$entity`,
      );
      expect(res.body.id).to.equal(jobId);
      expect(res.body.version).to.be.a("string");
      expect(res.body.directories.map((d) => d.name)).to.deep.equal([
        "Azure Active Directory",
        "customappsso",
      ]);
      const aadUser = res.body.directories[0].objects.find((o) => o.name === "User");
      for (const name of [
        "userPrincipalName",
        "mail",
        "department",
        "jobTitle",
        "IsSoftDeleted",
        "extensionAttribute10",
      ])
        expect(aadUser?.attributes.map((a) => a.name)).to.include(name);
      const rule = res.body.synchronizationRules[0];
      expect(rule).to.include({
        id: "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8",
        name: "USERGROUP_OUTBOUND_USERGROUP",
        priority: 1,
        editable: true,
        sourceDirectoryName: "Azure Active Directory",
        targetDirectoryName: "customappsso",
      });
      expect(rule.metadata.map((m) => m.key)).to.include("supportsProvisionOnDemand");
      const users = userMapping(res.body);
      expect(users).to.include({
        name: "Provision Azure Active Directory Users",
        flowTypes: "Add, Update, Delete",
        enabled: true,
        targetObjectName: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      });
      const userName = users.attributeMappings.find((m) => m.targetAttributeName === "userName");
      expect(userName).to.deep.equal({
        defaultValue: null,
        exportMissingReferences: false,
        flowBehavior: "FlowWhenChanged",
        flowType: "Always",
        matchingPriority: 1,
        source: {
          expression: "[userPrincipalName]",
          name: "userPrincipalName",
          parameters: [],
          type: "Attribute",
        },
        targetAttributeName: "userName",
      });
      const active = users.attributeMappings.find((m) => m.targetAttributeName === "active");
      expect(active?.source?.expression).to.equal(
        'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
      );
      expect(users.attributeMappings.map((m) => m.targetAttributeName)).to.deep.equal(
        [...users.attributeMappings.map((m) => m.targetAttributeName)].sort((a, b) =>
          a.toLowerCase().localeCompare(b.toLowerCase(), "en"),
        ),
      );
    });

    it("should serve the template schema (id {templateId}.000…, version 6.0) under the SP and the application, v1.0 and beta", async () => {
      const { spId, appObjectId, templateId } = await setUp(AWS);
      const beta = new EmulatorTestClient(emulator, "beta");
      for (const [client, path] of [
        [graph, `/servicePrincipals/${spId}/synchronization/templates/${templateId}/schema`],
        [beta, `/applications/${appObjectId}/synchronization/templates/${templateId}/schema`],
      ] as const) {
        const res = await client.call<Schema>("GET", path);
        expect(res.status, path).to.equal(200);
        expect(res.body.id).to.equal(`${templateId}.00000000000000000000000000000000`);
        expect(res.body.version).to.equal("6.0");
        expect(res.body.synchronizationRules[0].targetDirectoryName).to.equal("AWS Single-Account Access");
      }
      const missing = await graph.call(
        "GET",
        `/servicePrincipals/${spId}/synchronization/templates/nope/schema`,
      );
      expect(missing.status).to.equal(404);
    });

    it("should give ServiceNow its own target directory (sys_user / sys_user_group)", async () => {
      const { schemaPath } = await setUp(SERVICENOW);
      const schema = (await graph.call<Schema>("GET", schemaPath)).body;
      expect(schema.directories[1].name).to.equal("ServiceNow");
      expect(schema.synchronizationRules[0].objectMappings.map((m) => m.targetObjectName)).to.deep.equal([
        "sys_user",
        "sys_user_group",
      ]);
    });

    it("should list directories and get one by id; discover returns a stamped definition", async () => {
      const { schemaPath } = await setUp(SCIM_APP);
      const list = await graph.call<{ value: { id: string; name: string }[] }>(
        "GET",
        `${schemaPath}/directories`,
      );
      expect(list.status).to.equal(200);
      expect(list.body.value.map((d) => d.name)).to.deep.equal(["Azure Active Directory", "customappsso"]);
      const one = await graph.call<{ name: string }>(
        "GET",
        `${schemaPath}/directories/${list.body.value[1].id}`,
      );
      expect(one.body.name).to.equal("customappsso");
      const discovered = await graph.call<{
        discoveryDateTime: string;
        discoverabilities: string;
        objects: unknown[];
      }>("POST", `${schemaPath}/directories/${list.body.value[1].id}/discover`);
      expect(discovered.status).to.equal(200);
      expect(discovered.body.discoverabilities).to.equal("AttributeNames, AttributeDataTypes");
      expect(Date.parse(discovered.body.discoveryDateTime)).to.be.greaterThan(Date.now() - 60_000);
      expect((await graph.call("GET", `${schemaPath}/directories/nope`)).status).to.equal(404);
    });
  });

  describe("PUT / DELETE / PATCH", () => {
    it("should replace the whole schema (204), change version, sort mappings and canonicalise expressions", async () => {
      const { schemaPath, jobId } = await setUp(SCIM_APP);
      const before = (await graph.call<Schema>("GET", schemaPath)).body;
      const edited = JSON.parse(JSON.stringify(before)) as Schema;
      delete edited["@odata.context"];
      const users = userMapping(edited);
      // Minimal source as Microsoft's tutorial sends it, and an expression with odd whitespace.
      users.attributeMappings.unshift(
        {
          targetAttributeName: "userType",
          source: { name: "extensionAttribute10", type: "Attribute" },
        } as never,
        {
          targetAttributeName: "preferredLanguage",
          source: { expression: 'Replace([preferredLanguage],   "-", , , "_", ,  )', type: "Function" },
        } as never,
      );
      users.attributeMappings = users.attributeMappings.filter(
        (m, i) => !(m.targetAttributeName === "preferredLanguage" && i > 1),
      );
      const put = await graph.call("PUT", schemaPath, edited);
      expect(put.status).to.equal(204);
      expect(put.text).to.equal("");
      const after = (await graph.call<Schema>("GET", schemaPath)).body;
      expect(after.id).to.equal(jobId);
      expect(after.version).to.not.equal(before.version);
      const mapped = userMapping(after).attributeMappings;
      expect(mapped.map((m) => m.targetAttributeName)).to.deep.equal(
        [...mapped.map((m) => m.targetAttributeName)].sort((a, b) =>
          a.toLowerCase().localeCompare(b.toLowerCase(), "en"),
        ),
      );
      expect(mapped.find((m) => m.targetAttributeName === "userType")).to.deep.equal({
        defaultValue: null,
        exportMissingReferences: false,
        flowBehavior: "FlowWhenChanged",
        flowType: "Always",
        matchingPriority: 0,
        source: {
          expression: "[extensionAttribute10]",
          name: "extensionAttribute10",
          parameters: [],
          type: "Attribute",
        },
        targetAttributeName: "userType",
      });
      const lang = mapped.find((m) => m.targetAttributeName === "preferredLanguage");
      expect(lang?.source?.expression).to.equal('Replace([preferredLanguage], "-", , , "_", , )');
      expect(lang?.source?.parameters.map((p) => p.key)).to.deep.equal(["source", "Find", "Replacement"]);
      // Only the edited object mapping changed; the group mapping is as before.
      expect(after.synchronizationRules[0].objectMappings[1]).to.deep.equal(
        before.synchronizationRules[0].objectMappings[1],
      );

      // A second PUT of what GET returned changes nothing but the version.
      const again = JSON.parse(JSON.stringify(after)) as Schema;
      expect((await graph.call("PUT", schemaPath, again)).status).to.equal(204);
      const third = (await graph.call<Schema>("GET", schemaPath)).body;
      expect(third.version).to.not.equal(after.version);
      expect({ ...third, version: "", "@odata.context": "" }).to.deep.equal({
        ...after,
        version: "",
        "@odata.context": "",
      });
    });

    it("should reject a mapping whose target or source attribute is not declared on the directory object (400)", async () => {
      const { schemaPath } = await setUp(SCIM_APP);
      const schema = (await graph.call<Schema>("GET", schemaPath)).body;
      const badTarget = JSON.parse(JSON.stringify(schema)) as Schema;
      userMapping(badTarget).attributeMappings.push({
        targetAttributeName: "officeCode",
        source: { name: "department", type: "Attribute" },
      } as never);
      const res1 = await graph.call<ErrorBody>("PUT", schemaPath, badTarget);
      expect(res1.status).to.equal(400);
      expect(res1.body.error.message).to.contain("'officeCode' is not defined on object");

      const badSource = JSON.parse(JSON.stringify(schema)) as Schema;
      userMapping(badSource).attributeMappings.push({
        targetAttributeName: "title",
        source: { expression: 'Join(" ", [costCenter], [jobTitle])' },
      } as never);
      const res2 = await graph.call<ErrorBody>("PUT", schemaPath, badSource);
      expect(res2.status).to.equal(400);
      expect(res2.body.error.message).to.contain("'costCenter' is not defined on object 'User'");

      // Declaring the attribute on the directory first makes the same mapping valid (Microsoft's procedure).
      const declared = JSON.parse(JSON.stringify(badTarget)) as Schema;
      const target = declared.directories[1].objects.find(
        (o) => o.name === userMapping(declared).targetObjectName,
      );
      target?.attributes.push({ name: "officeCode", type: "String" });
      expect((await graph.call("PUT", schemaPath, declared)).status).to.equal(204);

      const typo = JSON.parse(JSON.stringify(schema)) as Schema & { extra?: boolean };
      (userMapping(typo).attributeMappings[0] as unknown as Record<string, unknown>).targetAttribute = "x";
      const res3 = await graph.call<ErrorBody>("PUT", schemaPath, typo);
      expect(res3.status).to.equal(400);
      expect(res3.body.error.message).to.contain(
        "'targetAttribute' does not exist on type 'microsoft.graph.attributeMapping'",
      );

      const badExpr = JSON.parse(JSON.stringify(schema)) as Schema;
      userMapping(badExpr).attributeMappings[0].source = { expression: "replace([mail])" } as never;
      const res4 = await graph.call<ErrorBody>("PUT", schemaPath, badExpr);
      expect(res4.status).to.equal(400);
      expect(res4.body.error.message).to.contain("Unknown function 'replace'");
      // Rejected PUTs stored nothing: the schema is the one the valid PUT above left.
      const now = (await graph.call<Schema>("GET", schemaPath)).body;
      expect(userMapping(now).attributeMappings.map((m) => m.targetAttributeName)).to.include("officeCode");
      expect(userMapping(now).attributeMappings.map((m) => m.targetAttributeName)).to.not.include("x");
    });

    it("should answer PATCH with 404 UnknownError wrapping syncfabric's message, and change nothing", async () => {
      const { schemaPath, spId, jobId } = await setUp(SCIM_APP);
      const before = (await graph.call<Schema>("GET", schemaPath)).body;
      const res = await graph.call<ErrorBody>("PATCH", schemaPath, { synchronizationRules: [] });
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal("UnknownError");
      const inner = JSON.parse(res.body.error.message) as { Message: string };
      expect(inner.Message).to.equal(
        `No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/servicePrincipals('${spId}')/synchronization/jobs('${jobId}')/schema?api-version=2.0'.`,
      );
      expect((await graph.call<Schema>("GET", schemaPath)).body).to.deep.equal(before);
    });

    it("should reset to the template default on DELETE (204), with a new version", async () => {
      const { schemaPath } = await setUp(SCIM_APP);
      const original = (await graph.call<Schema>("GET", schemaPath)).body;
      const edited = JSON.parse(JSON.stringify(original)) as Schema;
      userMapping(edited).attributeMappings = userMapping(edited).attributeMappings.filter(
        (m) => m.targetAttributeName !== "title",
      );
      expect((await graph.call("PUT", schemaPath, edited)).status).to.equal(204);
      expect(
        userMapping((await graph.call<Schema>("GET", schemaPath)).body).attributeMappings.map(
          (m) => m.targetAttributeName,
        ),
      ).to.not.include("title");
      const del = await graph.call("DELETE", schemaPath);
      expect(del.status).to.equal(204);
      const reset = (await graph.call<Schema>("GET", schemaPath)).body;
      expect(reset.synchronizationRules).to.deep.equal(original.synchronizationRules);
      expect(reset.directories).to.deep.equal(original.directories);
      expect(reset.version).to.not.equal(original.version);
    });
  });

  describe("filterOperators, functions, parseExpression", () => {
    it("should list the documented filter operators and functions (job and template forms)", async () => {
      const { schemaPath, spId, templateId } = await setUp(SCIM_APP);
      for (const base of [
        schemaPath,
        `/servicePrincipals/${spId}/synchronization/templates/${templateId}/schema`,
      ]) {
        const ops = await graph.call<{
          value: { name: string; arity: string; supportedAttributeTypes: string[] }[];
        }>("GET", `${base}/filterOperators`);
        expect(ops.status).to.equal(200);
        expect(ops.body.value.find((o) => o.name === "EQUALS")).to.deep.include({
          arity: "Binary",
          supportedAttributeTypes: ["String", "Integer"],
        });
        expect(ops.body.value.map((o) => o.name)).to.include.members([
          "IS TRUE",
          "IS NOT NULL",
          "NOT REGEX MATCH",
        ]);
        const fns = await graph.call<{
          value: { name: string; parameters: { name: string; required: boolean }[] }[];
        }>("GET", `${base}/functions`);
        expect(fns.status).to.equal(200);
        expect(fns.body.value.length).to.equal(43);
        expect(fns.body.value.find((f) => f.name === "Append")?.parameters).to.deep.equal([
          { allowMultipleOccurrences: false, name: "source", required: true, type: "String" },
          { allowMultipleOccurrences: false, name: "suffix", required: true, type: "String" },
        ]);
      }
    });

    it("should parse, canonicalise and evaluate the documented example (job form)", async () => {
      const { schemaPath } = await setUp(SCIM_APP);
      const res = await graph.call<Record<string, unknown>>("POST", `${schemaPath}/parseExpression`, {
        expression: 'Replace([preferredLanguage], "-", , , "_", ,  )',
        targetAttributeDefinition: null,
        testInputObject: {
          definition: null,
          properties: [
            { key: "preferredLanguage", value: "EN-US" },
            {
              key: "appRoleAssignments",
              "value@odata.type": "#Collection(String)",
              value: ["Default Assignment"],
            },
          ],
        },
      });
      expect(res.status).to.equal(200);
      const { "@odata.context": _context, ...body } = res.body;
      expect(body).to.deep.equal({
        error: null,
        evaluationSucceeded: true,
        evaluationResult: ["EN_US"],
        parsedExpression: {
          expression: 'Replace([preferredLanguage], "-", , , "_", , )',
          name: "Replace",
          parameters: [
            {
              key: "source",
              value: {
                expression: "[preferredLanguage]",
                name: "preferredLanguage",
                parameters: [],
                type: "Attribute",
              },
            },
            { key: "Find", value: { expression: '"-"', name: "-", parameters: [], type: "Constant" } },
            { key: "Replacement", value: { expression: '"_"', name: "_", parameters: [], type: "Constant" } },
          ],
          type: "Function",
        },
        parsingSucceeded: true,
      });
    });

    it("should report a syntax error with parsingSucceeded=false (template form)", async () => {
      const { spId, templateId } = await setUp(SCIM_APP);
      const res = await graph.call<{ parsingSucceeded: boolean; error: { code: string; message: string } }>(
        "POST",
        `/servicePrincipals/${spId}/synchronization/templates/${templateId}/schema/parseExpression`,
        { expression: 'Append([mail], "x"' },
      );
      expect(res.status).to.equal(200);
      expect(res.body.parsingSucceeded).to.equal(false);
      expect(res.body.error.message).to.contain("missing its closing ')'");
      const missing = await graph.call<ErrorBody>(
        "POST",
        `/servicePrincipals/${spId}/synchronization/templates/${templateId}/schema/parseExpression`,
        {},
      );
      expect(missing.status).to.equal(400);
      expect(missing.body.error.message).to.contain("expression: required");
    });
  });
});
