import { expect } from "chai";
import type { ObjectMapping, SynchronizationSchema } from "../../../provider/graph/types";
import { describeScope, schemaDifferences, sourceExpression } from "../../../provider/schema/schemaExport";
import { SCIM_RULE_ID, SCIM_USER, scimTemplateSchema } from "../../fixtures/scimSchema";

function userMapping(schema: SynchronizationSchema): ObjectMapping {
  return schema.synchronizationRules[0].objectMappings![0];
}

function mappingOf(schema: SynchronizationSchema, target: string) {
  return userMapping(schema).attributeMappings!.find((m) => m.targetAttributeName === target)!;
}

describe("schemaDifferences (schema export)", () => {
  it("should find nothing to export in the template's own schema, or in a reordered copy of it", () => {
    const job = scimTemplateSchema();
    userMapping(job).attributeMappings!.reverse();
    // Graph's minimal source form (no expression) is the same mapping.
    delete mappingOf(job, "title").source!.expression;
    expect(schemaDifferences(job, scimTemplateSchema())).to.deep.equal({
      objectMappings: [],
      targetAttributes: [],
      notExported: [],
    });
  });

  it("should export a changed, an added and a removed attribute mapping, each in the shortest input form", () => {
    const job = scimTemplateSchema();
    const user = userMapping(job);
    mappingOf(job, "title").source = {
      expression: 'Join(" ", [jobTitle], [department])',
      name: "Join",
      type: "Function",
      parameters: [
        { key: "separator", value: { name: " ", type: "Constant" } },
        { key: "source", value: { name: "jobTitle", type: "Attribute" } },
        { key: "source", value: { name: "department", type: "Attribute" } },
      ],
    };
    user.attributeMappings = user.attributeMappings!.filter((m) => m.targetAttributeName !== "active");
    user.attributeMappings.push(
      { targetAttributeName: "nickName", source: { name: "mailNickname", type: "Attribute" } },
      { targetAttributeName: "locale", source: { name: "en-US", type: "Constant" } },
      {
        targetAttributeName: 'emails[type eq "work"].value',
        source: { name: "mail", type: "Attribute", expression: "[mail]" },
        defaultValue: "none@example.com",
        flowType: "ObjectAddOnly",
      },
    );
    const { objectMappings, notExported } = schemaDifferences(job, scimTemplateSchema());
    expect(notExported).to.deep.equal([]);
    expect(objectMappings).to.deep.equal([
      {
        sourceObjectName: "User",
        attributeMappings: {
          title: 'Join(" ", [jobTitle], [department])',
          nickName: "[mailNickname]",
          locale: { constant: "en-US" },
          'emails[type eq "work"].value': {
            expression: "[mail]",
            defaultValue: "none@example.com",
            flowType: "ObjectAddOnly",
          },
          active: null,
        },
      },
    ]);
  });

  it("should export a changed matching priority or default value with the whole mapping", () => {
    const job = scimTemplateSchema();
    mappingOf(job, "userName").matchingPriority = 2;
    expect(schemaDifferences(job, scimTemplateSchema()).objectMappings[0].attributeMappings).to.deep.equal({
      userName: { expression: "[userPrincipalName]", matchingPriority: 2 },
    });
  });

  it("should export a scope and a disabled object mapping, ignoring clause and group order", () => {
    const job = scimTemplateSchema();
    const template = scimTemplateSchema();
    userMapping(job).scope = {
      groups: [
        {
          name: "Sales",
          clauses: [
            { sourceOperandName: "department", operatorName: "EQUALS", targetOperand: { values: ["Sales"] } },
            { sourceOperandName: "accountEnabled", operatorName: "IS TRUE", targetOperand: { values: [] } },
          ],
        },
        {
          name: "Marketing",
          clauses: [
            {
              sourceOperandName: "department",
              operatorName: "EQUALS",
              targetOperand: { values: ["Marketing"] },
            },
          ],
        },
      ],
      inputFilterGroups: [],
      categoryFilterGroups: [],
    };
    job.synchronizationRules[0].objectMappings![1].enabled = false;
    const { objectMappings } = schemaDifferences(job, template);
    expect(objectMappings).to.deep.equal([
      {
        sourceObjectName: "User",
        scope: [
          [
            { attribute: "department", operator: "EQUALS", values: ["Sales"] },
            { attribute: "accountEnabled", operator: "IS TRUE" },
          ],
          [{ attribute: "department", operator: "EQUALS", values: ["Marketing"] }],
        ],
      },
      { sourceObjectName: "Group", enabled: false },
    ]);
    // The same scope with groups and clauses reordered (and renamed) is no difference.
    const reordered = scimTemplateSchema();
    userMapping(reordered).scope = {
      groups: [...userMapping(job).scope!.groups!]
        .reverse()
        .map((g) => ({ name: "x", clauses: [...g.clauses].reverse() })),
    };
    expect(schemaDifferences(reordered, job).objectMappings).to.deep.equal([
      { sourceObjectName: "Group", enabled: true },
    ]);
    // A scope removed from the job is exported as null.
    expect(schemaDifferences(template, job).objectMappings[0]).to.deep.equal({
      sourceObjectName: "User",
      scope: null,
    });
  });

  it("should export attribute definitions added to the target directory", () => {
    const job = scimTemplateSchema();
    job.directories![1].objects![0].attributes!.push({
      name: "urn:ietf:params:scim:schemas:extension:contoso:2.0:User:costCenter",
      type: "String",
      multivalued: false,
    });
    expect(schemaDifferences(job, scimTemplateSchema()).targetAttributes).to.deep.equal([
      {
        object: SCIM_USER,
        name: "urn:ietf:params:scim:schemas:extension:contoso:2.0:User:costCenter",
        type: "String",
      },
    ]);
  });

  it("should name the ruleId and targetObjectName only when the source object is ambiguous", () => {
    const job = scimTemplateSchema();
    const copy = JSON.parse(JSON.stringify(userMapping(job))) as ObjectMapping;
    copy.targetObjectName = "Account";
    job.synchronizationRules[0].objectMappings!.push(copy);
    const template = JSON.parse(JSON.stringify(job)) as SynchronizationSchema;
    mappingOf(job, "title").source = { name: "department", type: "Attribute" };
    expect(schemaDifferences(job, template).objectMappings[0]).to.deep.include({
      sourceObjectName: "User",
      targetObjectName: SCIM_USER,
    });
    expect(schemaDifferences(job, template).objectMappings[0]).to.not.have.property("ruleId");
  });

  it("should export a default-only mapping, and an attribute added to the source directory with its directory", () => {
    const job = scimTemplateSchema();
    const title = mappingOf(job, "title");
    title.source = null;
    title.defaultValue = "Employee";
    job.directories![0].objects![0].attributes!.push({ name: "extension_abc_costCenter", type: "String" });
    const { objectMappings, targetAttributes, notExported } = schemaDifferences(job, scimTemplateSchema());
    expect(notExported).to.deep.equal([]);
    expect(objectMappings[0].attributeMappings).to.deep.equal({ title: { defaultValue: "Employee" } });
    expect(targetAttributes).to.deep.equal([
      {
        object: "User",
        name: "extension_abc_costCenter",
        type: "String",
        directory: "Azure Active Directory",
      },
    ]);
  });

  it("should list what a ProvisioningSchema cannot express instead of exporting it", () => {
    const job = scimTemplateSchema();
    job.synchronizationRules[0].objectMappings!.push({
      enabled: true,
      sourceObjectName: "Device",
      targetObjectName: "Device",
      attributeMappings: [],
    });
    job.synchronizationRules[0].objectMappings!.splice(1, 1);
    job.directories![1].objects![0].attributes!.pop();
    const { notExported } = schemaDifferences(job, scimTemplateSchema());
    expect(notExported).to.deep.equal([
      `rule ${SCIM_RULE_ID} (USERGROUP_OUTBOUND_USERGROUP), Device → Device is not in the template (a ProvisioningSchema cannot add object mappings)`,
      `rule ${SCIM_RULE_ID} (USERGROUP_OUTBOUND_USERGROUP), Group → urn:ietf:params:scim:schemas:core:2.0:Group was removed from the template's (a ProvisioningSchema cannot remove object mappings)`,
      `attribute preferredLanguage of customappsso ${SCIM_USER} was removed (a ProvisioningSchema only adds or changes definitions)`,
    ]);
  });

  it("should export a changed target attribute definition with its non-default fields", () => {
    const job = scimTemplateSchema();
    Object.assign(job.directories![1].objects![0].attributes![2], {
      multivalued: true,
      mutability: "Immutable",
    });
    expect(schemaDifferences(job, scimTemplateSchema()).targetAttributes).to.deep.equal([
      { object: SCIM_USER, name: "title", type: "String", multivalued: true, mutability: "Immutable" },
    ]);
  });

  it("should write out a matching priority taken back to 0", () => {
    const job = scimTemplateSchema();
    mappingOf(job, "userName").matchingPriority = 0;
    expect(schemaDifferences(job, scimTemplateSchema()).objectMappings[0].attributeMappings).to.deep.equal({
      userName: { expression: "[userPrincipalName]", matchingPriority: 0 },
    });
  });
});

describe("sourceExpression and describeScope", () => {
  it("should build an expression from Graph's source tree when it has none", () => {
    expect(
      sourceExpression({
        name: "Switch",
        type: "Function",
        parameters: [
          { key: "source", value: { name: "IsSoftDeleted", type: "Attribute" } },
          { key: "defaultValue", value: { name: "", type: "Constant" } },
          { key: "key", value: { name: 'say "x"', type: "Constant" } },
        ],
      }),
    ).to.equal('Switch([IsSoftDeleted], "", "say \\"x\\"")');
  });

  it("should summarise a scope as OR of ANDs", () => {
    expect(describeScope(null)).to.equal("all");
    expect(
      describeScope({
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
          {
            clauses: [
              { sourceOperandName: "jobTitle", operatorName: "IS NOT NULL" },
              { sourceOperandName: "country", operatorName: "EQUALS", targetOperand: { values: ["FR"] } },
            ],
          },
        ],
      }),
    ).to.equal("(department EQUALS Sales) OR (jobTitle IS NOT NULL AND country EQUALS FR)");
  });
});
