/**
 * `npm run demo`: the quickstart (root Pulumi.yaml, `examples/quickstart/`) run end to end with no
 * Pulumi CLI and no tenant. Starts the Graph emulator in this process, then runs the stack `local`
 * (Pulumi.local.yaml: its credentials and secure values) through preview → up → status (job status
 * and a few provisioning-log lines) → a change (the app's display name): preview, then up → destroy,
 * printing each plan and summary as Pulumi would, and checks the tenant is empty afterwards.
 * Exits 0 when every step succeeded, 1 with the reason otherwise.
 *
 * The emulator listens on a free port with a temporary certificate (so a running
 * `graph-provisioning-emulator --port 8443` is not disturbed): the demo overrides the stack file's
 * `graphEndpoint`, `authorityHost` and `caFile` with the emulator's. The state goes to a fresh
 * temporary directory, removed at the end, so every run starts from an empty stack.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type EmulatorHandle } from "../emulator";
import type { ConnectionInput } from "../provider/graph/connection";
import { getProvisioningJobStatus, listProvisioningEvents } from "../provider/monitoring";
import type { ProvisioningJobStatus } from "../provider/monitoring";
import { emulatorConnection } from "./emulatorConnection";
import { LocalStack, formatRunResult, type RunResult } from "./programRunner";
import { isSecretValue } from "./propertyValues";
import { readProject, readStackConfig, stackConfigPath } from "./stackConfig";

/** Stack whose config file (`Pulumi.local.yaml`) the demo uses. */
export const DEMO_STACK = "local";
/**
 * Passphrase of `Pulumi.local.yaml`'s secure values and of the demo's throwaway state. Documented
 * and committed on purpose: those values only ever work against the emulator.
 */
export const LOCAL_STACK_PASSPHRASE = "local-emulator";
/** Display names before and after the demo's change. */
export const DEMO_DISPLAY_NAMES = { initial: "AWS Contoso (demo)", renamed: "AWS Fabrikam (demo)" } as const;
/** How long the status step waits for the first simulated synchronization cycle, in milliseconds. */
const FIRST_CYCLE_TIMEOUT_MS = 15_000;

/** Thrown for a failed step; the demo prints its message and exits 1. */
class DemoStepError extends Error {}

function banner(title: string): void {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 72 - title.length))}`);
}

/** Prints a run like Pulumi; throws when it failed, naming the step. */
function show(step: string, result: RunResult): RunResult {
  console.log(formatRunResult(result));
  if (!result.ok) {
    throw new DemoStepError(`${step} failed: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  return result;
}

/** Runs the demo; resolves to the process exit code. */
export async function runDemo(projectDir = path.resolve(__dirname, "..", "..")): Promise<number> {
  const project = readProject(projectDir);
  const stackFile = stackConfigPath(projectDir, DEMO_STACK);
  const fileConfig = (await readStackConfig(stackFile, project.name, { passphrase: LOCAL_STACK_PASSPHRASE }))
    .config;
  const setting = (key: string): string => {
    const entry = fileConfig[`graphProvisioning:${key}`];
    if (!entry) throw new DemoStepError(`${stackFile}: graphProvisioning:${key} is missing`);
    return entry.value;
  };
  // The emulator accepts the stack file's tenant, client and secret, so the file works unchanged.
  const emulator = await startEmulator({
    tenantId: setting("tenantId"),
    clientId: setting("clientId"),
    clientSecret: setting("clientSecret"),
  });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-provisioning-demo-"));
  try {
    const stackFor = (displayName: string) =>
      new LocalStack({
        stack: DEMO_STACK,
        projectDir,
        stackConfigFile: stackFile,
        config: {
          "graphProvisioning:graphEndpoint": emulator.graphEndpoint,
          "graphProvisioning:authorityHost": emulator.authorityHost,
          "graphProvisioning:caFile": emulator.caFile,
          displayName,
        },
        stateFile: path.join(stateDir, `${DEMO_STACK}.json`),
        passphrase: LOCAL_STACK_PASSPHRASE,
      });
    console.log(`Graph emulator: ${emulator.graphEndpoint} (tenant ${emulator.tenantId})`);
    console.log(
      `Program: ${path.relative(projectDir, project.main) || "."}   Stack: ${DEMO_STACK} (${path.basename(stackFile)})`,
    );

    banner("pulumi preview");
    show("preview", await stackFor(DEMO_DISPLAY_NAMES.initial).preview());

    banner("pulumi up");
    const stack = stackFor(DEMO_DISPLAY_NAMES.initial);
    show("up", await stack.up());

    banner("status (graph-provisioning status / logs)");
    // The emulator was started with the stack file's credentials, so this is the stack's connection.
    await printStatus(stack, emulatorConnection(emulator));

    // The rename plans one in-place update: the app's ids are part of its resource id, which the
    // engine keeps in an update preview, so the job, secrets and start depending on them stay put.
    banner(`change: pulumi config set displayName "${DEMO_DISPLAY_NAMES.renamed}"; pulumi preview`);
    const renamed = stackFor(DEMO_DISPLAY_NAMES.renamed);
    show("preview of the change", await renamed.preview());

    banner("pulumi up");
    show("up of the change", await renamed.up());

    banner("pulumi destroy");
    show("destroy", await stackFor(DEMO_DISPLAY_NAMES.renamed).destroy());
    printTenantAfterDestroy(emulator);
  } finally {
    await emulator.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  console.log("\nDemo finished: every step succeeded.");
  return 0;
}

/** The plain value of a state output (secret wrappers unwrapped). */
function plainOutput(outputs: Record<string, unknown>, key: string): unknown {
  const v = outputs[key];
  return isSecretValue(v) ? v.value : v;
}

/**
 * Step 5 of Microsoft's flow: prints the job status once its first cycle ran, and up to five
 * provisioning-log lines, through the monitoring helpers. Throws unless the job is Active.
 */
async function printStatus(stack: LocalStack, connection: ConnectionInput): Promise<void> {
  const job = (await stack.state()).resources.find((r) => r.type.endsWith(":ProvisioningJob"));
  const spId = job && plainOutput(job.outputs, "servicePrincipalId");
  const jobId = job && plainOutput(job.outputs, "jobId");
  if (typeof spId !== "string" || typeof jobId !== "string") {
    throw new DemoStepError(
      "status: no ProvisioningJob with servicePrincipalId and jobId in the stack state",
    );
  }
  let status: ProvisioningJobStatus;
  const deadline = Date.now() + FIRST_CYCLE_TIMEOUT_MS;
  // Starting a job schedules its first cycle; wait for it so that there is a run and log lines to show.
  for (;;) {
    status = await getProvisioningJobStatus({ servicePrincipalId: spId, jobId, connection });
    if (status.lastExecution || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(`job ${jobId}`);
  console.log(
    `  status: ${status.statusCode}   schedule: ${status.scheduleState}, every ${status.scheduleInterval}`,
  );
  const run = status.lastExecution;
  if (run) {
    console.log(
      `  last run: ${run.state}, ${run.timeBegan} → ${run.timeEnded}, imported ${run.countImported}, exported ${run.countExported}, escrowed ${run.countEscrowed}`,
    );
  }
  console.log("  provisioning log (latest 5):");
  let lines = 0;
  for await (const e of listProvisioningEvents({ servicePrincipalId: spId, jobId, limit: 5, connection })) {
    const target = (e.targetIdentity as { displayName?: string } | null)?.displayName ?? "";
    console.log(
      `    ${e.activityDateTime}  ${String(e.provisioningAction).padEnd(8)} ${String(e.provisioningStatusInfo?.status ?? "").padEnd(8)} ${target}`,
    );
    lines++;
  }
  if (lines === 0) console.log("    (none yet: the first cycle has not ended)");
  if (status.statusCode !== "Active" || status.scheduleState !== "Active") {
    throw new DemoStepError(
      `status: expected the job to be Active, got status ${status.statusCode}, schedule ${status.scheduleState}`,
    );
  }
}

/** Prints what is left in the tenant; throws if an active application, SP, job or secret remains. */
function printTenantAfterDestroy(emulator: EmulatorHandle): void {
  const t = emulator.state();
  const active = (objects: Record<string, unknown>[]) => objects.filter((o) => !o.deletedDateTime);
  const apps = active(t.applications).length;
  const sps = active(t.servicePrincipals).length;
  const softDeleted = t.applications.length - apps;
  const secrets = t.secrets.filter((s) => s.value !== "").length;
  console.log(
    `\nTenant after destroy: ${apps} applications, ${sps} service principals, ${t.jobs.length} jobs, ` +
      `${secrets} saved secrets (${softDeleted} application soft-deleted, as Graph keeps them 30 days)`,
  );
  if (apps + sps + t.jobs.length + secrets > 0) {
    throw new DemoStepError("destroy left objects in the tenant");
  }
}

if (require.main === module) {
  // Optional argument: another project directory holding Pulumi.yaml and Pulumi.local.yaml.
  const projectDir = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  runDemo(projectDir).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`\nDemo failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
