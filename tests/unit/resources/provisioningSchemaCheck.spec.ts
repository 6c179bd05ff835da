import { expect } from "chai";
import { createProvisioningSchemaProvider } from "../../../provider/resources/provisioningSchemaProvider";
import { UNKNOWN_VALUE } from "../../../provider/resources/validation";
import { fakeDeps, JOB_ID, SP_ID, stubGraph } from "./resourceFakes";

const valid = () => ({
  servicePrincipalId: SP_ID,
  jobId: JOB_ID,
  objectMappings: [
    {
      sourceObjectName: "User",
      attributeMappings: {
        title: "[jobTitle]",
        preferredLanguage: { expression: "[preferredLanguage]", defaultValue: "en-US" },
        nickName: null,
      } as Record<string, unknown>,
      scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]] as unknown,
    } as Record<string, unknown>,
  ],
  targetAttributes: [{ object: "User", name: "urn:x:costCenter", type: "String" }] as Record<
    string,
    unknown
  >[],
});

type Inputs = ReturnType<typeof valid>;
const om = (i: Inputs) => i.objectMappings[0];
const am = (i: Inputs) => om(i).attributeMappings as Record<string, unknown>;

/** Each bad input: what to break, the property named, and words the reason must contain. */
const BAD: [string, (i: Inputs) => void, string, string[]][] = [
  [
    "servicePrincipalId missing",
    (i) => delete (i as Partial<Inputs>).servicePrincipalId,
    "servicePrincipalId",
    ["required", "GUID"],
  ],
  ["servicePrincipalId not a GUID", (i) => (i.servicePrincipalId = "nope"), "servicePrincipalId", ["GUID"]],
  ["jobId missing", (i) => delete (i as Partial<Inputs>).jobId, "jobId", ["required"]],
  ["jobId with a slash", (i) => (i.jobId = "a/b"), "jobId", ["'/'"]],
  [
    "objectMappings missing",
    (i) => delete (i as Partial<Inputs>).objectMappings,
    "objectMappings",
    ["required", "sourceObjectName"],
  ],
  [
    "objectMappings empty",
    (i) => (i.objectMappings = []),
    "objectMappings",
    ["non-empty list", "an empty list"],
  ],
  [
    "objectMappings not a list",
    (i) => ((i as Record<string, unknown>).objectMappings = { a: 1 }),
    "objectMappings",
    ["list", "a object"],
  ],
  [
    "object mapping not an object",
    (i) => ((i.objectMappings as unknown[])[0] = "User"),
    "objectMappings[0]",
    ["object with sourceObjectName"],
  ],
  [
    "unknown object mapping field",
    (i) => (om(i).sourceObject = "x"),
    "objectMappings[0]",
    ['unknown field "sourceObject"', "allowed: sourceObjectName"],
  ],
  [
    "sourceObjectName missing",
    (i) => delete om(i).sourceObjectName,
    "objectMappings[0].sourceObjectName",
    ["required", "User or Group"],
  ],
  [
    "sourceObjectName empty",
    (i) => (om(i).sourceObjectName = " "),
    "objectMappings[0].sourceObjectName",
    ["non-empty string"],
  ],
  [
    "targetObjectName a number",
    (i) => (om(i).targetObjectName = 3),
    "objectMappings[0].targetObjectName",
    ["non-empty string", "a number"],
  ],
  ["ruleId empty", (i) => (om(i).ruleId = ""), "objectMappings[0].ruleId", ["non-empty string"]],
  ["enabled a string", (i) => (om(i).enabled = "yes"), "objectMappings[0].enabled", ["true or false"]],
  [
    "duplicate object mapping",
    (i) => i.objectMappings.push({ sourceObjectName: "User" }),
    "objectMappings[1]",
    ["same object mapping as objectMappings[0]", "targetObjectName / ruleId"],
  ],
  [
    "attributeMappings a list",
    (i) => (om(i).attributeMappings = ["[a]"]),
    "objectMappings[0].attributeMappings",
    ["map from target attribute names"],
  ],
  [
    "empty target name",
    (i) => (am(i)[""] = "[a]"),
    'objectMappings[0].attributeMappings[""]',
    ["empty target attribute name"],
  ],
  [
    "duplicate target name",
    (i) => (am(i)["Title"] = "[a]"),
    'objectMappings[0].attributeMappings["Title"]',
    ['duplicates target attribute "title"'],
  ],
  [
    "mapping a number",
    (i) => (am(i).title = 5),
    'objectMappings[0].attributeMappings["title"]',
    ["expression string", "{constant}", "null to remove"],
  ],
  [
    "unknown function",
    (i) => (am(i).title = 'Append(Tolower([jobTitle]), "x")'),
    'objectMappings[0].attributeMappings["title"]',
    ["unknown function Tolower", "ToLower", "character offset 7"],
  ],
  [
    "syntax error",
    (i) => (am(i).title = "[jobTitle"),
    'objectMappings[0].attributeMappings["title"]',
    ['"[" without a closing "]"', "character offset 0"],
  ],
  [
    "wrong argument count",
    (i) => (am(i).title = "Mid([jobTitle], 1)"),
    'objectMappings[0].attributeMappings["title"]',
    ["Mid with 2 arguments", "takes 3 arguments"],
  ],
  [
    "expression too long",
    (i) => (am(i).title = `"${"x".repeat(10_001)}"`),
    'objectMappings[0].attributeMappings["title"]',
    ["at most 10000"],
  ],
  [
    "bad expression in object form",
    (i) => (am(i).preferredLanguage = { expression: "Foo([a])" }),
    'objectMappings[0].attributeMappings["preferredLanguage"].expression',
    ["unknown function Foo"],
  ],
  [
    "expression and constant",
    (i) => (am(i).preferredLanguage = { expression: "[a]", constant: "b" }),
    'objectMappings[0].attributeMappings["preferredLanguage"]',
    ["both expression and constant"],
  ],
  [
    "no source",
    (i) => (am(i).preferredLanguage = { flowType: "Always" }),
    'objectMappings[0].attributeMappings["preferredLanguage"]',
    ["needs an expression, a constant"],
  ],
  [
    "constant a number",
    (i) => (am(i).preferredLanguage = { constant: 1 }),
    'objectMappings[0].attributeMappings["preferredLanguage"].constant',
    ["must be a string"],
  ],
  [
    "defaultValue a number",
    (i) => (am(i).preferredLanguage = { expression: "[a]", defaultValue: 2 }),
    'objectMappings[0].attributeMappings["preferredLanguage"].defaultValue',
    ["string or null"],
  ],
  [
    "bad flowType",
    (i) => (am(i).preferredLanguage = { expression: "[a]", flowType: "Sometimes" }),
    'objectMappings[0].attributeMappings["preferredLanguage"].flowType',
    ['"Always"', '"ObjectAddOnly"', '"Sometimes"'],
  ],
  [
    "bad flowBehavior",
    (i) => (am(i).preferredLanguage = { expression: "[a]", flowBehavior: "Never" }),
    'objectMappings[0].attributeMappings["preferredLanguage"].flowBehavior',
    ['"FlowWhenChanged"', '"FlowAlways"'],
  ],
  [
    "negative matchingPriority",
    (i) => (am(i).preferredLanguage = { expression: "[a]", matchingPriority: -1 }),
    'objectMappings[0].attributeMappings["preferredLanguage"].matchingPriority',
    ["whole number from 0"],
  ],
  [
    "unknown mapping field",
    (i) => (am(i).preferredLanguage = { expression: "[a]", default: "x" }),
    'objectMappings[0].attributeMappings["preferredLanguage"]',
    ['unknown field "default"', "defaultValue"],
  ],
  [
    "scope not a list",
    (i) => (om(i).scope = { department: "Sales" }),
    "objectMappings[0].scope",
    ["OR of ANDs", "null for no filter"],
  ],
  [
    "scope group empty",
    (i) => (om(i).scope = [[]]),
    "objectMappings[0].scope[0]",
    ["non-empty list of clauses"],
  ],
  [
    "scope clause not an object",
    (i) => (om(i).scope = [["department"]]),
    "objectMappings[0].scope[0][0]",
    ["clause {attribute, operator, values?}"],
  ],
  [
    "clause attribute missing",
    (i) => (om(i).scope = [[{ operator: "IS TRUE" }]]),
    "objectMappings[0].scope[0][0].attribute",
    ["required"],
  ],
  [
    "clause operator missing",
    (i) => (om(i).scope = [[{ attribute: "a" }]]),
    "objectMappings[0].scope[0][0].operator",
    ["required", '"EQUALS"'],
  ],
  [
    "clause operator unknown",
    (i) => (om(i).scope = [[{ attribute: "a", operator: "equals", values: ["x"] }]]),
    "objectMappings[0].scope[0][0].operator",
    ['"NOT EQUALS"', 'case-sensitive: "EQUALS"'],
  ],
  [
    "unary operator with a value",
    (i) => (om(i).scope = [[{ attribute: "accountEnabled", operator: "IS TRUE", values: ["x"] }]]),
    "objectMappings[0].scope[0][0].values",
    ["must be absent", "unary"],
  ],
  [
    "binary operator without values",
    (i) => (om(i).scope = [[{ attribute: "department", operator: "EQUALS" }]]),
    "objectMappings[0].scope[0][0].values",
    ["binary operator", "one or more values"],
  ],
  [
    "clause value not a string",
    (i) => (om(i).scope = [[{ attribute: "department", operator: "EQUALS", values: [3] }]]),
    "objectMappings[0].scope[0][0].values[0]",
    ["must be a string"],
  ],
  [
    "integer operator with text",
    (i) => (om(i).scope = [[{ attribute: "employeeId", operator: "Greater_Than", values: ["ten"] }]]),
    "objectMappings[0].scope[0][0].values[0]",
    ["whole number"],
  ],
  [
    "unknown clause field",
    (i) => (om(i).scope = [[{ attribute: "a", operator: "IS NULL", value: "x" }]]),
    "objectMappings[0].scope[0][0]",
    ['unknown field "value"'],
  ],
  [
    "targetAttributes not a list",
    (i) => ((i as Record<string, unknown>).targetAttributes = {}),
    "targetAttributes",
    ["list of attribute definitions"],
  ],
  [
    "target attribute not an object",
    (i) => ((i.targetAttributes as unknown[])[0] = "x"),
    "targetAttributes[0]",
    ["object {object, name"],
  ],
  [
    "target attribute object missing",
    (i) => delete i.targetAttributes[0].object,
    "targetAttributes[0].object",
    ["required"],
  ],
  [
    "target attribute name missing",
    (i) => delete i.targetAttributes[0].name,
    "targetAttributes[0].name",
    ["required"],
  ],
  [
    "target attribute type unknown",
    (i) => (i.targetAttributes[0].type = "Text"),
    "targetAttributes[0].type",
    ['"String"', '"DateTime"'],
  ],
  [
    "target attribute mutability unknown",
    (i) => (i.targetAttributes[0].mutability = "rw"),
    "targetAttributes[0].mutability",
    ['"ReadWrite"'],
  ],
  [
    "target attribute multivalued a string",
    (i) => (i.targetAttributes[0].multivalued = "no"),
    "targetAttributes[0].multivalued",
    ["true or false"],
  ],
  [
    "target attribute directory empty",
    (i) => (i.targetAttributes[0].directory = ""),
    "targetAttributes[0].directory",
    ["non-empty string"],
  ],
  [
    "target attribute referencedObjects item",
    (i) => (i.targetAttributes[0].referencedObjects = [{}]),
    "targetAttributes[0].referencedObjects[0].referencedObjectName",
    ["required"],
  ],
  [
    "duplicate target attribute",
    (i) => i.targetAttributes.push({ object: "user", name: "URN:X:costCenter" }),
    "targetAttributes[1]",
    ["same attribute as targetAttributes[0]"],
  ],
  [
    "unknown target attribute field",
    (i) => (i.targetAttributes[0].kind = "x"),
    "targetAttributes[0]",
    ['unknown field "kind"'],
  ],
  [
    "onDelete unknown",
    (i) => ((i as Record<string, unknown>).onDelete = "wipe"),
    "onDelete",
    ['"restore"', '"keep"', '"resetAll"'],
  ],
  [
    "connection not an object",
    (i) => ((i as Record<string, unknown>).connection = "x"),
    "connection",
    ["object with connection fields"],
  ],
];

describe("ProvisioningSchema check", () => {
  const provider = createProvisioningSchemaProvider(fakeDeps(stubGraph()));

  it("should accept the design's example and fill onDelete", async () => {
    const result = await provider.check!({}, valid());
    expect(result.failures).to.equal(undefined);
    expect(result.inputs.onDelete).to.equal("restore");
  });

  for (const [name, breakIt, property, words] of BAD) {
    it(`should reject ${name}, naming ${property}`, async () => {
      const inputs = valid();
      breakIt(inputs);
      const result = await provider.check!({}, inputs);
      const failure = (result.failures ?? []).find((f) => f.property === property);
      expect(failure, JSON.stringify(result.failures)).to.not.equal(undefined);
      for (const w of words) expect(failure!.reason).to.contain(w);
      expect(failure!.reason.startsWith(property)).to.equal(true);
    });
  }

  it(`covers ${BAD.length} bad-input cases`, () => {
    expect(BAD.length).to.be.at.least(50);
  });

  it("should accept unknown values anywhere during preview", async () => {
    for (const place of [
      (i: Inputs) => ((i as Record<string, unknown>).servicePrincipalId = UNKNOWN_VALUE),
      (i: Inputs) => ((i as Record<string, unknown>).objectMappings = UNKNOWN_VALUE),
      (i: Inputs) => ((i.objectMappings as unknown[])[0] = UNKNOWN_VALUE),
      (i: Inputs) => (om(i).sourceObjectName = UNKNOWN_VALUE),
      (i: Inputs) => (am(i).title = UNKNOWN_VALUE),
      (i: Inputs) => (am(i).preferredLanguage = { expression: UNKNOWN_VALUE }),
      (i: Inputs) =>
        (om(i).scope = [[{ attribute: "department", operator: "EQUALS", values: [UNKNOWN_VALUE] }]]),
      (i: Inputs) => (om(i).scope = UNKNOWN_VALUE),
      (i: Inputs) => (i.targetAttributes[0].name = UNKNOWN_VALUE),
    ]) {
      const inputs = valid();
      place(inputs);
      const result = await provider.check!({}, inputs);
      expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
    }
  });
});
