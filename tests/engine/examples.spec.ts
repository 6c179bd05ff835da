/**
 * The examples (examples/scim-app, examples/mappings-from-portal, examples/fleet, examples/per-tenant), each run with its COMMITTED
 * stack file(s) through the REAL dynamic-provider host (LocalStack) against an in-process Graph emulator
 * started the way each README says (the fixed default tenant, plus the `--tenant` flags of
 * examples/per-tenant/README.md). Only graphEndpoint, authorityHost and caFile are overridden, to point at
 * this emulator's free port and certificate instead of the files' fixed 8443 (as `npm run demo` does).
 * Per example: a preview writes nothing; up makes the expected objects; a second preview plans nothing and
 * calls nothing; destroy leaves nothing active. Per tenant: each stack only ever talks to its own tenant.
 * Fleet: N apps for N accounts in config. No secret value in any state file or output.
 * Needs the built package (dist/): the programs import "pulumi-graph-provisioning" by name.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  AWS_TEMPLATE_ID,
  NON_GALLERY_TEMPLATE_ID,
  startEmulator,
  type EmulatorHandle,
  type RequestLogEntry,
  type TenantCredentials,
} from "../../emulator";
import { parseTenantFlag } from "../../emulator/emulatorOptions";
import {
  LocalStack,
  formatRunResult,
  type ResourceStep,
  type RunResult,
  type StepOp,
} from "../../testing/programRunner";
import { readStackConfig, type ConfigInput } from "../../testing/stackConfig";
import type { SynchronizationSchema } from "../../provider/graph/types";
import { EmulatorTestClient } from "../helpers/emulator";
import { liveHostPids, type StackConfigMap } from "../../testing/engineHarness";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");
/** The documented demo passphrase of every committed emulator stack file. */
const PASSPHRASE = "local-emulator";
/** Where the committed files expect the emulator: started from the repository root with `--port 8443`. */
const FIXED_ENDPOINT = "https://127.0.0.1:8443";
const FIXED_CA_FILE = "../../.graph-emulator/ca.pem";
/** ServiceNow's entry in the emulator's gallery. */
const SERVICENOW_TEMPLATE_ID = "3f4a5e0b-2c1d-4b7a-9e61-5d0c8a7b1f21";

const sha256 = (v: string) => crypto.createHash("sha256").update(v, "utf8").digest("hex");
const shortType = (type: string) => type.split(":").pop();
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.kind === "graph" && e.method !== "GET");
const tenantsIn = (log: RequestLogEntry[]) => [...new Set(log.map((e) => e.tenantId))];
/** Asserts the run's dynamic-provider host has exited and no other host of this process is running. */
const expectNoHostLeft = (r: RunResult) => {
  expect(r.hostPid).to.be.a("number").and.greaterThan(0);
  // Signal 0 only checks that the process exists.
  expect(() => process.kill(r.hostPid, 0)).to.throw(/ESRCH/);
  expect(liveHostPids()).to.deep.equal([]);
};
/** Ops of the custom resources, in registration order. */
const customOps = (r: RunResult): StepOp[] => r.steps.filter((s) => s.custom).map((s) => s.op);
/** How many of the given steps' custom resources there are of each type. */
const typeCounts = (steps: ResourceStep[]) => {
  const counts: Record<string, number> = {};
  for (const s of steps.filter((x) => x.custom)) {
    const type = shortType(s.type)!;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
};

/** Every plaintext string inside the file's secure values (nested ones included). */
function secretLeaves(config: StackConfigMap): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  for (const entry of Object.values(config).filter((e) => e.secret)) {
    try {
      const parsed: unknown = JSON.parse(entry.value);
      if (parsed && typeof parsed === "object") walk(parsed);
      else out.push(entry.value);
    } catch {
      out.push(entry.value);
    }
  }
  return out;
}

/** The `--tenant ID:CLIENT:SECRET` flags of the emulator command a README documents (its GUID-led ones). */
function documentedTenants(readme: string): TenantCredentials[] {
  return [...fs.readFileSync(readme, "utf8").matchAll(/--tenant\s+([0-9a-f]{8}-[0-9a-f-]{27}:\S+)/gi)].map(
    (m) => parseTenantFlag(m[1]),
  );
}

describe("the examples with their committed stack files, through the engine harness @engine @emulator", function () {
  this.timeout(180_000);
  let emulator: EmulatorHandle;
  let dir: string;
  /** Every RunResult's text (formatted and JSON, host output included), for the plaintext scan. */
  let output = "";
  /** State file texts after each run, for the plaintext scan. */
  const stateTexts: string[] = [];
  /** Plaintext of every secret handled: all secure values of every stack file read. */
  const secrets = new Set<string>();
  const configs: Record<string, StackConfigMap> = {};

  const stackFile = (example: string, stack: string) => path.join(EXAMPLES, example, `Pulumi.${stack}.yaml`);
  const stateFile = (example: string, stack: string) => path.join(dir, `${example}.${stack}.json`);
  const stack = (example: string, name: string, extra: Record<string, ConfigInput> = {}) =>
    new LocalStack({
      stack: name,
      projectDir: path.join(EXAMPLES, example),
      stateFile: stateFile(example, name),
      passphrase: PASSPHRASE,
      config: {
        "graphProvisioning:graphEndpoint": emulator.graphEndpoint,
        "graphProvisioning:authorityHost": emulator.authorityHost,
        "graphProvisioning:caFile": emulator.caFile,
        ...extra,
      },
    });
  /** Runs one operation with the committed stack file; returns the result and the emulator requests it made. */
  const run = async (
    example: string,
    name: string,
    op: "preview" | "up" | "destroy",
    extra: Record<string, ConfigInput> = {},
  ) => {
    emulator.clearRequestLog();
    const r = await stack(example, name, extra)[op]();
    output += `${formatRunResult(r)}\n${JSON.stringify(r)}\n`;
    if (fs.existsSync(stateFile(example, name)))
      stateTexts.push(fs.readFileSync(stateFile(example, name), "utf8"));
    expect(r.errors, formatRunResult(r)).to.deep.equal([]);
    return { r, log: emulator.requestLog() };
  };
  const readConfig = async (example: string, name: string, project: string) => {
    const { config } = await readStackConfig(stackFile(example, name), project, { passphrase: PASSPHRASE });
    for (const s of secretLeaves(config)) secrets.add(s);
    configs[`${example}/${name}`] = config;
    return config;
  };
  const activeApps = (tenantId?: string) =>
    emulator.state(tenantId).applications.filter((a) => !a.deletedDateTime);
  /** Asserts a tenant holds no active app, service principal, job or saved secret. */
  const expectEmpty = (tenantId?: string) => {
    const t = emulator.state(tenantId);
    expect(activeApps(tenantId), `active apps in ${t.tenantId}`).to.deep.equal([]);
    expect(t.servicePrincipals.filter((s) => !s.deletedDateTime)).to.deep.equal([]);
    expect(t.jobs).to.deep.equal([]);
    expect(t.secrets.filter((s) => s.value !== "")).to.deep.equal([]);
  };
  /** Asserts what every committed emulator stack file shares: the fixed endpoint and caFile, secrets secure. */
  const expectEmulatorStackFile = (config: StackConfigMap, file: string, secureKeys: string[]) => {
    expect(config["graphProvisioning:graphEndpoint"].value).to.equal(FIXED_ENDPOINT);
    expect(config["graphProvisioning:authorityHost"].value).to.equal(FIXED_ENDPOINT);
    expect(config["graphProvisioning:caFile"].value).to.equal(FIXED_CA_FILE);
    expect(
      Object.entries(config)
        .filter(([, e]) => e.secret)
        .map(([k]) => k)
        .sort(),
    ).to.deep.equal([...secureKeys].sort());
    const text = fs.readFileSync(file, "utf8");
    expect(text).to.match(/^encryptionsalt: v1:/m);
    for (const s of secretLeaves(config)) expect(text).to.not.include(s);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-examples-"));
    // Started like the READMEs' command: the emulator's fixed default tenant plus the per-tenant example's two.
    const defaults = await readConfig("scim-app", "local", "graph-provisioning-scim-app");
    emulator = await startEmulator({
      tenantId: defaults["graphProvisioning:tenantId"].value,
      clientId: defaults["graphProvisioning:clientId"].value,
      clientSecret: defaults["graphProvisioning:clientSecret"].value,
      tenants: documentedTenants(path.join(EXAMPLES, "per-tenant", "README.md")),
    });
  });
  after(async () => {
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("scim-app: a non-gallery SCIM app (Pulumi.local.yaml)", () => {
    const EXAMPLE = "scim-app";
    const PROJECT = "graph-provisioning-scim-app";

    it("should target the emulator's fixed endpoint, with the client secret and SCIM token as secure values", async () => {
      const config = await readConfig(EXAMPLE, "local", PROJECT);
      expectEmulatorStackFile(config, stackFile(EXAMPLE, "local"), [
        "graphProvisioning:clientSecret",
        `${PROJECT}:scimToken`,
      ]);
      expect(config[`${PROJECT}:scimBaseAddress`].value).to.match(/^https:\/\//);
    });

    it("should plan five creates in a preview (the schema too), with no write to Graph", async () => {
      const { r, log } = await run(EXAMPLE, "local", "preview");
      expect(typeCounts(r.steps)).to.deep.equal({
        GalleryApp: 1,
        ProvisioningJob: 1,
        ProvisioningSecrets: 1,
        ProvisioningSchema: 1,
        JobStart: 1,
      });
      expect(customOps(r)).to.deep.equal(["create", "create", "create", "create", "create"]);
      expect(writes(log)).to.deep.equal([]);
      expect(activeApps()).to.deep.equal([]);
    });

    it("should create the app from the non-gallery template, a scim job, both secrets, its schema, and start the job", async () => {
      const { r } = await run(EXAMPLE, "local", "up");
      expect(customOps(r)).to.deep.equal(["create", "create", "create", "create", "create"]);
      const apps = activeApps();
      expect(apps.map((a) => [a.displayName, a.applicationTemplateId])).to.deep.equal([
        ["HR Portal (SCIM)", NON_GALLERY_TEMPLATE_ID],
      ]);
      expect(r.outputs.appId).to.equal(apps[0].appId);
      const [job] = emulator.state().jobs;
      expect([job.id, job.templateId, job.servicePrincipalId]).to.deep.equal([
        r.outputs.jobId,
        "scim",
        r.outputs.servicePrincipalId,
      ]);
      expect(job.schedule?.state).to.equal("Active");
      expect(r.outputs.statusCode).to.not.equal("NotConfigured");
      const config = configs[`${EXAMPLE}/local`];
      const saved = emulator.state().secrets.filter((s) => s.servicePrincipalId === job.servicePrincipalId);
      expect(saved.map((s) => [s.key, s.digest]).sort()).to.deep.equal([
        ["BaseAddress", sha256(config[`${PROJECT}:scimBaseAddress`].value)],
        ["SecretToken", sha256(config[`${PROJECT}:scimToken`].value)],
      ]);
      // The declared mapping, removal and department scope, saved before the job started.
      const raw = new EmulatorTestClient(emulator);
      const schema = (
        await raw.call<SynchronizationSchema>(
          "GET",
          `/servicePrincipals/${job.servicePrincipalId}/synchronization/jobs/${encodeURIComponent(job.id)}/schema`,
        )
      ).body;
      const user = schema.synchronizationRules
        .flatMap((x) => x.objectMappings ?? [])
        .find((m) => m.sourceObjectName === "User")!;
      const byTarget = new Map(user.attributeMappings!.map((m) => [m.targetAttributeName, m]));
      expect(byTarget.get("title")?.source?.expression).to.equal('Join(" - ", [jobTitle], [department])');
      expect(byTarget.has('phoneNumbers[type eq "mobile"].value')).to.equal(false);
      expect(byTarget.get("userName")?.source?.expression).to.equal("[userPrincipalName]");
      expect(user.scope?.groups?.map((g) => g.clauses)).to.deep.equal([
        [{ operatorName: "EQUALS", sourceOperandName: "department", targetOperand: { values: ["Sales"] } }],
      ]);
      expect(r.outputs.schemaRuleId).to.equal(schema.synchronizationRules[0].id);
    });

    it("should plan nothing and call nothing in a second preview", async () => {
      const { r, log } = await run(EXAMPLE, "local", "preview");
      expect(r.steps.map((s) => s.op).every((op) => op === "same")).to.equal(true);
      expect(r.counts.same).to.equal(r.steps.length);
      expect(log).to.deep.equal([]);
    });

    it("should leave nothing active after destroy", async () => {
      const { r } = await run(EXAMPLE, "local", "destroy");
      expect(r.counts.delete).to.equal(r.steps.length);
      expect((await stack(EXAMPLE, "local").state()).resources).to.deep.equal([]);
      expectEmpty();
    });
  });

  describe("mappings-from-portal: schema export of a job customised outside the stack (Pulumi.local.yaml)", () => {
    const EXAMPLE = "mappings-from-portal";
    const PROJECT = "graph-provisioning-mappings-from-portal";
    const CLI = path.resolve(__dirname, "..", "..", "dist", "cli", "main.js");
    const SCIM_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    const OFFICE = "urn:ietf:params:scim:schemas:extension:contoso:2.0:User:officeLocation";
    let raw: EmulatorTestClient;
    let ids: { servicePrincipalId: string; jobId: string };
    let appObjectId: string | undefined;
    let versionAfterEdit: string;
    /** The program `schema export` printed, written inside the repository (it imports the package by name). */
    let exportedProgram: string;
    const schemaPath = () =>
      `/servicePrincipals/${ids.servicePrincipalId}/synchronization/jobs/${encodeURIComponent(ids.jobId)}/schema`;
    const puts = (log: RequestLogEntry[]) =>
      log.filter((e) => e.kind === "graph" && e.method === "PUT" && e.path.endsWith("/schema"));
    const exportCli = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], {
          env: {
            PATH: process.env.PATH,
            AZURE_TENANT_ID: emulator.tenantId,
            AZURE_CLIENT_ID: emulator.clientId,
            AZURE_CLIENT_SECRET: emulator.clientSecret,
            AZURE_AUTHORITY_HOST: emulator.authorityHost,
            GRAPH_PROVISIONING_ENDPOINT: emulator.graphEndpoint,
            GRAPH_PROVISIONING_CA_FILE: emulator.caFile,
          },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });

    before(async () => {
      raw = new EmulatorTestClient(emulator);
      // The SCIM app and job of examples/scim-app, made outside any stack.
      const made = await raw.call<{ application: { id: string }; servicePrincipal: { id: string } }>(
        "POST",
        `/applicationTemplates/${NON_GALLERY_TEMPLATE_ID}/instantiate`,
        { displayName: "HR Portal (customised in the portal)" },
      );
      const sp = made.body.servicePrincipal.id;
      appObjectId = made.body.application.id;
      const job = await raw.call<{ id: string }>("POST", `/servicePrincipals/${sp}/synchronization/jobs`, {
        templateId: "scim",
      });
      ids = { servicePrincipalId: sp, jobId: job.body.id };
    });
    after(async () => {
      if (exportedProgram) fs.rmSync(path.dirname(exportedProgram), { recursive: true, force: true });
      // The next examples expect a tenant with nothing active: delete the job, then the app (and its SP).
      if (ids) {
        const jobPath = `/servicePrincipals/${ids.servicePrincipalId}/synchronization/jobs/${encodeURIComponent(ids.jobId)}`;
        expect((await raw.call("DELETE", jobPath)).status).to.equal(204);
      }
      if (appObjectId)
        expect((await raw.call("DELETE", `/applications/${appObjectId}`)).status).to.equal(204);
    });

    it("should export every difference of a schema edited with a raw GET → edit → PUT (as the portal saves)", async () => {
      const got = await raw.call<SynchronizationSchema>("GET", schemaPath());
      expect(got.status).to.equal(200);
      const schema = got.body;
      const user = schema.synchronizationRules
        .flatMap((r) => r.objectMappings ?? [])
        .find((m) => m.sourceObjectName === "User")!;
      user.scope = {
        ...(user.scope ?? {}),
        groups: [
          {
            name: "Sales only",
            clauses: [
              {
                sourceOperandName: "department",
                operatorName: "EQUALS",
                targetOperand: { values: ["Sales"] },
              },
            ],
          },
        ],
      };
      const mappings = user.attributeMappings!;
      const title = mappings.find((m) => m.targetAttributeName === "title")!;
      title.source = { expression: 'Join(" - ", [jobTitle], [department])', name: "Join", type: "Function" };
      mappings.push({
        targetAttributeName: OFFICE,
        source: { name: "physicalDeliveryOfficeName", type: "Attribute" },
      });
      user.attributeMappings = mappings.filter(
        (m) => m.targetAttributeName !== 'phoneNumbers[type eq "mobile"].value',
      );
      const target = schema.directories!.find((d) => d.name === "customappsso")!;
      target.objects!.find((o) => o.name === SCIM_USER)!.attributes!.push({ name: OFFICE, type: "String" });
      const put = await raw.call("PUT", schemaPath(), schema);
      expect(put.status, put.text).to.equal(204);
      versionAfterEdit = (await raw.call<SynchronizationSchema>("GET", schemaPath())).body.version!;

      const json = await exportCli(["schema", "export", ids.servicePrincipalId, ids.jobId, "--json"]);
      expect(json.stderr).to.equal("");
      expect(json.code).to.equal(0);
      expect(JSON.parse(json.stdout)).to.deep.equal({
        ...ids,
        objectMappings: [
          {
            sourceObjectName: "User",
            scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]],
            attributeMappings: {
              title: 'Join(" - ", [jobTitle], [department])',
              [OFFICE]: "[physicalDeliveryOfficeName]",
              'phoneNumbers[type eq "mobile"].value': null,
            },
          },
        ],
        targetAttributes: [{ object: SCIM_USER, name: OFFICE, type: "String" }],
      });

      const ts = await exportCli(["schema", "export", ids.servicePrincipalId, ids.jobId]);
      expect(ts.code).to.equal(0);
      expect(ts.stdout).to.contain('new ProvisioningSchema("schema", {');
      // Inside the repository (the program imports the package by name), in a git-ignored directory.
      const local = path.join(EXAMPLES, EXAMPLE, ".pulumi-local");
      fs.mkdirSync(local, { recursive: true });
      exportedProgram = path.join(fs.mkdtempSync(path.join(local, "export-")), "index.ts");
      fs.writeFileSync(exportedProgram, ts.stdout);
    });

    it("should preview the printed program with no write, and up it with no PUT and the schema unchanged", async () => {
      const program = new LocalStack({
        stack: "local",
        projectDir: path.join(EXAMPLES, EXAMPLE),
        program: exportedProgram,
        stateFile: path.join(dir, "mappings-from-portal.exported.json"),
        passphrase: PASSPHRASE,
        config: {
          "graphProvisioning:graphEndpoint": emulator.graphEndpoint,
          "graphProvisioning:authorityHost": emulator.authorityHost,
          "graphProvisioning:caFile": emulator.caFile,
        },
      });
      const expected = [
        ["preview", "create"],
        ["up", "create"],
        ["preview", "same"],
      ] as const;
      for (const [op, stepOp] of expected) {
        emulator.clearRequestLog();
        const r = await program[op]();
        output += `${formatRunResult(r)}\n${JSON.stringify(r)}\n`;
        expect(r.errors, formatRunResult(r)).to.deep.equal([]);
        expect(customOps(r), op).to.deep.equal([stepOp]);
        const log = emulator.requestLog();
        expect(puts(log), op).to.deep.equal([]);
        if (op === "preview") expect(writes(log), op).to.deep.equal([]);
        if (stepOp === "same") expect(log, "a preview with no change calls nothing").to.deep.equal([]);
      }
      expect((await raw.call<SynchronizationSchema>("GET", schemaPath())).body.version).to.equal(
        versionAfterEdit,
      );
    });

    it("should do the same with the committed index.ts (the printed program, ids from stack config)", async () => {
      const config = await readConfig(EXAMPLE, "local", PROJECT);
      expectEmulatorStackFile(config, stackFile(EXAMPLE, "local"), ["graphProvisioning:clientSecret"]);
      const extra = {
        [`${PROJECT}:servicePrincipalId`]: ids.servicePrincipalId,
        [`${PROJECT}:jobId`]: ids.jobId,
      };
      const preview = await run(EXAMPLE, "local", "preview", extra);
      expect(customOps(preview.r)).to.deep.equal(["create"]);
      expect(writes(preview.log)).to.deep.equal([]);
      const up = await run(EXAMPLE, "local", "up", extra);
      expect(customOps(up.r)).to.deep.equal(["create"]);
      expect(puts(up.log)).to.deep.equal([]);
      expect(up.r.outputs.lastChange).to.equal(null);
      const again = await run(EXAMPLE, "local", "preview", extra);
      expect(customOps(again.r)).to.deep.equal(["same"]);
      expect(again.log).to.deep.equal([]);
      expect((await raw.call<SynchronizationSchema>("GET", schemaPath())).body.version).to.equal(
        versionAfterEdit,
      );
    });
  });

  describe("fleet: one AWS app per account listed in config (Pulumi.local.yaml)", () => {
    const EXAMPLE = "fleet";
    const PROJECT = "graph-provisioning-fleet";
    let accounts: string[];
    let credentials: Record<string, { clientSecret: string; secretToken: string }>;
    const awsApps = () => activeApps().filter((a) => a.applicationTemplateId === AWS_TEMPLATE_ID);

    it("should list the accounts in plain config and their credentials as secure values", async () => {
      const config = await readConfig(EXAMPLE, "local", PROJECT);
      expectEmulatorStackFile(config, stackFile(EXAMPLE, "local"), [
        "graphProvisioning:clientSecret",
        `${PROJECT}:credentials`,
      ]);
      accounts = JSON.parse(config[`${PROJECT}:accounts`].value) as string[];
      credentials = JSON.parse(config[`${PROJECT}:credentials`].value) as typeof credentials;
      expect(accounts).to.have.length(3);
      expect(Object.keys(credentials).sort()).to.deep.equal([...accounts].sort());
      // The same emulator default tenant as the other examples and Pulumi.local.yaml at the root.
      const scim = configs["scim-app/local"];
      for (const key of ["tenantId", "clientId", "clientSecret"]) {
        expect(config[`graphProvisioning:${key}`].value).to.equal(scim[`graphProvisioning:${key}`].value);
      }
    });

    it("should reject a malformed or duplicated account list in a preview, naming the key", async () => {
      const preview = async (accountsJson: string) => {
        emulator.clearRequestLog();
        const r = await stack(EXAMPLE, "local", { accounts: accountsJson }).preview();
        output += `${formatRunResult(r)}\n${JSON.stringify(r)}\n`;
        expect(writes(emulator.requestLog())).to.deep.equal([]);
        expect(r.ok).to.equal(false);
        return r.errors.map((e) => e.message).join("\n");
      };
      expect(await preview(JSON.stringify(["12345"]))).to.include(
        'config "accounts" must be a list of 12-digit AWS account ids',
      );
      expect(await preview(JSON.stringify([accounts[0], accounts[0]]))).to.include(
        `config "accounts" lists "${accounts[0]}" twice`,
      );
    });

    const MISSING = "999999999999";
    const withMissing = () => ({ accounts: JSON.stringify([accounts[0], MISSING]) });
    const stepNames = (r: RunResult) => r.steps.filter((s) => s.custom).map((s) => [s.name, s.op]);
    const expectNamesMissingAccountOnly = (r: RunResult) => {
      expect(r.ok).to.equal(false);
      const messages = r.errors.map((e) => e.message).join("\n");
      expect(messages).to.include(`config "credentials" has no entry for account "${MISSING}"`);
      for (const secret of secrets) expect(messages).to.not.include(secret);
    };
    /** What does not wait on the missing credentials goes ahead, as under the real engine. */
    const expectedSteps = (op: StepOp) => [
      ...["app", "job", "secrets", "start"].map((s) => [`aws-${accounts[0]}-${s}`, op]),
      ...["app", "job"].map((s) => [`aws-${MISSING}-${s}`, op]),
    ];

    it("should fail a preview naming the account, with no secret in the message and no host left running", async () => {
      emulator.clearRequestLog();
      const r = await stack(EXAMPLE, "local", withMissing()).preview();
      output += `${formatRunResult(r)}\n${JSON.stringify(r)}\n`;
      expectNamesMissingAccountOnly(r);
      expect(stepNames(r)).to.have.deep.members(expectedSteps("create"));
      expect(writes(emulator.requestLog())).to.deep.equal([]);
      expect(fs.existsSync(stateFile(EXAMPLE, "local"))).to.equal(false);
      expectNoHostLeft(r);
    }).timeout(60_000); // a hang fails here instead of blocking the suite for its 180 s

    it("should fail an up the same way, keeping what it created in state for destroy to remove", async () => {
      // Its own state file, so the stack of the other tests stays empty.
      const partial = new LocalStack({
        stack: "local",
        projectDir: path.join(EXAMPLES, EXAMPLE),
        stateFile: path.join(dir, "fleet.missing-account.json"),
        passphrase: PASSPHRASE,
        config: {
          "graphProvisioning:graphEndpoint": emulator.graphEndpoint,
          "graphProvisioning:authorityHost": emulator.authorityHost,
          "graphProvisioning:caFile": emulator.caFile,
          ...withMissing(),
        },
      });
      const r = await partial.up();
      output += `${formatRunResult(r)}\n${JSON.stringify(r)}\n`;
      stateTexts.push(fs.readFileSync(partial.stateFilePath, "utf8"));
      expectNamesMissingAccountOnly(r);
      expect(stepNames(r)).to.have.deep.members(expectedSteps("create"));
      expectNoHostLeft(r);
      // Everything made in Graph is recorded: nothing half-applied behind the state's back.
      const recorded = (await partial.state()).resources.filter((x) => x.custom);
      expect(recorded.map((x) => x.name)).to.have.members(expectedSteps("create").map(([n]) => n));
      expect(
        awsApps()
          .map((a) => a.displayName)
          .sort(),
      ).to.deep.equal([`AWS ${accounts[0]}`, `AWS ${MISSING}`]);
      expect(emulator.state().jobs).to.have.length(2);

      const destroyed = await partial.destroy();
      output += `${formatRunResult(destroyed)}\n${JSON.stringify(destroyed)}\n`;
      expect(destroyed.errors, formatRunResult(destroyed)).to.deep.equal([]);
      expect((await partial.state()).resources).to.deep.equal([]);
      expectEmpty();
      expectNoHostLeft(destroyed);
    }).timeout(60_000); // a hang fails here instead of blocking the suite for its 180 s

    it("should plan four creates per account in a preview, with no write to Graph", async () => {
      const { r, log } = await run(EXAMPLE, "local", "preview");
      const n = accounts.length;
      expect(typeCounts(r.steps)).to.deep.equal({
        GalleryApp: n,
        ProvisioningJob: n,
        ProvisioningSecrets: n,
        JobStart: n,
      });
      expect(r.counts.create).to.equal(r.steps.length);
      expect(writes(log)).to.deep.equal([]);
    });

    it("should create exactly one started app per account, each with that account's credentials", async () => {
      const { r } = await run(EXAMPLE, "local", "up");
      expect(r.counts.create).to.equal(r.steps.length);
      expect(r.outputs.appCount).to.equal(accounts.length);
      expect(
        awsApps()
          .map((a) => a.displayName)
          .sort(),
      ).to.deep.equal(accounts.map((a) => `AWS ${a}`).sort());
      const fleet = r.outputs.fleet as Record<string, { servicePrincipalId: string; jobId: string }>;
      expect(Object.keys(fleet).sort()).to.deep.equal([...accounts].sort());
      const state = emulator.state();
      expect(state.jobs).to.have.length(accounts.length);
      for (const account of accounts) {
        const { servicePrincipalId, jobId } = fleet[account];
        const sp = state.servicePrincipals.find((s) => s.id === servicePrincipalId);
        expect(sp?.displayName).to.equal(`AWS ${account}`);
        const job = state.jobs.find((j) => j.id === jobId);
        expect([job?.servicePrincipalId, job?.templateId, job?.schedule?.state]).to.deep.equal([
          servicePrincipalId,
          "aws",
          "Active",
        ]);
        const saved = state.secrets.filter((s) => s.servicePrincipalId === servicePrincipalId);
        expect(saved.map((s) => [s.key, s.digest]).sort()).to.deep.equal([
          ["ClientSecret", sha256(credentials[account].clientSecret)],
          ["SecretToken", sha256(credentials[account].secretToken)],
        ]);
      }
    });

    it("should plan nothing and call nothing in a second preview", async () => {
      const { r, log } = await run(EXAMPLE, "local", "preview");
      expect(r.counts.same).to.equal(r.steps.length);
      expect(log).to.deep.equal([]);
    });

    it("should delete only the app of an account dropped from the list", async () => {
      const kept = accounts.slice(0, -1);
      const dropped = accounts[accounts.length - 1];
      const { r, log } = await run(EXAMPLE, "local", "up", { accounts: JSON.stringify(kept) });
      expect(typeCounts(r.steps.filter((s) => s.op === "delete"))).to.deep.equal({
        GalleryApp: 1,
        ProvisioningJob: 1,
        ProvisioningSecrets: 1,
        JobStart: 1,
      });
      expect(
        r.steps.filter((s) => s.op === "delete").every((s) => s.urn.includes(`aws-${dropped}`)),
      ).to.equal(true);
      expect(r.counts).to.include({ create: 0, update: 0, replace: 0 });
      expect(r.outputs.appCount).to.equal(kept.length);
      expect(
        awsApps()
          .map((a) => a.displayName)
          .sort(),
      ).to.deep.equal(kept.map((a) => `AWS ${a}`).sort());
      // Graph writes went to the dropped account's objects only.
      const keptSps = emulator
        .state()
        .servicePrincipals.filter((s) => !s.deletedDateTime)
        .map((s) => String(s.id));
      for (const w of writes(log)) for (const sp of keptSps) expect(w.path).to.not.include(sp);
    });

    it("should leave nothing active after destroy", async () => {
      const { r } = await run(EXAMPLE, "local", "destroy");
      expect(r.counts.delete).to.equal(r.steps.length);
      expectEmpty();
    });
  });

  describe("per-tenant: one program, Pulumi.contoso.yaml and Pulumi.fabrikam.yaml (two emulator tenants)", () => {
    const EXAMPLE = "per-tenant";
    const PROJECT = "graph-provisioning-per-tenant";
    const STACKS = ["contoso", "fabrikam"];
    const tenantOf = (name: string) => configs[`${EXAMPLE}/${name}`]["graphProvisioning:tenantId"].value;

    it("should hold each tenant's connection and secrets, matching the emulator command in the README", async () => {
      const documented = documentedTenants(path.join(EXAMPLES, EXAMPLE, "README.md"));
      expect(documented).to.have.length(2);
      for (const [i, name] of STACKS.entries()) {
        const config = await readConfig(EXAMPLE, name, PROJECT);
        expectEmulatorStackFile(config, stackFile(EXAMPLE, name), [
          "graphProvisioning:clientSecret",
          `${PROJECT}:serviceNowPassword`,
        ]);
        expect({
          tenantId: config["graphProvisioning:tenantId"].value,
          clientId: config["graphProvisioning:clientId"].value,
          clientSecret: config["graphProvisioning:clientSecret"].value,
        }).to.deep.equal(documented[i]);
      }
      expect(tenantOf("contoso")).to.not.equal(tenantOf("fabrikam"));
      expect(tenantOf("contoso")).to.not.equal(emulator.tenantId);
    });

    it("should plan four creates per stack in a preview, with no write to Graph", async () => {
      for (const name of STACKS) {
        const { r, log } = await run(EXAMPLE, name, "preview");
        expect(customOps(r)).to.deep.equal(["create", "create", "create", "create"]);
        expect(writes(log)).to.deep.equal([]);
        expect(r.outputs.tenant).to.equal(tenantOf(name));
      }
    });

    it("should deploy each stack into its own tenant only, with its own credentials", async () => {
      for (const name of STACKS) {
        const { r, log } = await run(EXAMPLE, name, "up");
        expect(customOps(r)).to.deep.equal(["create", "create", "create", "create"]);
        const config = configs[`${EXAMPLE}/${name}`];
        // Every token and Graph request of this stack was for its own tenant, by its own client.
        expect(log.length).to.be.greaterThan(0);
        expect(tenantsIn(log)).to.deep.equal([tenantOf(name)]);
        expect([...new Set(log.map((e) => e.clientId).filter(Boolean))]).to.deep.equal([
          config["graphProvisioning:clientId"].value,
        ]);
        expect(r.outputs.tenant).to.equal(tenantOf(name));
        const state = emulator.state(tenantOf(name));
        expect(activeApps(tenantOf(name)).map((a) => [a.displayName, a.applicationTemplateId])).to.deep.equal(
          [[`ServiceNow (${name})`, SERVICENOW_TEMPLATE_ID]],
        );
        expect(state.jobs.map((j) => [j.id, j.templateId, j.schedule?.state])).to.deep.equal([
          [r.outputs.jobId, "ServiceNowOutDelta", "Active"],
        ]);
        expect(
          state.secrets
            .filter((s) => s.servicePrincipalId === r.outputs.servicePrincipalId)
            .map((s) => [s.key, s.digest])
            .sort(),
        ).to.deep.equal([
          ["InstanceName", sha256(config[`${PROJECT}:serviceNowInstance`].value)],
          ["Password", sha256(config[`${PROJECT}:serviceNowPassword`].value)],
          ["UserName", sha256(config[`${PROJECT}:serviceNowUser`].value)],
        ]);
      }
      // Nothing crossed over: each tenant holds its own app only, and the default tenant none.
      expect(activeApps()).to.deep.equal([]);
      for (const name of STACKS) expect(activeApps(tenantOf(name))).to.have.length(1);
    });

    it("should plan nothing and call nothing in a second preview of either stack", async () => {
      for (const name of STACKS) {
        const { r, log } = await run(EXAMPLE, name, "preview");
        expect(r.counts.same).to.equal(r.steps.length);
        expect(log).to.deep.equal([]);
      }
    });

    it("should empty each tenant on its own destroy, leaving the other alone until its turn", async () => {
      const [first, second] = STACKS;
      const secondBefore = JSON.stringify(emulator.state(tenantOf(second)).applications);
      const { r, log } = await run(EXAMPLE, first, "destroy");
      expect(r.counts.delete).to.equal(r.steps.length);
      expect(tenantsIn(log)).to.deep.equal([tenantOf(first)]);
      expectEmpty(tenantOf(first));
      expect(JSON.stringify(emulator.state(tenantOf(second)).applications)).to.equal(secondBefore);
      await run(EXAMPLE, second, "destroy");
      expectEmpty(tenantOf(second));
    });
  });

  // Last: after every example ran (a suite's own tests would run before its nested suites).
  describe("secrets", () => {
    it("should keep every secure value out of the saved states and the output", () => {
      // Emulator client secrets (3) plus each example's own secure values.
      expect(secrets.size).to.be.greaterThan(10);
      expect(stateTexts.length).to.be.greaterThan(6);
      expect(stateTexts.join("\n")).to.include('"ciphertext": "v1:');
      for (const secret of secrets) {
        stateTexts.forEach((text, i) => expect(text, `state file #${i + 1}`).to.not.include(secret));
        expect(output, "run output").to.not.include(secret);
      }
    });
  });
});
