/**
 * Issue 13: replays, against the emulator, the request of Microsoft's published example for every endpoint
 * the package calls (tests/fixtures/graph-examples/v1.0-examples.json: page, commit, and each correction to
 * a published example with its reason), and checks the status code and that every property of the published
 * response is present in the emulator's with a compatible JSON type, recursively. A `null` in the example
 * only requires presence. Arrays are checked element by element: each published element must be matched by
 * an element of the emulator's array (an empty array where the example has elements is a mismatch).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, eventually } from "../helpers/emulator";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Correction {
  op: "set" | "delete" | "rename" | "status" | "syntax" | "addCredential" | "useCurrentSchema";
  path?: string;
  to?: Json;
  reason: string;
}

interface PublishedExample {
  page: string;
  commit: string;
  name: string;
  setup?: string;
  request: { method: string; url: string; body?: Json };
  bind?: [string, string][];
  response: { status: number; body?: Json };
  corrections?: Correction[];
}

const FIXTURE = path.join(__dirname, "../fixtures/graph-examples/v1.0-examples.json");
const AWS = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
const NON_GALLERY = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const BOX = "6e2a1d4c-8b3f-4c5e-a1d2-7f9b0c3e4a52";
const SALESFORCE = "7d3b9f1e-5a2c-4e6d-8b0a-3c5e7a9b1d25";

function jsonType(value: Json | undefined): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

/** Every way `actual` falls short of `published` (empty when compatible), as `path: expected …, got …`. */
export function incompatibilities(published: Json, actual: Json | undefined, at = "$"): string[] {
  if (actual === undefined) return [`${at}: missing`];
  if (published === null) return [];
  if (jsonType(published) !== jsonType(actual))
    return [`${at}: expected ${jsonType(published)}, got ${jsonType(actual)}`];
  if (Array.isArray(published)) {
    const elements = actual as Json[];
    return published.flatMap((element, i) => {
      if (elements.length === 0) return [`${at}[${i}]: expected an element, got an empty array`];
      const attempts = elements.map((candidate) => incompatibilities(element, candidate, `${at}[${i}]`));
      return attempts.some((problems) => problems.length === 0)
        ? []
        : attempts.reduce((fewest, problems) => (problems.length < fewest.length ? problems : fewest));
    });
  }
  if (typeof published === "object") {
    const object = actual as { [key: string]: Json };
    return Object.entries(published).flatMap(([key, value]) =>
      incompatibilities(value, object[key], `${at}.${key}`),
    );
  }
  return [];
}

/** The example as replayed: published request and response with its corrections applied. */
function corrected(example: PublishedExample): {
  body: Json | undefined;
  status: number;
  requestBody?: Json;
} {
  const clone = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));
  const body = clone(example.response.body);
  let status = example.response.status;
  const requestBody = clone(example.request.body);
  const parentOf = (p: string): [Record<string, Json>, string] => {
    const parts = p.split("/");
    const last = parts.pop() as string;
    let node = body as Json;
    for (const part of parts) node = (node as Record<string, Json>)[part];
    return [node as Record<string, Json>, last];
  };
  for (const c of example.corrections ?? []) {
    if (c.op === "status") status = c.to as number;
    else if (c.op === "addCredential")
      ((requestBody as { credentials: Json[] }).credentials ??= []).push(c.to as Json);
    else if (c.op === "set" || c.op === "delete" || c.op === "rename") {
      const [parent, key] = parentOf(c.path as string);
      expect(parent, `${example.name}: correction path ${c.path}`).to.have.property(key);
      if (c.op === "set") parent[key] = c.to as Json;
      else if (c.op === "rename") parent[c.to as string] = parent[key];
      if (c.op !== "set") delete parent[key];
    }
  }
  return { body, status, requestBody };
}

describe("emulator: Microsoft's published v1.0 examples replayed (issue 13) @emulator", () => {
  const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { examples: PublishedExample[] };
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;
  let n = 0;

  before(async () => {
    emulator = await startEmulator({ cycleTimeMs: 30, defaultAssignments: { users: 0, groups: 0 } });
    graph = new EmulatorTestClient(emulator);
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.stop());

  const ok = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await graph.call<T>(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).to.be.within(200, 299);
    return res.body;
  };
  const instantiate = async (templateId: string) => {
    const pair = await ok<{ application: { id: string }; servicePrincipal: { id: string } }>(
      "POST",
      `/applicationTemplates/${templateId}/instantiate`,
      { displayName: `Published example app ${++n}` },
    );
    const spId = pair.servicePrincipal.id;
    const templates = await ok<{ value: { id: string }[] }>(
      "GET",
      `/servicePrincipals/${spId}/synchronization/templates`,
    );
    return {
      templateId,
      applicationId: pair.application.id,
      servicePrincipalId: spId,
      syncTemplateId: templates.value[0].id,
    };
  };
  const withJob = async (templateId: string) => {
    const app = await instantiate(templateId);
    const job = await ok<{ id: string }>(
      "POST",
      `/servicePrincipals/${app.servicePrincipalId}/synchronization/jobs`,
      {
        templateId: app.syncTemplateId,
      },
    );
    return { ...app, jobId: job.id };
  };
  const jobStatus = async (v: { servicePrincipalId: string; jobId: string }) =>
    (
      await ok<{ status: { code: string } }>(
        "GET",
        `/servicePrincipals/${v.servicePrincipalId}/synchronization/jobs/${v.jobId}`,
      )
    ).status.code;

  /** Emulator objects an example's request refers to, by the names its `bind` uses. */
  const setups: Record<string, () => Promise<Record<string, string>>> = {
    none: async () => ({ templateId: AWS }),
    app: () => instantiate(AWS),
    boxApp: () => instantiate(BOX),
    scimApp: () => instantiate(NON_GALLERY),
    job: () => withJob(BOX),
    salesforceJob: () => withJob(SALESFORCE),
    deletedApp: async () => {
      const app = await instantiate(AWS);
      await ok("DELETE", `/applications/${app.applicationId}`);
      return app;
    },
    quarantinedJob: async () => {
      const v = await withJob(BOX);
      await ok("PUT", `/servicePrincipals/${v.servicePrincipalId}/synchronization/secrets`, {
        value: [{ key: "SecretToken", value: "an-invalid-token" }],
      });
      await ok("POST", `/servicePrincipals/${v.servicePrincipalId}/synchronization/jobs/${v.jobId}/start`);
      await eventually(async () => ((await jobStatus(v)) === "Quarantine" ? true : undefined));
      return v;
    },
    schemaJob: async () => {
      const v = await withJob(AWS);
      emulator.assign(v.servicePrincipalId, { users: 1 });
      const schema = await ok<{ directories: { id: string }[]; synchronizationRules: { id: string }[] }>(
        "GET",
        `/servicePrincipals/${v.servicePrincipalId}/synchronization/jobs/${v.jobId}/schema`,
      );
      const userId = emulator
        .state()
        .assignments.find((a) => a.servicePrincipalId === v.servicePrincipalId)?.id;
      return {
        ...v,
        ruleId: schema.synchronizationRules[0].id,
        directoryId: schema.directories[0].id,
        userId: String(userId),
        schema: JSON.stringify(schema),
      };
    },
    logs: async () => {
      const v = await withJob(AWS);
      await ok("PUT", `/servicePrincipals/${v.servicePrincipalId}/synchronization/secrets`, {
        value: [
          { key: "ClientSecret", value: "aws-client-secret" },
          { key: "SecretToken", value: "aws-secret-token" },
        ],
      });
      emulator.assign(v.servicePrincipalId, { users: 2, groups: 1, failedUsers: 1 });
      await ok("POST", `/servicePrincipals/${v.servicePrincipalId}/synchronization/jobs/${v.jobId}/start`);
      await eventually(async () => {
        const logs = await ok<{ value: { provisioningStatusInfo: { status: string } }[] }>(
          "GET",
          "/auditLogs/provisioning",
        );
        const statuses = logs.value.map((e) => e.provisioningStatusInfo.status);
        return statuses.includes("success") && statuses.includes("failure") ? true : undefined;
      });
      return v;
    },
  };

  for (const example of fixture.examples) {
    const title = `${example.page.replace(/^api-reference\/v1\.0\/api\//, "")} (${example.name}): ${example.request.method} ${example.request.url}`;
    it(`should answer like ${title}`, async () => {
      const { body, status, requestBody } = corrected(example);
      const vars = await setups[example.setup ?? "none"]();
      let url = example.request.url;
      const replacesBody = example.corrections?.some((c) => c.op === "useCurrentSchema");
      let payload = replacesBody
        ? vars.schema
        : requestBody === undefined
          ? undefined
          : JSON.stringify(requestBody);
      for (const [placeholder, name] of example.bind ?? []) {
        expect(vars, `${example.name}: setup provides ${name}`).to.have.property(name);
        if (url.includes(placeholder)) url = url.replace(placeholder, vars[name]);
        else if (payload?.includes(placeholder)) payload = payload.replace(placeholder, vars[name]);
        else expect.fail(`${example.name}: ${placeholder} appears neither in the URL nor in the body`);
      }
      const res = await graph.call<Json>(example.request.method, url, undefined, { rawBody: payload });
      expect(res.status, `${example.request.method} ${url}: ${res.text}`).to.equal(status);
      if (body !== undefined) {
        const problems = incompatibilities(body, res.body);
        expect(problems, `differs from the published example:\n${problems.join("\n")}\n`).to.deep.equal([]);
      }
    });
  }

  describe("the comparison", () => {
    it("should report a missing property, a type change, null for a published value, and an empty array", () => {
      expect(incompatibilities({ a: 1, b: "x", c: true }, { a: 1, b: null, d: 1 })).to.deep.equal([
        "$.b: expected string, got null",
        "$.c: missing",
      ]);
      expect(incompatibilities({ v: [{ id: "x" }] }, { v: [] })).to.deep.equal([
        "$.v[0]: expected an element, got an empty array",
      ]);
      expect(
        incompatibilities({ v: [{ id: "x", n: 1 }] }, { v: [{ id: "y" }, { id: "z", n: 2 }] }),
      ).to.deep.equal([]);
      expect(incompatibilities({ v: [{ id: "x", n: 1 }] }, { v: [{ id: "y" }] })).to.deep.equal([
        "$.v[0].n: missing",
      ]);
      expect(incompatibilities({ x: null }, { x: { any: 1 } })).to.deep.equal([]);
      expect(incompatibilities({ x: null }, {})).to.deep.equal(["$.x: missing"]);
    });
  });
});
