/**
 * Gallery search on GET /applicationTemplates: `contains` (and startswith/endswith) ignore case, as Graph's
 * `contains(displayName,'salesf')` finds Salesforce (graph-api.md §1), while `eq` stays an exact match
 * (GalleryApp's templateDisplayName relies on it) and other endpoints keep case-sensitive text functions.
 */
import { expect } from "chai";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { matchesFilter, parseFilter } from "../../emulator/odataFilter";
import { EmulatorTestClient } from "../helpers/emulator";

interface TemplateList {
  value: { id: string; displayName: string }[];
}

describe("emulator: gallery search is case-insensitive @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;

  /** Display names of the templates a `$filter` selects. */
  const search = async (filter: string): Promise<string[]> => {
    const res = await graph.call<TemplateList>(
      "GET",
      `/applicationTemplates?$filter=${encodeURIComponent(filter)}`,
    );
    expect(res.status, res.text).to.equal(200);
    return res.body.value.map((t) => t.displayName);
  };

  before(async () => {
    emulator = await startEmulator();
    graph = new EmulatorTestClient(emulator);
  });
  after(async () => {
    await emulator?.stop();
  });

  it("should find Salesforce with Graph's own example contains(displayName,'salesf')", async () => {
    expect(await search("contains(displayName,'salesf')")).to.deep.equal(["Salesforce"]);
  });

  it("should ignore case on either side of contains, startswith and endswith", async () => {
    expect(await search("contains(displayName,'SERVICENOW')")).to.deep.equal(["ServiceNow"]);
    expect(await search("contains(displayName,'single-account')")).to.deep.equal([
      "AWS Single-Account Access",
    ]);
    expect(await search("startswith(displayName,'aws s')")).to.deep.equal(["AWS Single-Account Access"]);
    expect(await search("endswith(displayName,'BUSINESS')")).to.deep.equal(["Dropbox Business"]);
    expect(await search("contains(displayName,'no such app')")).to.deep.equal([]);
  });

  it("should keep eq an exact, case-sensitive match", async () => {
    expect(await search("displayName eq 'ServiceNow'")).to.deep.equal(["ServiceNow"]);
    expect(await search("displayName eq 'servicenow'")).to.deep.equal([]);
  });

  it("should fold case only when asked (other endpoints stay case-sensitive)", () => {
    const node = parseFilter("contains(servicePrincipal/displayName,'contoso')");
    const entry = { servicePrincipal: { displayName: "AWS Contoso" } };
    expect(matchesFilter(node, entry)).to.equal(false);
    expect(matchesFilter(node, entry, {}, { caseInsensitiveText: true })).to.equal(true);
    const lambda = parseFilter("categories/any(c:contains(c,'SECUR'))");
    expect(matchesFilter(lambda, { categories: ["security"] })).to.equal(false);
    expect(matchesFilter(lambda, { categories: ["security"] }, {}, { caseInsensitiveText: true })).to.equal(
      true,
    );
  });
});
