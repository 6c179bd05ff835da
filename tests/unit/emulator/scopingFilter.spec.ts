/**
 * Scoping filters as the emulator evaluates them (graph-schema.md §3): each operator, case-sensitivity,
 * null/empty ⇒ false for binary operators, clauses AND'ed within a group, groups OR'ed.
 */
import { expect } from "chai";
import { clauseHolds, evaluateScope, FILTER_OPERATORS } from "../../../emulator/schema/scopingFilter";
import type { Filter, FilterClause } from "../../../emulator/schema/schemaTypes";

const clause = (operatorName: string, values: string[] = []): FilterClause => ({
  operatorName,
  sourceOperandName: "attr",
  targetOperand: { values },
});

describe("emulator scoping filters", () => {
  const cases: [string, string[], string | null, boolean][] = [
    ["EQUALS", ["Sales"], "Sales", true],
    ["EQUALS", ["Sales"], "sales", false],
    ["EQUALS", [""], "", false],
    ["EQUALS", ["Sales"], null, false],
    ["NOT EQUALS", ["Sales"], "Finance", true],
    ["NOT EQUALS", ["Sales"], "Sales", false],
    ["NOT EQUALS", ["Sales"], null, false],
    ["REGEX MATCH", ["^Sal"], "Sales", true],
    ["REGEX MATCH", ["^sal"], "Sales", false],
    ["NOT REGEX MATCH", ["^Sal"], "Finance", true],
    ["IS TRUE", [], "True", true],
    ["IS TRUE", [], "False", false],
    ["IS FALSE", [], "False", true],
    ["IS NULL", [], null, true],
    ["IS NULL", [], "", true],
    ["IS NOT NULL", [], "x", true],
    ["IS NOT NULL", [], null, false],
    ["ENDS_WITH", ["@contoso.com"], "a@contoso.com", true],
    ["ENDS_WITH", ["@contoso.com"], "a@CONTOSO.com", false],
    ["Includes", ["Sales", "Finance"], "Finance", true],
    ["Includes", ["Sales", "Finance"], "finance", false],
    ["Greater_Than", ["10"], "11", true],
    ["Greater_Than", ["10"], "10", false],
    ["Greater_Than_OR_EQUALS", ["10"], "10", true],
    ["&", ["4"], "6", true],
    ["&", ["1"], "6", false],
    ["!&", ["1"], "6", true],
    ["NO SUCH OPERATOR", ["x"], "x", false],
  ];
  for (const [operator, values, actual, expected] of cases) {
    it(`${JSON.stringify(actual)} ${operator} ${JSON.stringify(values)} ⇒ ${expected}`, () => {
      expect(clauseHolds(clause(operator, values), actual)).to.equal(expected);
    });
  }

  it("should list the documented operators first, the portal's after them", () => {
    expect(FILTER_OPERATORS.filter((o) => !o.portalOnly).map((o) => o.name)).to.deep.equal([
      "EQUALS",
      "NOT EQUALS",
      "REGEX MATCH",
      "NOT REGEX MATCH",
      "IS TRUE",
      "IS FALSE",
      "IS NULL",
      "IS NOT NULL",
    ]);
  });

  it("should AND clauses within a group and OR the groups", () => {
    const scope: Filter = {
      categoryFilterGroups: [],
      inputFilterGroups: [],
      groups: [
        {
          name: "Sales in US",
          clauses: [
            { operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: ["Sales"] } },
            { operatorName: "EQUALS", sourceOperandName: "country", targetOperand: { values: ["US"] } },
          ],
        },
        {
          name: "Finance",
          clauses: [
            {
              operatorName: "EQUALS",
              sourceOperandName: "department",
              targetOperand: { values: ["Finance"] },
            },
          ],
        },
      ],
    };
    const lookup = (attrs: Record<string, string>) => (name: string) => attrs[name] ?? null;
    expect(evaluateScope(scope, lookup({ department: "Sales", country: "US" })).inScope).to.equal(true);
    expect(evaluateScope(scope, lookup({ department: "Sales", country: "NL" })).inScope).to.equal(false);
    expect(evaluateScope(scope, lookup({ department: "Finance", country: "NL" }))).to.deep.equal({
      inScope: true,
      reason: "Scoping filter 'Finance' matched",
    });
    const out = evaluateScope(scope, lookup({ department: "Sales" }));
    expect(out.inScope).to.equal(false);
    expect(out.reason).to.contain("country EQUALS");
    expect(evaluateScope(null, lookup({})).inScope).to.equal(true);
    expect(evaluateScope({ ...scope, groups: [] }, lookup({})).inScope).to.equal(true);
  });
});
