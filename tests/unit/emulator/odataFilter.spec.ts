import { expect } from "chai";
import {
  filterProperties,
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
} from "../../../emulator/odataFilter";

const entry = {
  jobId: "aws.t.1",
  activityDateTime: "2023-07-30T12:00:00.000Z",
  servicePrincipal: { id: "SP-1", displayName: "AWS Contoso" },
  categories: ["security", "developerServices"],
  count: 3,
};
const matches = (expr: string) => matchesFilter(parseFilter(expr), entry);

describe("parseFilter / matchesFilter", () => {
  it("should compare strings case-sensitively and follow property paths", () => {
    expect(matches("jobId eq 'aws.t.1'")).to.equal(true);
    expect(matches("servicePrincipal/displayName eq 'aws contoso'")).to.equal(false);
    expect(matches("tolower(servicePrincipal/displayName) eq 'aws contoso'")).to.equal(true);
  });

  it("should compare unquoted dates as instants", () => {
    expect(matches("activityDateTime gt 2023-07-30 and activityDateTime lt 2023-07-31")).to.equal(true);
    expect(matches("activityDateTime gt 2023-07-30T12:00:00Z")).to.equal(false);
  });

  it("should support or, not, parentheses, numbers, contains and any()", () => {
    expect(
      matches(
        "(contains(tolower(servicePrincipal/id),'sp-1') or contains(servicePrincipal/displayName,'x')) and count ge 3",
      ),
    ).to.equal(true);
    expect(matches("not startswith(jobId,'scim')")).to.equal(true);
    expect(matches("categories/any(c:contains(c,'secur'))")).to.equal(true);
    expect(matches("categories/any(c:c eq 'crm')")).to.equal(false);
  });

  it("should unescape doubled quotes in string literals", () => {
    expect(matchesFilter(parseFilter("name eq 'O''Brien'"), { name: "O'Brien" })).to.equal(true);
  });

  it("should list the properties a filter reads, excluding lambda variables", () => {
    expect(filterProperties(parseFilter("jobId eq 'x' and categories/any(c:contains(c,'y'))"))).to.deep.equal(
      ["jobId", "categories"],
    );
  });

  it("should reject malformed expressions with a FilterSyntaxError", () => {
    for (const bad of ["jobId eq", "jobId 'x'", "(jobId eq 'x'", "jobId eq 'x", ""]) {
      expect(() => parseFilter(bad), bad).to.throw(FilterSyntaxError);
    }
  });
});
