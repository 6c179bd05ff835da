/**
 * The `graph-provisioning` command line: commands, flags, help, and how outcomes map to exit codes.
 */
import { Command, CommanderError, Option } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { API_VERSIONS } from "../provider/graph/connection";
import { PROVISIONING_EVENT_STATUSES } from "../provider/monitoring/provisioningEvents";
import type { CliContext, CommonFlags } from "./cliContext";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, errorLine } from "./cliErrors";
import {
  DEFAULT_FOLLOW_INTERVAL_SECONDS,
  DEFAULT_LOGS_LIMIT,
  DEFAULT_LOGS_SINCE,
  runLogs,
} from "./logsCommand";
import type { LogsFlags } from "./logsCommand";
import { runProvision } from "./provisionCommand";
import type { ProvisionFlags } from "./provisionCommand";
import { runSchemaExport, runSchemaShow } from "./schemaCommand";
import { runStatus } from "./statusCommand";
import { runTemplates } from "./templatesCommand";
import type { TemplatesFlags } from "./templatesCommand";
import {
  DEFAULT_WAIT_INTERVAL_SECONDS,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  WAIT_TARGETS,
  runWait,
} from "./waitCommand";
import type { WaitFlags } from "./waitCommand";

const ENVIRONMENT_HELP = `
Connection (flags win over the environment):
  --tenant-id       AZURE_TENANT_ID
  --client-id       AZURE_CLIENT_ID
  (no flag)         AZURE_CLIENT_SECRET   client secret; without one, DefaultAzureCredential is used
                                          (Azure CLI login, managed identity, workload identity)
  --authority-host  AZURE_AUTHORITY_HOST  default https://login.microsoftonline.com
  --graph-endpoint  GRAPH_PROVISIONING_ENDPOINT  default https://graph.microsoft.com
  --ca-file         GRAPH_PROVISIONING_CA_FILE, then NODE_EXTRA_CA_CERTS
  --api-version     v1.0 (default) or beta
  --proxy           GRAPH_PROVISIONING_PROXY, else HTTPS_PROXY (then ALL_PROXY) for hosts not in
                                          NO_PROXY; "direct" for none. Token and Graph calls alike.

The client secret is read only from AZURE_CLIENT_SECRET, never from a flag: command-line arguments
are visible to other users in the process list and are kept in shell history.
Pulumi's encrypted stack config cannot be read outside Pulumi, so the CLI does not read it.

Permissions: templates needs any Graph token; status, wait and schema need Synchronization.Read.All
(or Application.ReadWrite.OwnedBy on an owned app); provision needs Synchronization.ReadWrite.All (or
Application.ReadWrite.OwnedBy); logs needs AuditLog.Read.All and Directory.Read.All.

Exit codes: 0 success, 1 failure (Graph error, quarantine, timeout), 2 usage error.
With --json, stdout carries only JSON; progress and errors go to stderr.
`;

/** The package version, read from the package.json above this file (in source or in dist/). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-graph-provisioning") return pkg.version ?? "0.0.0";
    }
    if (path.dirname(dir) === dir) return "0.0.0";
  }
}

function globalFlags<T extends CommonFlags>(command: Command): T {
  return command.optsWithGlobals() as T;
}

/** Builds the commander program; outcomes are thrown (see {@link runCli}). */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("graph-provisioning")
    .description(
      "Watch Microsoft Entra app provisioning: gallery templates, synchronization job status, " +
        "provisioning logs, waiting for a job to start or finish its first cycle, provisioning users " +
        "or groups on demand, and a job's attribute mappings and scoping filters as code.",
    )
    .version(packageVersion())
    .option("--json", "print only JSON on stdout (for scripts)")
    .option("--tenant-id <id>", "Entra tenant id (env AZURE_TENANT_ID)")
    .option("--client-id <id>", "application (client) id (env AZURE_CLIENT_ID)")
    .option("--graph-endpoint <url>", "Graph base URL without version (env GRAPH_PROVISIONING_ENDPOINT)")
    .option("--authority-host <url>", "Entra authority, https (env AZURE_AUTHORITY_HOST)")
    .option("--ca-file <path>", "extra CA certificate (PEM) to trust, e.g. the emulator's caFile")
    .addOption(new Option("--api-version <version>", "Graph API version").choices([...API_VERSIONS]))
    .option(
      "--proxy <url>",
      'HTTPS proxy for token and Graph calls, or "direct" (env GRAPH_PROVISIONING_PROXY)',
    )
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => ctx.stdout(text),
      writeErr: (text) => ctx.stderr(text),
    })
    .exitOverride()
    .addHelpText("after", ENVIRONMENT_HELP);

  program
    .command("templates")
    .description("list gallery application templates with their ids and whether they support provisioning")
    .argument("[search]", "part of the display name (or a template id)")
    .option("--provisioning", "only templates that support automatic provisioning")
    .action(async (search: string | undefined, _opts: unknown, command: Command) => {
      await runTemplates(ctx, search, globalFlags<TemplatesFlags>(command));
    });

  program
    .command("status")
    .description("show a synchronization job's status, schedule, last run, quarantine and progress")
    .argument("<spId>", "service principal object id")
    .argument("<jobId>", "synchronization job id")
    .action(async (spId: string, jobId: string, _opts: unknown, command: Command) => {
      await runStatus(ctx, spId, jobId, globalFlags<CommonFlags>(command));
    });

  program
    .command("logs")
    .description("list provisioning log entries (5 requests per 10 s, Graph's limit for this endpoint)")
    .option("--sp <spId>", "only this service principal")
    .option("--job <jobId>", "only this synchronization job")
    .option("--since <time>", `ISO 8601 time or a duration ago (30m, 1h, 2d); default ${DEFAULT_LOGS_SINCE}`)
    .option("--until <time>", "ISO 8601 time or a duration ago")
    .addOption(
      new Option("--status <status>", "only entries with this status").choices([
        ...PROVISIONING_EVENT_STATUSES,
      ]),
    )
    .option("--limit <n>", `print at most n entries; default ${DEFAULT_LOGS_LIMIT}`)
    .option(
      "--follow",
      "keep polling and print new entries as they appear (Ctrl-C stops; JSON lines with --json)",
    )
    .option(
      "--interval <seconds>",
      `seconds between polls with --follow; default ${DEFAULT_FOLLOW_INTERVAL_SECONDS}`,
    )
    .action(async (_opts: unknown, command: Command) => {
      await runLogs(ctx, globalFlags<LogsFlags>(command));
    });

  program
    .command("wait")
    .description(
      "wait until a job is started or its first cycle ended, showing progress; reports a quarantine",
    )
    .argument("<spId>", "service principal object id")
    .argument("<jobId>", "synchronization job id")
    .addOption(
      new Option(
        "--until <state>",
        "started: schedule Active and status past NotConfigured; firstCycle: a run ended",
      )
        .choices([...WAIT_TARGETS])
        .makeOptionMandatory(),
    )
    .option("--timeout <seconds>", `give up after this long; default ${DEFAULT_WAIT_TIMEOUT_SECONDS}`)
    .option("--interval <seconds>", `seconds between polls; default ${DEFAULT_WAIT_INTERVAL_SECONDS}`)
    .option(
      "--since <time>",
      "firstCycle: only a run that ended at or after this time counts (ISO 8601 or a duration ago, e.g. " +
        "10m; pass when the job was started); default: a run that ends after this command started",
    )
    .action(async (spId: string, jobId: string, _opts: unknown, command: Command) => {
      await runWait(ctx, spId, jobId, globalFlags<WaitFlags>(command));
    });

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  program
    .command("provision")
    .description(
      "provision users or groups now (provision on demand, 5 requests per 10 s) and show Graph's steps",
    )
    .argument("<spId>", "service principal object id")
    .argument("<jobId>", "synchronization job id")
    .option("--user <id>", "a user's object id (repeatable)", collect)
    .option("--group <id>", "a group's object id (repeatable)", collect)
    .option("--rule <ruleId>", "synchronization rule; default: the job's rule for provision on demand")
    .action(async (spId: string, jobId: string, _opts: unknown, command: Command) => {
      await runProvision(ctx, spId, jobId, globalFlags<ProvisionFlags>(command));
    });

  const schema = program
    .command("schema")
    .description("a job's attribute mappings and scoping filters: show them, or export them as code");
  schema
    .command("show")
    .description("list the rules and object mappings of a job's schema (--json: the whole schema)")
    .argument("<spId>", "service principal object id")
    .argument("<jobId>", "synchronization job id")
    .action(async (spId: string, jobId: string, _opts: unknown, command: Command) => {
      await runSchemaShow(ctx, spId, jobId, globalFlags<CommonFlags>(command));
    });
  schema
    .command("export")
    .description(
      "print a ProvisioningSchema reproducing every difference between the job's schema and its " +
        "template's default (TypeScript; --json: the inputs)",
    )
    .argument("<spId>", "service principal object id")
    .argument("<jobId>", "synchronization job id")
    .action(async (spId: string, jobId: string, _opts: unknown, command: Command) => {
      await runSchemaExport(ctx, spId, jobId, globalFlags<CommonFlags>(command));
    });

  for (const command of [...program.commands, ...schema.commands]) {
    command.addHelpText(
      "after",
      "\nConnection environment variables and exit codes: graph-provisioning --help",
    );
  }
  return program;
}

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, then arguments) and returns the exit
 * code: 0 ok, 1 failure, 2 usage. Errors are printed as one `error: …` line on stderr, redacted.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message (or the help) already.
      if (
        error.exitCode === 0 ||
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version"
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    // DefaultAzureCredential's error lists every credential it tried; say first why it was used.
    const viaDefault =
      !ctx.env.AZURE_CLIENT_SECRET &&
      error instanceof Error &&
      /^(AggregateAuthenticationError|CredentialUnavailableError)$/.test(error.name)
        ? "no AZURE_CLIENT_SECRET is set, so DefaultAzureCredential was used and failed: "
        : "";
    ctx.stderr(`error: ${viaDefault}${errorLine(error, [ctx.env.AZURE_CLIENT_SECRET])}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}
