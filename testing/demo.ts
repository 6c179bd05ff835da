/**
 * `npm run demo`: the quickstart (root Pulumi.yaml, `examples/quickstart/`) run end to end with no
 * Pulumi CLI and no tenant: starts the Graph emulator, then preview → up → status (job status and a
 * few provisioning-log lines) → a change (the app's display name) → up → destroy, printing each plan
 * and summary as Pulumi would. Exits 0 when every step succeeded, 1 otherwise.
 *
 * The state goes to a fresh temporary directory, so the demo always starts from an empty stack.
 * Secrets in that state are encrypted under the demo passphrase `DEMO_PASSPHRASE` (not a secret).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type EmulatorInfo } from "../emulator";
import { getProvisioningJobStatus, listProvisioningEvents } from "../provider/monitoring";
import type { ConnectionInput } from "../provider/graph/connection";
import { LocalStack, formatRunResult, type RunResult } from "./programRunner";
import { readProject } from "./stackConfig";
import { isSecretValue } from "./propertyValues";

/** Passphrase of the demo's throwaway state (documented; protects nothing real). */
export const DEMO_PASSPHRASE = "graph-provisioning-demo";

/** The connection fields of the emulator's start line (design.md §6). */
type EmulatorConnection = Pick<
  EmulatorInfo,
  "graphEndpoint" | "authorityHost" | "tenantId" | "clientId" | "clientSecret" | "caFile"
>;

function banner(title: string): void {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);
}

function show(result: RunResult): boolean {
  console.log(formatRunResult(result));
  return result.ok;
}

async function main(): Promise<number> {
  const projectDir = path.resolve(__dirname, "..", "..");
  const project = readProject(projectDir);
  const emulator = await startEmulator({});
  const conn: EmulatorConnection = emulator;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-provisioning-demo-"));
  let ok = true;
  try {
    const baseConfig = {
      "graphProvisioning:tenantId": conn.tenantId,
      "graphProvisioning:clientId": conn.clientId,
      "graphProvisioning:clientSecret": { secure: conn.clientSecret },
      "graphProvisioning:authorityHost": conn.authorityHost,
      "graphProvisioning:graphEndpoint": conn.graphEndpoint,
      "graphProvisioning:caFile": conn.caFile,
    };
    const stackFor = (displayName: string) =>
      new LocalStack({
        stack: "demo",
        projectDir,
        // Config comes from here, not from a committed stack file: the emulator's values vary.
        stackConfigFile: path.join(stateDir, "Pulumi.demo.yaml"),
        config: { ...baseConfig, [`${project.name}:displayName`]: displayName },
        stateFile: path.join(stateDir, "demo.json"),
        passphrase: DEMO_PASSPHRASE,
      });
    console.log(`Graph emulator: ${conn.graphEndpoint} (tenant ${conn.tenantId}); program: ${project.main}`);

    banner("pulumi preview");
    ok = show(await stackFor("Demo AWS app").preview()) && ok;

    banner("pulumi up");
    const stack = stackFor("Demo AWS app");
    ok = show(await stack.up()) && ok;

    banner("status");
    ok = (await printStatus(stack, conn)) && ok;

    banner("change: rename the app, then pulumi up");
    ok = show(await stackFor("Demo AWS app (renamed)").up()) && ok;

    banner("pulumi destroy");
    ok = show(await stackFor("Demo AWS app (renamed)").destroy()) && ok;
  } finally {
    await emulator.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  console.log(ok ? "\nDemo finished: every step succeeded." : "\nDemo finished with errors (see above).");
  return ok ? 0 : 1;
}

/** Prints the job status and up to five provisioning-log lines, via the monitoring helpers. */
async function printStatus(stack: LocalStack, conn: EmulatorConnection): Promise<boolean> {
  const state = await stack.state();
  const plain = (v: unknown) => (isSecretValue(v) ? v.value : v);
  const job = state.resources.find((r) => r.type.endsWith(":ProvisioningJob"));
  const spId = job && plain(job.outputs.servicePrincipalId);
  const jobId = job && plain(job.outputs.jobId);
  if (typeof spId !== "string" || typeof jobId !== "string") {
    console.log("no ProvisioningJob in the stack state");
    return false;
  }
  const connection: ConnectionInput = {
    tenantId: conn.tenantId,
    clientId: conn.clientId,
    clientSecret: conn.clientSecret,
    authorityHost: conn.authorityHost,
    graphEndpoint: conn.graphEndpoint,
    caFile: conn.caFile,
  };
  const status = await getProvisioningJobStatus({ servicePrincipalId: spId, jobId, connection });
  console.log(`job ${jobId}`);
  console.log(
    `  status: ${status.statusCode}   schedule: ${status.scheduleState} every ${status.scheduleInterval}`,
  );
  if (status.lastExecution) console.log(`  last run: ${JSON.stringify(status.lastExecution)}`);
  let lines = 0;
  for await (const e of listProvisioningEvents({ servicePrincipalId: spId, limit: 5, connection })) {
    const target = (e.targetIdentity as { displayName?: string } | null)?.displayName ?? "";
    console.log(
      `  ${e.activityDateTime}  ${e.provisioningAction.padEnd(8)} ${e.provisioningStatusInfo?.status ?? ""}  ${target}`,
    );
    lines++;
  }
  if (lines === 0) console.log("  (no provisioning-log entries yet: the first cycle has not run)");
  return status.statusCode === "Active" || status.scheduleState === "Active";
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
