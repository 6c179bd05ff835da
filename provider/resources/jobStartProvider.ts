import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi, SynchronizationJob } from "../graph/types";
import type { ConnectionSettings } from "./connectionArgs";
import { failure, isNotFound, mayHaveBeenApplied, messageOf, ResourceInitError } from "./graphFailures";
import { describeQuarantine, isQuarantined, quarantineOf, type QuarantineOutput } from "./jobSummary";
import { changedProperties, sameValue } from "./propertyDiff";
import type { ProviderDeps } from "./providerDeps";
import { retryWhileReplicating } from "./replication";
import {
  array,
  checkInputs,
  connection,
  connectionFields,
  guid,
  type InputSpec,
  integer,
  oneOf,
  pathSegment,
  restartScope,
} from "./validation";

/** What JobStart waits for after starting the job. */
export type WaitFor = "none" | "started" | "firstCycle";

/** Plain inputs of JobStart (after check, defaults applied). */
export interface JobStartInputs {
  servicePrincipalId: string;
  jobId: string;
  triggers?: unknown[] | null;
  restartScope?: string;
  waitFor?: WaitFor;
  timeoutSeconds?: number;
  connection?: ConnectionSettings | null;
}

/** Outputs of JobStart. Resource id = `<servicePrincipalId>/<jobId>/start`. */
export interface JobStartOutputs {
  servicePrincipalId: string;
  jobId: string;
  triggers: unknown[] | null;
  restartScope: string;
  waitFor: WaitFor;
  timeoutSeconds: number;
  connection: ConnectionSettings | null;
  statusCode: string;
  scheduleState: string;
  lastExecutionState: string | null;
  quarantine: QuarantineOutput | null;
}

/** Defaults of JobStart (design.md §3). */
export const JOB_START_DEFAULTS = {
  restartScope: "QuarantineState",
  waitFor: "started",
  timeoutSeconds: 600,
} as const;

/** Input table of JobStart (design.md §3). */
export const JOB_START_SPEC: InputSpec = {
  fields: [
    {
      name: "servicePrincipalId",
      required: true,
      rule: guid,
      expects: "the service principal's object id (GUID)",
    },
    { name: "jobId", required: true, rule: pathSegment, expects: "the synchronization job id" },
    { name: "triggers", rule: array, expects: "a list" },
    {
      name: "restartScope",
      default: JOB_START_DEFAULTS.restartScope,
      rule: restartScope,
      expects: "synchronizationJobRestartScope flags",
    },
    {
      name: "waitFor",
      default: JOB_START_DEFAULTS.waitFor,
      rule: oneOf(["none", "started", "firstCycle"]),
      expects: "none, started or firstCycle",
    },
    {
      name: "timeoutSeconds",
      default: JOB_START_DEFAULTS.timeoutSeconds,
      rule: integer(1, 86_400, "seconds"),
      expects: "seconds",
    },
    { name: "connection", rule: connection, expects: "a connection object" },
  ],
  cross: [connectionFields],
};

/** First poll interval while waiting, in ms; doubles up to {@link MAX_POLL_MS}. */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 15_000;

/** Builds the JobStart provider over `deps`. */
export function createJobStartProvider(deps: ProviderDeps): pulumi.dynamic.ResourceProvider {
  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
      return checkInputs(JOB_START_SPEC, news);
    },

    async diff(_id: string, olds: JobStartOutputs, news: JobStartInputs) {
      const replaces = changedProperties(olds, news, ["servicePrincipalId", "jobId"]);
      const updates = changedProperties(olds, news, [
        "triggers",
        "restartScope",
        "waitFor",
        "timeoutSeconds",
        "connection",
      ]);
      // Paused out of band (seen by a refresh): the next up starts it again.
      const stopped = typeof olds.scheduleState === "string" && olds.scheduleState !== "Active";
      return { changes: replaces.length > 0 || updates.length > 0 || stopped, replaces };
    },

    async create(inputs: JobStartInputs) {
      const client = deps.clientFor(inputs.connection);
      const { servicePrincipalId: sp, jobId } = inputs;
      const id = `${sp}/${jobId}/start`;
      const before = await retryWhileReplicating(
        deps,
        inputs.connection,
        `Synchronization job ${jobId} of service principal ${sp}`,
        () => client.getSynchronizationJob(sp, jobId),
      );
      const started = needsStart(before) ? await start(client, sp, jobId) : false;
      const after = await waitFor(
        client,
        inputs,
        id,
        started ? undefined : before,
        started ? before : undefined,
      );
      return { id, outs: outputsOf(inputs, after) };
    },

    async read(id: string, props?: JobStartOutputs) {
      if (props === undefined) return { id: "", props: {} };
      const client = deps.clientFor(props.connection);
      try {
        const job = await client.getSynchronizationJob(props.servicePrincipalId, props.jobId);
        return { id, props: outputsOf(props, job) };
      } catch (error) {
        if (isNotFound(error)) return { id: "", props: {} };
        throw failure(
          `Reading synchronization job ${props.jobId} of service principal ${props.servicePrincipalId}`,
          error,
        );
      }
    },

    async update(id: string, olds: JobStartOutputs, news: JobStartInputs) {
      const client = deps.clientFor(news.connection);
      const { servicePrincipalId: sp, jobId } = news;
      const before = await readJob(client, sp, jobId);
      let started = false;
      if (!sameValue(olds.triggers, news.triggers)) {
        // Triggers changed (e.g. rotated credentials): reset per restartScope, then run.
        const scope = news.restartScope ?? JOB_START_DEFAULTS.restartScope;
        try {
          await client.restartSynchronizationJob(sp, jobId, scope);
        } catch (error) {
          const what = `Restarting synchronization job ${jobId} of service principal ${sp} (scope ${scope})`;
          if (!mayHaveBeenApplied(error)) throw failure(what, error);
          // Whether a lost restart was applied cannot be read from the job, so it is not repeated
          // blindly: the update fails with the old triggers kept in state, and the next up restarts.
          throw new Error(
            `${what}: ${messageOf(error)}. The restart may have been applied (its response was lost); ` +
              `run again to restart the job once more (a second restart with the same scope only repeats the reset).`,
            { cause: error },
          );
        }
        started = await start(client, sp, jobId);
      } else if (needsStart(before)) {
        started = await start(client, sp, jobId);
      }
      const after = await waitFor(
        client,
        news,
        id,
        started ? undefined : before,
        started ? before : undefined,
      );
      return { outs: outputsOf(news, after) };
    },

    async delete(_id: string, props: JobStartOutputs) {
      const client = deps.clientFor(props.connection);
      const { servicePrincipalId: sp, jobId } = props;
      const what = `Pausing synchronization job ${jobId} of service principal ${sp}`;
      const pause = () => client.pauseSynchronizationJob(sp, jobId);
      try {
        await pause();
      } catch (error) {
        if (isNotFound(error)) return;
        if (!mayHaveBeenApplied(error)) throw failure(what, error);
        // The response was lost: look before pausing again.
        let job: SynchronizationJob;
        try {
          job = await client.getSynchronizationJob(sp, jobId);
        } catch (readError) {
          if (isNotFound(readError)) return;
          throw lostAndUnread(what, error, readError);
        }
        if (job.schedule?.state === "Paused") return;
        try {
          await pause();
        } catch (again) {
          if (!isNotFound(again)) throw failure(`${what} (second attempt)`, again);
        }
      }
    },
  };

  /** The error for a POST whose response was lost and whose effect could not be read back. */
  function lostAndUnread(what: string, lost: unknown, readError: unknown): Error {
    return new Error(
      `${what} lost its response (${messageOf(lost)}), and reading the job to see whether it was applied ` +
        `failed: ${messageOf(readError)}. Run again.`,
      { cause: readError },
    );
  }

  async function readJob(client: GraphApi, sp: string, jobId: string): Promise<SynchronizationJob> {
    try {
      return await client.getSynchronizationJob(sp, jobId);
    } catch (error) {
      throw failure(`Reading synchronization job ${jobId} of service principal ${sp}`, error);
    }
  }

  /**
   * POSTs start. When the response is lost (5xx, reset, timeout: the start may have been applied),
   * the job is read first and started once more only if it still needs it: Graph asks callers not to
   * start a running job (graph-api.md §5).
   */
  async function start(client: GraphApi, sp: string, jobId: string): Promise<true> {
    const what = `Starting synchronization job ${jobId} of service principal ${sp}`;
    try {
      await client.startSynchronizationJob(sp, jobId);
    } catch (error) {
      if (!mayHaveBeenApplied(error)) throw failure(what, error);
      let job: SynchronizationJob;
      try {
        job = await client.getSynchronizationJob(sp, jobId);
      } catch (readError) {
        throw lostAndUnread(what, error, readError);
      }
      if (!needsStart(job)) return true;
      try {
        await client.startSynchronizationJob(sp, jobId);
      } catch (again) {
        throw failure(`${what} (second attempt)`, again);
      }
    }
    return true;
  }

  /**
   * Reads the job until `inputs.waitFor` holds, polling with backoff within `timeoutSeconds`.
   * `known` is a read already made that may satisfy it (no start was needed). `beforeStart` is the
   * job as read just before we started (or restarted) it: a first cycle then has to be one that ended
   * after that read (see {@link endedSince}). With waitFor "none" the job is read once and returned,
   * quarantined or not: it was only asked to be started. Otherwise a quarantine fails (the job is
   * recorded, so the next up retries), as does the timeout.
   */
  async function waitFor(
    client: GraphApi,
    inputs: JobStartInputs,
    id: string,
    known: SynchronizationJob | undefined,
    beforeStart: SynchronizationJob | undefined,
  ): Promise<SynchronizationJob> {
    const goal = inputs.waitFor ?? JOB_START_DEFAULTS.waitFor;
    const timeoutMs = (inputs.timeoutSeconds ?? JOB_START_DEFAULTS.timeoutSeconds) * 1000;
    const began = deps.now();
    let poll = FIRST_POLL_MS;
    let job = known ?? (await readJob(client, inputs.servicePrincipalId, inputs.jobId));
    if (goal === "none") return job;
    for (;;) {
      if (isQuarantined(job)) {
        throw new ResourceInitError(
          id,
          outputsOf(inputs, job),
          `Synchronization job ${inputs.jobId} of service principal ${inputs.servicePrincipalId} is ${describeQuarantine(job)}. ` +
            `Fix the cause (often the credentials), then run again: a change to triggers restarts it with restartScope.`,
        );
      }
      if (reached(job, goal, beforeStart)) return job;
      const elapsed = deps.now() - began;
      if (elapsed >= timeoutMs) {
        throw new ResourceInitError(
          id,
          outputsOf(inputs, job),
          `Synchronization job ${inputs.jobId} of service principal ${inputs.servicePrincipalId} did not reach "${goal}" ` +
            `within ${inputs.timeoutSeconds ?? JOB_START_DEFAULTS.timeoutSeconds} s (schedule ${job.schedule?.state}, status ${job.status?.code}). ` +
            `Raise timeoutSeconds or set waitFor to "none".`,
        );
      }
      await deps.sleep(Math.min(poll, timeoutMs - elapsed));
      poll = Math.min(poll * 2, MAX_POLL_MS);
      job = await readJob(client, inputs.servicePrincipalId, inputs.jobId);
    }
  }
}

/** Start is called unless the job already runs: Graph asks not to start a running job; a quarantined one may be. */
function needsStart(job: SynchronizationJob): boolean {
  return job.schedule?.state !== "Active" || isQuarantined(job);
}

function reached(
  job: SynchronizationJob,
  goal: WaitFor,
  beforeStart: SynchronizationJob | undefined,
): boolean {
  if (goal === "none") return true;
  const running = job.schedule?.state === "Active" && job.status?.code !== "NotConfigured";
  if (goal === "started") return running;
  const ended = lastEnded(job);
  if (ended === undefined) return false;
  return beforeStart === undefined || endedSince(ended, beforeStart);
}

/** When the job's last run ended (Graph's clock, epoch ms), or undefined when none has. */
function lastEnded(job: SynchronizationJob): number | undefined {
  const ended = Date.parse(job.status?.lastExecution?.timeEnded ?? "");
  return Number.isFinite(ended) ? ended : undefined;
}

/**
 * True when a run that ended at `ended` is not the one `beforeStart` already showed: it ended after the
 * start, since Graph reports only the latest run. Both instants are Graph's, so no clock skew between
 * us and Graph can make a run from before the start count (nor hide one from after it).
 */
function endedSince(ended: number, beforeStart: SynchronizationJob): boolean {
  const previous = lastEnded(beforeStart);
  return previous === undefined || ended > previous;
}

function outputsOf(inputs: JobStartInputs | JobStartOutputs, job: SynchronizationJob): JobStartOutputs {
  return {
    servicePrincipalId: inputs.servicePrincipalId,
    jobId: inputs.jobId,
    triggers: inputs.triggers ?? null,
    restartScope: inputs.restartScope ?? JOB_START_DEFAULTS.restartScope,
    waitFor: inputs.waitFor ?? JOB_START_DEFAULTS.waitFor,
    timeoutSeconds: inputs.timeoutSeconds ?? JOB_START_DEFAULTS.timeoutSeconds,
    connection: inputs.connection ?? null,
    statusCode: job.status?.code ?? "NotConfigured",
    scheduleState: job.schedule?.state ?? "Disabled",
    lastExecutionState: job.status?.lastExecution?.state ?? null,
    quarantine: quarantineOf(job),
  };
}
