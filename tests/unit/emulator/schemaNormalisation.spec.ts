/**
 * What the emulator does with a PUT schema body (graph-schema.md §1–2): defaults for omitted non-nullable
 * properties, enum and flag checks, the backend's attribute-mapping order (duplicates kept), canonical
 * expressions, directories kept when omitted, and validation against the directories.
 */
import { expect } from "chai";
import { defaultSchema } from "../../../emulator/schema/defaultSchemas";
import { normaliseSchemaPut } from "../../../emulator/schema/schemaNormalisation";
import type { SynchronizationSchema } from "../../../emulator/schema/schemaTypes";

const base = (): SynchronizationSchema => defaultSchema("scim", "CustomSCIM", "job-1", "v1.0");
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const put = (body: unknown) => normaliseSchemaPut(body, base(), "job-1", "v1.1");

describe("emulator schema PUT normalisation", () => {
  it("should keep a GET body as it is, apart from id and version", () => {
    const schema = base();
    expect(put(clone(schema))).to.deep.equal({ ...schema, version: "v1.1" });
  });

  it("should fill in defaults for omitted non-nullable fields and canonicalise flags", () => {
    const body = clone(base()) as unknown as { synchronizationRules: Record<string, unknown>[] };
    const rule = body.synchronizationRules[0] as { objectMappings: Record<string, unknown>[] };
    rule.objectMappings[0].flowTypes = "Add,Update";
    (rule.objectMappings[0].attributeMappings as unknown[]).push({
      targetAttributeName: "title",
      source: { expression: "ToUpper( [jobTitle] )" },
    });
    const result = put(body);
    const users = result.synchronizationRules[0].objectMappings[0];
    expect(users.flowTypes).to.equal("Add, Update");
    const titles = users.attributeMappings.filter((m) => m.targetAttributeName === "title");
    // The backend doesn't dedupe: both mappings for 'title' are kept.
    expect(titles).to.have.length(2);
    expect(titles.map((m) => m.source?.expression)).to.include("ToUpper([jobTitle])");
    expect(titles.find((m) => m.source?.expression === "ToUpper([jobTitle])")).to.include({
      defaultValue: null,
      exportMissingReferences: false,
      flowBehavior: "FlowWhenChanged",
      flowType: "Always",
      matchingPriority: 0,
    });
  });

  it("should keep the current directories when the body omits them", () => {
    const body = clone(base()) as Partial<SynchronizationSchema>;
    delete body.directories;
    expect(put(body).directories).to.deep.equal(base().directories);
  });

  const rejects: [string, (s: Record<string, unknown>) => void, RegExp][] = [
    [
      "an unknown enum member",
      (s) =>
        ((
          (s.synchronizationRules as never[])[0] as {
            objectMappings: { attributeMappings: Record<string, unknown>[] }[];
          }
        ).objectMappings[0].attributeMappings[0].flowType = "Sometimes"),
      /'Sometimes' is not a member of microsoft.graph.attributeFlowType/,
    ],
    [
      "an unknown flag",
      (s) =>
        ((
          (s.synchronizationRules as never[])[0] as { objectMappings: Record<string, unknown>[] }
        ).objectMappings[0].flowTypes = "Add, Remove"),
      /'Remove' is not a member of microsoft.graph.objectFlowTypes/,
    ],
    [
      "a string where a Boolean belongs",
      (s) =>
        ((
          (s.synchronizationRules as never[])[0] as { objectMappings: Record<string, unknown>[] }
        ).objectMappings[0].enabled = "true"),
      /enabled: must be true or false/,
    ],
    [
      "an unknown directory",
      (s) =>
        (((s.synchronizationRules as never[])[0] as Record<string, unknown>).targetDirectoryName = "Nowhere"),
      /directory 'Nowhere' is not defined/,
    ],
    [
      "an unknown target object",
      (s) =>
        ((
          (s.synchronizationRules as never[])[0] as { objectMappings: Record<string, unknown>[] }
        ).objectMappings[0].targetObjectName = "Widget"),
      /object 'Widget' is not defined on directory 'customappsso'/,
    ],
    [
      "an unknown scoping operator",
      (s) =>
        ((
          (s.synchronizationRules as never[])[0] as { objectMappings: Record<string, unknown>[] }
        ).objectMappings[0].scope = {
          groups: [
            {
              name: "g",
              clauses: [
                { operatorName: "LIKE", sourceOperandName: "department", targetOperand: { values: ["x"] } },
              ],
            },
          ],
        }),
      /'LIKE' is not a scoping filter operator/,
    ],
    [
      "a binary operator without values",
      (s) =>
        ((
          (s.synchronizationRules as never[])[0] as { objectMappings: Record<string, unknown>[] }
        ).objectMappings[0].scope = {
          groups: [
            {
              name: "g",
              clauses: [
                { operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: [] } },
              ],
            },
          ],
        }),
      /operator 'EQUALS' is binary/,
    ],
    [
      "a scoping operand not declared on the source object",
      (s) =>
        ((
          (s.synchronizationRules as never[])[0] as { objectMappings: Record<string, unknown>[] }
        ).objectMappings[0].scope = {
          groups: [
            {
              name: "g",
              clauses: [{ operatorName: "IS TRUE", sourceOperandName: "isContractor", targetOperand: null }],
            },
          ],
        }),
      /'isContractor' is not defined on object 'User'/,
    ],
    [
      "a rule without id",
      (s) => delete ((s.synchronizationRules as never[])[0] as Record<string, unknown>).id,
      /id: required/,
    ],
    ["synchronizationRules that is not an array", () => undefined, /synchronizationRules: must be an array/],
  ];
  for (const [what, mutate, message] of rejects) {
    it(`should reject ${what} with a message naming the property`, () => {
      const body = clone(base()) as unknown as Record<string, unknown>;
      mutate(body);
      if (what === "synchronizationRules that is not an array") body.synchronizationRules = "nope";
      expect(() => put(body)).to.throw(message);
    });
  }
});
