/**
 * The target of a resource (issue 10, item 4) through the REAL dynamic-provider host (LocalStack)
 * against an emulator serving two tenants: a change of tenant — in stack config or in the `connection`
 * input — is a replace in the preview; a credential-only change stays an update; the old half of a
 * replace is deleted with its own credentials, and with another tenant's credentials the delete is
 * refused naming both tenants and the resource stays in state. Needs the built package (dist/).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { GalleryApp } from "../../provider";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import type { ConfigInput } from "../../testing/stackConfig";
import { formatRunResult, LocalStack, type RunResult } from "../../testing/programRunner";
import { emulatorStackConfig } from "../helpers/emulator";
import { registerTestSecret } from "../helpers/outputSecretGuard";

const ROOT = path.resolve(__dirname, "..", "..");
const AWS_TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
const FABRIKAM = {
  tenantId: "0c1f9a4e-2b7d-4e3a-9f6c-8d5b4a3c2e10",
  clientId: "6d4c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
  clientSecret: "fabrikam-client-secret-Jw8Rt2Kp",
};
/** A second client of the default tenant: a credential rotation that stays in the tenant. */
const ROTATED = {
  clientId: "1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a0b",
  clientSecret: "rotated-client-secret-Hq4Vn7Zs",
};

const opOf = (r: RunResult, name: string) => r.steps.find((s) => s.name === name);
const liveApps = (emulator: EmulatorHandle, tenantId?: string) =>
  emulator.state(tenantId).applications.filter((a) => !a.deletedDateTime);

describe("resource targets through the engine harness @engine @emulator", function () {
  this.timeout(240_000);
  let emulator: EmulatorHandle;
  let dir: string;

  before(async () => {
    registerTestSecret("fabrikam client secret", FABRIKAM.clientSecret);
    registerTestSecret("rotated client secret", ROTATED.clientSecret);
    emulator = await startEmulator({ tenants: [FABRIKAM] });
    emulator.addTenant({ tenantId: emulator.tenantId, ...ROTATED });
  });
  after(async () => {
    await emulator?.stop();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-target-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stack = (config: Record<string, ConfigInput>, program: () => unknown) =>
    new LocalStack({
      stack: "target",
      projectDir: ROOT,
      projectName: "graph-provisioning-targets",
      stackConfigFile: path.join(dir, "Pulumi.target.yaml"),
      stateFile: path.join(dir, "state.json"),
      passphrase: "target-test",
      config,
      program,
    });

  it("should plan and make a replace when stack config moves the stack to another tenant, and refuse to delete the old app with the new tenant's credentials", async () => {
    const program = () => {
      new GalleryApp("app", { displayName: "Target by config", templateId: AWS_TEMPLATE_ID });
    };
    const contoso = emulatorStackConfig(emulator);
    const fabrikam = emulatorStackConfig(emulator, FABRIKAM);

    const up = await stack(contoso, program).up();
    expect(up.errors, formatRunResult(up)).to.deep.equal([]);
    const createdId = String(liveApps(emulator)[0]?.id);
    const recorded = (await stack(contoso, program).state()).resources.find((r) => r.name === "app");
    expect(recorded?.outputs.target).to.deep.equal({
      tenantId: emulator.tenantId,
      graphEndpoint: emulator.graphEndpoint,
      tid: emulator.tenantId,
    });

    const preview = await stack(fabrikam, program).preview();
    expect(preview.errors, formatRunResult(preview)).to.deep.equal([]);
    expect(opOf(preview, "app")).to.deep.include({ op: "replace", replaces: ["target"] });

    const moved = await stack(fabrikam, program).up();
    expect(liveApps(emulator, FABRIKAM.tenantId).map((a) => a.displayName)).to.deep.equal([
      "Target by config",
    ]);
    const refused = moved.errors.map((e) => e.message).join("\n");
    expect(refused, formatRunResult(moved)).to.contain(`refusing to act in tenant ${FABRIKAM.tenantId}`);
    expect(refused).to.contain(`created in tenant ${emulator.tenantId}`);
    // The old application is still there, and still in state, for a run with its tenant's credentials.
    expect(liveApps(emulator).map((a) => a.id)).to.deep.equal([createdId]);
    const kept = (await stack(fabrikam, program).state()).resources.filter((r) => r.name === "app");
    expect(kept.map((r) => r.id.split("/")[0]).sort()).to.include(createdId);
    expect(kept.find((r) => r.id.startsWith(createdId))?.pendingDelete).to.equal(true);

    // A refresh with the new tenant's credentials does not drop it either.
    const refresh = await stack(fabrikam, program).refresh();
    expect(refresh.errors.map((e) => e.message).join("\n")).to.contain(
      `created in tenant ${emulator.tenantId}`,
    );
    expect(
      (await stack(fabrikam, program).state()).resources.some((r) => r.id.startsWith(createdId)),
    ).to.equal(true);

    const destroy = await stack(fabrikam, program).destroy();
    expect(liveApps(emulator, FABRIKAM.tenantId)).to.deep.equal([]);
    expect(destroy.errors.map((e) => e.message).join("\n")).to.contain(
      `created in tenant ${emulator.tenantId}`,
    );
    expect(liveApps(emulator).map((a) => a.id)).to.deep.equal([createdId]);
    // With its own tenant's credentials, the old application is deleted at last.
    const cleanup = await stack(contoso, program).destroy();
    expect(cleanup.errors, formatRunResult(cleanup)).to.deep.equal([]);
    expect(liveApps(emulator)).to.deep.equal([]);
  });

  it("should keep a credential rotation an update and replace on a tenant change of the connection input", async () => {
    const connection = (c: { tenantId: string; clientId: string; clientSecret: string }) => ({
      tenantId: c.tenantId,
      clientId: c.clientId,
      clientSecret: pulumi.secret(c.clientSecret),
      authorityHost: emulator.authorityHost,
      graphEndpoint: emulator.graphEndpoint,
      caFile: emulator.caFile,
    });
    const program = (c: { tenantId: string; clientId: string; clientSecret: string }) => () => {
      new GalleryApp("app", {
        displayName: "Target by connection",
        templateId: AWS_TEMPLATE_ID,
        connection: connection(c),
      });
    };
    // Stack config points elsewhere on purpose: the connection input wins.
    const config = emulatorStackConfig(emulator, FABRIKAM);
    const contoso = {
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    };

    const up = await stack(config, program(contoso)).up();
    expect(up.errors, formatRunResult(up)).to.deep.equal([]);
    const [created] = liveApps(emulator);

    const rotated = { ...contoso, ...ROTATED };
    const preview = await stack(config, program(rotated)).preview();
    expect(opOf(preview, "app")?.op, formatRunResult(preview)).to.equal("update");
    const rotation = await stack(config, program(rotated)).up();
    expect(rotation.errors, formatRunResult(rotation)).to.deep.equal([]);
    expect(opOf(rotation, "app")?.op).to.equal("update");
    expect(liveApps(emulator).map((a) => a.id)).to.deep.equal([created.id]);

    const movedPreview = await stack(config, program(FABRIKAM)).preview();
    expect(opOf(movedPreview, "app")).to.deep.include({ op: "replace", replaces: ["target"] });
    const moved = await stack(config, program(FABRIKAM)).up();
    // The old half is deleted with the connection it was recorded with: its own tenant's.
    expect(moved.errors, formatRunResult(moved)).to.deep.equal([]);
    expect(liveApps(emulator)).to.deep.equal([]);
    expect(liveApps(emulator, FABRIKAM.tenantId)).to.have.length(1);

    const destroy = await stack(config, program(FABRIKAM)).destroy();
    expect(destroy.errors, formatRunResult(destroy)).to.deep.equal([]);
    expect(liveApps(emulator, FABRIKAM.tenantId)).to.deep.equal([]);
  });
});
