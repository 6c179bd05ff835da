import { expect } from "chai";
import {
  desiredAttributeMapping,
  ownedEntriesOf,
  sameAttributeMapping,
  sameScopeGroups,
  sameSource,
  scopeGroupsOf,
  scopeInputOf,
  spliceSchema,
  withScopeGroups,
} from "../../../provider/schema/schemaModel";
import { attributeSource, mapping, SCIM_USER, scimSchema } from "./schemaFixtures";

describe("schema comparison model", () => {
  it("should compare scopes as OR of ANDs whatever the order of groups, clauses, values and names", () => {
    const a = scopeGroupsOf([
      [
        { attribute: "department", operator: "EQUALS", values: ["Sales"] },
        { attribute: "accountEnabled", operator: "IS TRUE" },
      ],
      [{ attribute: "country", operator: "Includes", values: ["DE", "FR"] }],
    ]);
    const b = [
      {
        name: "portal group",
        clauses: [
          { operatorName: "Includes", sourceOperandName: "country", targetOperand: { values: ["FR", "DE"] } },
        ],
      },
      {
        name: "other",
        clauses: [
          { operatorName: "IS TRUE", sourceOperandName: "accountEnabled", targetOperand: { values: [] } },
          { operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: ["Sales"] } },
        ],
      },
    ];
    expect(sameScopeGroups(a, b)).to.equal(true);
    expect(sameScopeGroups(a, b.slice(0, 1))).to.equal(false);
    expect(sameScopeGroups(null, [])).to.equal(true);
    // Values are case-sensitive in Graph (EQUALS is).
    expect(
      sameScopeGroups(
        scopeGroupsOf([[{ attribute: "d", operator: "EQUALS", values: ["sales"] }]]),
        scopeGroupsOf([[{ attribute: "d", operator: "EQUALS", values: ["Sales"] }]]),
      ),
    ).to.equal(false);
    // A matching existing group keeps its name; input/category groups are left alone.
    const filter = withScopeGroups({ groups: b, inputFilterGroups: [{ name: "i", clauses: [] }] }, a);
    expect(filter.groups!.map((g) => g.name)).to.deep.equal(["other", "portal group"]);
    expect(filter.inputFilterGroups).to.deep.equal([{ name: "i", clauses: [] }]);
    expect(scopeInputOf(a)).to.deep.equal([
      [
        { attribute: "department", operator: "EQUALS", values: ["Sales"] },
        { attribute: "accountEnabled", operator: "IS TRUE" },
      ],
      [{ attribute: "country", operator: "Includes", values: ["DE", "FR"] }],
    ]);
  });

  it("should fill Graph's defaults when comparing attribute mappings", () => {
    const full = mapping("title", attributeSource("jobTitle"));
    const sparse = { targetAttributeName: "Title", source: { name: "jobTitle", type: "Attribute" as const } };
    expect(sameAttributeMapping(full, sparse)).to.equal(true);
    expect(sameAttributeMapping(full, { ...sparse, flowType: "ObjectAddOnly" })).to.equal(false);
    expect(sameAttributeMapping(full, null)).to.equal(false);
    expect(sameAttributeMapping(undefined, null)).to.equal(true);
  });

  it("should compare sources by canonical text or by tree", () => {
    const tree = {
      name: "Not",
      type: "Function" as const,
      parameters: [{ key: "source", value: attributeSource("IsSoftDeleted") }],
    };
    expect(
      sameSource(
        { ...tree, expression: "Not( [IsSoftDeleted] )" },
        { ...tree, expression: "Not([IsSoftDeleted])" },
      ),
    ).to.equal(true);
    expect(
      sameSource({ ...tree, expression: null }, { ...tree, expression: "Not([IsSoftDeleted])" }),
    ).to.equal(true);
    expect(sameSource(tree, attributeSource("IsSoftDeleted"))).to.equal(false);
  });

  it("should keep the job's matchingPriority unless it is declared", () => {
    const parsed = { "[mail]": attributeSource("mail") };
    const current = mapping("userName", attributeSource("userPrincipalName"), {
      matchingPriority: 1,
      exportMissingReferences: true,
    });
    expect(desiredAttributeMapping("userName", "[mail]", parsed, current)).to.include({
      matchingPriority: 1,
      exportMissingReferences: true,
    });
    expect(
      desiredAttributeMapping("userName", { expression: "[mail]", matchingPriority: 0 }, parsed, current),
    ).to.include({ matchingPriority: 0 });
    expect(desiredAttributeMapping("userName", "[upn]", parsed, current)).to.equal(undefined);
    expect(desiredAttributeMapping("c", { constant: "x" }, {})!.source).to.deep.include({
      type: "Constant",
      name: "x",
    });
  });

  it("should add a declared target attribute to the rules' target directory object and own it", () => {
    const spec = {
      objectMappings: [{ sourceObjectName: "User", attributeMappings: { costCenter: { constant: "42" } } }],
      targetAttributes: [{ object: SCIM_USER, name: "costCenter" }],
    };
    const { schema, changes } = spliceSchema(scimSchema(), spec, {});
    expect(changes).to.deep.equal([
      "targetAttributes[0]",
      'objectMappings[0].attributeMappings["costCenter"]',
    ]);
    const owned = ownedEntriesOf(schema, spec);
    expect(owned.targetAttributes[0]).to.deep.include({
      directory: "customappsso",
      object: SCIM_USER,
      name: "costCenter",
    });
    expect(owned.targetAttributes[0]!.definition).to.include({ type: "String", mutability: "ReadWrite" });
    expect(spliceSchema(schema, spec, {}).changes).to.deep.equal([]);
    expect(() =>
      spliceSchema(
        scimSchema(),
        { objectMappings: [], targetAttributes: [{ object: "Contact", name: "x" }] },
        {},
      ),
    ).to.throw(/targetAttributes\[0\]: no object "Contact".*customappsso/);
  });
});
