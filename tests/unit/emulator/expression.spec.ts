/**
 * The attribute-mapping expression grammar the emulator's parseExpression, PUT normalisation and cycles use:
 * parsing, Graph's canonical text, the attributeMappingSource tree, evaluation of the documented functions
 * against the reference page's own examples, and syntax errors.
 */
import { expect } from "chai";
import {
  canonicalExpression,
  evaluateExpression,
  expressionOfSource,
  ExpressionSyntaxError,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  printExpression,
  toMappingSource,
  type ExpressionInput,
} from "../../../emulator/schema/expression";
import { EXPRESSION_FUNCTIONS } from "../../../emulator/schema/expressionFunctions";

const evaluate = (expression: string, input: ExpressionInput = {}) =>
  evaluateExpression(parseExpression(expression), input, { nowMs: Date.UTC(2021, 6, 2, 15, 33, 38) }).values;

describe("emulator expression grammar", () => {
  describe("canonical form", () => {
    const cases: [string, string][] = [
      ['Replace([preferredLanguage], "-", , , "_", ,  )', 'Replace([preferredLanguage], "-", , , "_", , )'],
      ['Replace([mail], "@contoso.com", , ,"", ,)', 'Replace([mail], "@contoso.com", , , "", , )'],
      ["Coalesce([mail],[userPrincipalName])", "Coalesce([mail], [userPrincipalName])"],
      ['  Append( [userPrincipalName] ,".test" ) ', 'Append([userPrincipalName], ".test")'],
      ["Guid()", "Guid()"],
      ["Guid( )", "Guid()"],
      ['IIF([country]="USA",[country],[department])', 'IIF([country] = "USA", [country], [department])'],
      ['"Company name: \\"Contoso\\""', '"Company name: \\"Contoso\\""'],
      ["[userPrincipalName]", "[userPrincipalName]"],
      ['DateAdd("d", -10, CDate([StatusHireDate]))', 'DateAdd("d", -10, CDate([StatusHireDate]))'],
      ['InStr("repEated","e",3,vbBinaryCompare)', 'InStr("repEated", "e", 3, vbBinaryCompare)'],
    ];
    for (const [input, canonical] of cases) {
      it(`should print ${input} as ${canonical}`, () => {
        expect(canonicalExpression(input)).to.equal(canonical);
        // Canonical text is a fixed point.
        expect(canonicalExpression(canonical)).to.equal(canonical);
      });
    }
  });

  describe("attributeMappingSource", () => {
    it("should key function parameters by the function's parameter names, supplied arguments only", () => {
      const source = toMappingSource(parseExpression('Replace([preferredLanguage], "-", , , "_", ,  )'));
      expect(source.type).to.equal("Function");
      expect(source.name).to.equal("Replace");
      expect(source.parameters.map((p) => p.key)).to.deep.equal(["source", "Find", "Replacement"]);
      expect(source.parameters[1].value).to.deep.equal({
        expression: '"-"',
        name: "-",
        parameters: [],
        type: "Constant",
      });
    });

    it("should repeat the name of a repeating parameter (Join's source, Switch's key/value)", () => {
      const join = toMappingSource(parseExpression('Join(" ", [givenName], [surname])'));
      expect(join.parameters.map((p) => p.key)).to.deep.equal(["separator", "source", "source"]);
      const sw = toMappingSource(
        parseExpression('Switch([IsSoftDeleted], , "False", "True", "True", "False")'),
      );
      expect(sw.parameters.map((p) => p.key)).to.deep.equal(["source", "key", "value", "key", "value"]);
    });

    it("should rebuild the expression of a tree sent without one (minimal PUT sources)", () => {
      expect(
        printExpression(expressionOfSource({ name: "extensionAttribute10", type: "Attribute" }, "s")),
      ).to.equal("[extensionAttribute10]");
      expect(printExpression(expressionOfSource({ name: "en_US", type: "Constant" }, "s"))).to.equal(
        '"en_US"',
      );
      const tree = toMappingSource(parseExpression('Replace([preferredLanguage], "-", , , "_", , )'));
      expect(printExpression(expressionOfSource({ ...tree, expression: null }, "s"))).to.equal(
        'Replace([preferredLanguage], "-", , , "_", , )',
      );
      expect(() =>
        expressionOfSource(
          { name: "Append", type: "Function", parameters: [{ key: "nope", value: tree }] },
          "s",
        ),
      ).to.throw(/'nope' is not a parameter of Append/);
    });
  });

  describe("syntax errors", () => {
    const errors: [string, RegExp][] = [
      ["", /empty/],
      ["replace([x])", /Unknown function 'replace'.*did you mean 'Replace'/],
      ["Frobnicate([x])", /Unknown function 'Frobnicate'/],
      ['Append([mail], "x"', /missing its closing '\)'/],
      ['Append([mail, "x")', /closing '\]'|Expected/],
      ['Append([mail], "x)', /missing its closing '"'/],
      ['Append([mail], "a", "b")', /at most 2 argument/],
      ["Append([mail])", /at least 2 argument/],
      ['Replace( , "a", , , "b", , )', /required argument 'source'/],
      ['SelectUniqueValue("a")', /at least 2 argument/],
      ['Switch([a], "d", "k")', /groups of 2/],
      ['[mail] "x"', /after the end/],
      ["[]", /attribute name is empty/],
    ];
    for (const [expression, message] of errors) {
      it(`should reject ${JSON.stringify(expression)}`, () => {
        expect(() => parseExpression(expression)).to.throw(ExpressionSyntaxError, message);
      });
    }

    it(`should reject expressions longer than ${MAX_EXPRESSION_LENGTH} characters`, () => {
      const long = `Append([mail], "${"x".repeat(MAX_EXPRESSION_LENGTH)}")`;
      expect(() => parseExpression(long)).to.throw(/longer than 10000/);
    });
  });

  describe("evaluation (the reference page's examples)", () => {
    const examples: [string, ExpressionInput, string[]][] = [
      [
        'Append([userPrincipalName], ".test")',
        { userPrincipalName: "John.Doe@contoso.com" },
        ["John.Doe@contoso.com.test"],
      ],
      ["BitAnd(&HF, &HF7)", {}, ["7"]],
      ['CDate("2009-06-15T01:45:30-07:00")', {}, ["6/15/2009 8:45:30 AM"]],
      ["CDate([StatusHireDate])", { StatusHireDate: "2020-03-16-07:00" }, ["3/16/2020 7:00:00 AM"]],
      [
        "Coalesce([mail],[userPrincipalName])",
        { userPrincipalName: "John.Doe@contoso.com" },
        ["John.Doe@contoso.com"],
      ],
      ['ConvertToBase64("Hello world!")', {}, ["SABlAGwAbABvACAAdwBvAHIAbABkACEA"]],
      ['ConvertToUTF8Hex("Hello world!")', {}, ["48656C6C6F20776F726C6421"]],
      ["Count([proxyAddresses])", { proxyAddresses: ["a", "b", "c"] }, ["3"]],
      [
        'DateAdd("d", 7, CDate([StatusHireDate]))',
        { StatusHireDate: "2012-03-16-07:00" },
        ["3/23/2012 7:00:00 AM"],
      ],
      [
        'DateAdd("m", 10, CDate([StatusHireDate]))',
        { StatusHireDate: "2012-03-16-07:00" },
        ["1/16/2013 7:00:00 AM"],
      ],
      ['DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))', {}, ["13"]],
      ['DateDiff("h", CDate("2021-08-24"), CDate("2021-08-25"))', {}, ["24"]],
      ["DateFromNum(129699324000000000)", {}, ["1/1/2012 11:00:00 PM"]],
      [
        'FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")',
        { extensionAttribute1: "20150123105347.1Z" },
        ["2015-01-23"],
      ],
      ['IIF([country]="USA",[country],[department])', { country: "USA", department: "Sales" }, ["USA"]],
      ['IIF([country]="USA",[country],[department])', { country: "NL", department: "Sales" }, ["Sales"]],
      ['InStr("The quick brown fox","quick")', {}, ["5"]],
      ['InStr("repEated","e",3,vbBinaryCompare)', {}, ["7"]],
      ["IsNull([displayName])", {}, ["True"]],
      ["IsNullOrEmpty([displayName])", { displayName: "" }, ["True"]],
      ["IsPresent([displayName])", { displayName: "x" }, ["True"]],
      ["Item([proxyAddresses], 1)", { proxyAddresses: ["first", "second"] }, ["first"]],
      ['Join(", ", "", [surname], [givenName])', { givenName: "John", surname: "Doe" }, ["Doe, John"]],
      ['Left("John Doe", 3)', {}, ["Joh"]],
      [
        "Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))",
        { givenName: "John", surname: "Doe" },
        ["JohDoe"],
      ],
      ["NormalizeDiacritics([givenName])", { givenName: "Zoë" }, ["Zoe"]],
      ["Not([IsSoftDeleted])", { IsSoftDeleted: "False" }, ["True"]],
      ["Now()", {}, ["7/2/2021 3:33:38 PM"]],
      ["PCase([firstName])", { firstName: "PABLO GONSALVES (SECOND)" }, ["Pablo Gonsalves (Second)"]],
      ['PCase([lastName]," \'-")', { lastName: "PINTO-DE'SILVA" }, ["Pinto-De'Silva"]],
      ['Redact("StringToBeRedacted")', {}, ["StringToBeRedacted"]],
      ["RemoveDuplicates([proxyAddresses])", { proxyAddresses: ["a", "a", "b"] }, ["a", "b"]],
      [
        'Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )',
        { BusinessTitle: "Product Developer" },
        ["Software Engineer"],
      ],
      [
        'Replace([UserID],"<username>", , , , , "<username>@contoso.com")',
        { UserID: "jsmith" },
        ["jsmith@contoso.com"],
      ],
      [
        'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )',
        { telephoneNumber: "+91 9998887777" },
        ["9998887777"],
      ],
      ['Replace([mobile], , "[()\\\\s-]+", , "", , )', { mobile: "+1 (999) 888-7777" }, ["+19998887777"]],
      [
        'Replace([AddressLineData], ,"(?<streetNumber>^\\\\d*)","streetNumber", "888", , )',
        { AddressLineData: "545 Tremont Street" },
        ["888 Tremont Street"],
      ],
      [
        'Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )',
        { userPrincipalName: "jsmith@contoso.com" },
        ["jsmith"],
      ],
      [
        'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber" , , [mobile], )',
        { telephoneNumber: "", mobile: "+91 8887779999" },
        ["8887779999"],
      ],
      ['Replace([mail], "@contoso.com", , ,"", ,)', { mail: "john.doe@contoso.com" }, ["john.doe"]],
      ["SingleAppRoleAssignment([appRoleAssignments])", { appRoleAssignments: ["Admin"] }, ["Admin"]],
      [
        'Split([extensionAttribute5], ",")',
        { extensionAttribute5: "PermissionSetOne, PermissionSetTwo" },
        ["PermissionSetOne", "PermissionSetTwo"],
      ],
      ["StripSpaces([x])", { x: "a b c" }, ["abc"]],
      [
        'Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")',
        { state: "QLD" },
        ["Australia/Brisbane"],
      ],
      ['Switch([IsSoftDeleted], , "False", "True", "True", "False")', { IsSoftDeleted: "True" }, ["False"]],
      [
        'ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))',
        { PreferredFirstName: "John", PreferredLastName: "Smith" },
        ["john.smith@contoso.com"],
      ],
      ["ToUpper([x])", { x: "abc" }, ["ABC"]],
      ['Word("The quick brown fox",3," ")', {}, ["brown"]],
      ['Word("This,string!has&many separators",3,",!&#")', {}, ["has"]],
      [
        'Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))',
        { objectId: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee" },
        [
          "100030306161303061612D626231312D636332322D646433332D343465653434656534346565".replace(
            /[A-Za-z_]/g,
            "",
          ),
        ],
      ],
    ];
    for (const [expression, input, expected] of examples) {
      it(`${expression} ⇒ ${JSON.stringify(expected)}`, () => {
        expect(evaluate(expression, input)).to.deep.equal(expected);
      });
    }

    it("should flag IgnoreFlowIfNullOrEmpty and Redact", () => {
      const ignored = evaluateExpression(parseExpression("IgnoreFlowIfNullOrEmpty([department])"), {});
      expect(ignored.ignored).to.equal(true);
      const redacted = evaluateExpression(parseExpression("Redact([userPrincipalName])"), {
        userPrincipalName: "a@b",
      });
      expect(redacted).to.deep.equal({ values: ["a@b"], ignored: false, redacted: true });
    });

    it("should generate a random string that meets its minimums", () => {
      const [value] = evaluate('RandomString(10,2,2,2,1,"?,")');
      expect(value).to.have.length(10);
      expect(value.replace(/\D/g, "").length).to.be.at.least(2);
      expect(value).to.not.match(/[?,]/);
      expect(evaluate("Guid()")[0]).to.match(/^[0-9a-f-]{36}$/);
    });

    it("should have an evaluator for every documented function", () => {
      expect(EXPRESSION_FUNCTIONS.map((f) => f.name)).to.deep.equal([
        "Append",
        "AppRoleAssignmentsComplex",
        "BitAnd",
        "CBool",
        "CDate",
        "Coalesce",
        "ConvertToBase64",
        "ConvertToUTF8Hex",
        "Count",
        "CStr",
        "DateAdd",
        "DateDiff",
        "DateFromNum",
        "FormatDateTime",
        "Guid",
        "IgnoreFlowIfNullOrEmpty",
        "IIF",
        "InStr",
        "IsNull",
        "IsNullOrEmpty",
        "IsPresent",
        "IsString",
        "Item",
        "Join",
        "Left",
        "Mid",
        "NormalizeDiacritics",
        "Not",
        "Now",
        "NumFromDate",
        "PCase",
        "RandomString",
        "Redact",
        "RemoveDuplicates",
        "Replace",
        "SelectUniqueValue",
        "SingleAppRoleAssignment",
        "Split",
        "StripSpaces",
        "Switch",
        "ToLower",
        "ToUpper",
        "Word",
      ]);
    });
  });
});
