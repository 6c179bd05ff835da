import { expect } from "chai";
import { UsageError, errorLine } from "../../../cli/cliErrors";
import { formatFields, formatTable } from "../../../cli/formatTable";
import { parseCountArgument, parseSecondsArgument, parseTimeArgument } from "../../../cli/parseTimeArgument";

const NOW = Date.UTC(2024, 4, 10, 12, 0, 0);

describe("parseTimeArgument", () => {
  it("should read durations ago in s, m, h, d and w, decimals included", () => {
    const ago = (text: string) => NOW - parseTimeArgument(text, "--since", NOW).getTime();
    expect(ago("90s")).to.equal(90_000);
    expect(ago("15m")).to.equal(900_000);
    expect(ago("1.5h")).to.equal(5_400_000);
    expect(ago("2d")).to.equal(172_800_000);
    expect(ago("1W")).to.equal(604_800_000);
  });

  it("should read ISO 8601 dates and date-times with offsets", () => {
    expect(parseTimeArgument("2024-05-01", "--since", NOW).toISOString()).to.equal(
      "2024-05-01T00:00:00.000Z",
    );
    expect(parseTimeArgument("2024-05-01T10:00:00+02:00", "--since", NOW).toISOString()).to.equal(
      "2024-05-01T08:00:00.000Z",
    );
  });

  it("should reject anything else with a UsageError naming the flag", () => {
    for (const bad of ["", "1", "May", "1y", "-1h", "2024-13-45"]) {
      expect(() => parseTimeArgument(bad, "--until", NOW), bad)
        .to.throw(UsageError)
        .with.property("message")
        .that.matches(/^--until must be an ISO 8601 date-time/);
    }
  });
});

describe("parseSecondsArgument and parseCountArgument", () => {
  it("should return milliseconds within the bounds and reject the rest naming the flag", () => {
    expect(parseSecondsArgument("0.25", "--interval", 0.1, 10)).to.equal(250);
    expect(() => parseSecondsArgument("0.05", "--interval", 0.1, 10)).to.throw(/--interval must be a number/);
    expect(() => parseSecondsArgument("", "--timeout", 1, 10)).to.throw(/--timeout/);
    expect(parseCountArgument("7", "--limit", 10)).to.equal(7);
    expect(() => parseCountArgument("7.5", "--limit", 10)).to.throw(
      /--limit must be an integer from 1 to 10/,
    );
    expect(() => parseCountArgument("11", "--limit", 10)).to.throw(/--limit/);
  });
});

describe("formatTable", () => {
  it("should align columns, print missing cells as '-', flatten newlines and trim line ends", () => {
    expect(
      formatTable(
        ["A", "LONG HEADER", "C"],
        [
          ["x", null, "multi\nline"],
          ["longer value", "y", ""],
        ],
      ),
    ).to.equal(
      "A             LONG HEADER  C\nx             -            multi line\nlonger value  y            -\n",
    );
  });

  it("should align label/value pairs and skip undefined values", () => {
    expect(
      formatFields([
        ["Job", "j"],
        ["Hidden", undefined],
        ["Service principal", "sp"],
      ]),
    ).to.equal("Job                j\nService principal  sp\n");
  });
});

describe("errorLine", () => {
  it("should join lines and redact the given secrets and bearer tokens", () => {
    const error = new Error(
      "AADSTS7000215: Invalid client secret abcd-secret-1234\r\nTrace ID: 1\nBearer eyJabc.def",
    );
    expect(errorLine(error, ["abcd-secret-1234"])).to.equal(
      "AADSTS7000215: Invalid client secret [REDACTED] Trace ID: 1 Bearer [REDACTED]",
    );
  });
});
