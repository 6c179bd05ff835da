import { expect } from "chai";
import {
  canonicalExpressionText,
  formatExpression,
  MAX_EXPRESSION_LENGTH,
  parseExpressionText,
} from "../../../provider/schema/expressionSyntax";

function error(text: string) {
  const parsed = parseExpressionText(text);
  if (parsed.ok) throw new Error(`expected ${text} to be rejected`);
  return parsed.error;
}

describe("expression reader", () => {
  const documented = [
    "[jobTitle]",
    '"Sales"',
    'Append([userPrincipalName], ".test")',
    'Replace([preferredLanguage], "-", , , "_", , )',
    'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
    'IIF([country]="USA",[country],[department])',
    'Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))',
    'DateAdd("d", -10, CDate([StatusHireDate]))',
    "BitAnd(&HF, &HF7)",
    'InStr("repEated","e",3,vbBinaryCompare)',
    "Guid()",
    'FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")',
    '"Company name: \\"Contoso\\""',
    "SingleAppRoleAssignment([appRoleAssignments])",
    'IIF(DateDiff("d", Now(), CDate([StatusHireDate])) > 5, "False", "True")',
  ];
  for (const text of documented) {
    it(`should accept the documented ${text}`, () => {
      expect(parseExpressionText(text).ok, text).to.equal(true);
    });
  }

  it("should print Graph's canonical spacing", () => {
    expect(canonicalExpressionText('Replace([preferredLanguage], "-", , , "_", ,  )')).to.equal(
      'Replace([preferredLanguage], "-", , , "_", , )',
    );
    expect(canonicalExpressionText('  ToLower( [mail] ,"en-US" ) ')).to.equal('ToLower([mail], "en-US")');
    const parsed = parseExpressionText('"a \\"quoted\\" \\\\ value"');
    expect(parsed.ok && formatExpression(parsed.node)).to.equal('"a \\"quoted\\" \\\\ value"');
  });

  it("should name an unknown function, its offset and the case-sensitive spelling", () => {
    const e = error('Append(Tolower([mail]), "x")');
    expect(e.offset).to.equal(7);
    expect(e.message)
      .to.contain("unknown function Tolower")
      .and.contain("ToLower")
      .and.contain("Graph documents");
  });

  it("should check the argument count of documented functions", () => {
    expect(error("Append([a])").message).to.contain("takes 2 arguments");
    expect(error('Switch([a], "x", "y")').message).to.contain("even number");
    expect(error("Guid([a])").message).to.contain("no arguments");
    expect(error("Coalesce()").message).to.contain("1 or more");
  });

  it("should reject unbalanced and stray syntax with the offset", () => {
    expect(error("[jobTitle").offset).to.equal(0);
    expect(error('Append([a], "x"').message).to.match(/expected "," or "\)"/);
    expect(error('"open').message).to.contain("closing double quote");
    expect(error("[a] [b]").offset).to.equal(4);
    expect(error("[]").message).to.contain("empty attribute name");
    expect(error("").message).to.contain("is empty");
    expect(error('[a] = "x"').message).to.contain("top level");
  });

  it("should explain a bare word", () => {
    const e = error("ToLower(mail)");
    expect(e.offset).to.equal(8);
    expect(e.message).to.contain("[mail]");
  });

  it("should enforce Graph's 10,000-character limit", () => {
    const long = `Join(",", ${Array.from({ length: 2000 }, (_, i) => `[a${i}]`).join(", ")})`;
    expect(long.length).to.be.greaterThan(MAX_EXPRESSION_LENGTH);
    expect(error(long).message).to.contain("at most 10000");
  });
});
