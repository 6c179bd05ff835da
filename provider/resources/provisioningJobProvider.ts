import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi, SynchronizationJob } from "../graph/types";
import type { ConnectionSettings } from "./connectionArgs";
import { failure, isNotFound, mayHaveBeenApplied, messageOf } from "./graphFailures";
import { quarantineOf, type QuarantineOutput } from "./jobSummary";
import { changedProperties } from "./propertyDiff";
import type { ProviderDeps } from "./providerDeps";
import { lookUpWhileReplicating, retryWhileReplicating } from "./replication";
import {
  bool,
  checkInputs,
  connection,
  connectionFields,
  guid,
  type InputSpec,
  pathSegment,
} from "./validation";

/** Plain inputs of ProvisioningJob (after check). */
export interface ProvisioningJobInputs {
  servicePrincipalId: string;
  templateId?: string | null;
  adoptExisting?: boolean;
  connection?: ConnectionSettings | null;
}

/** Outputs of ProvisioningJob. Resource id = job id (contains dots). */
export interface ProvisioningJobOutputs {
  jobId: string;
  templateId: string;
  servicePrincipalId: string;
  scheduleState: string;
  scheduleInterval: string;
  statusCode: string;
  quarantine: QuarantineOutput | null;
  adoptExisting: boolean;
  connection: ConnectionSettings | null;
}

/** Input table of ProvisioningJob (design.md §3). */
export const PROVISIONING_JOB_SPEC: InputSpec = {
  fields: [
    {
      name: "servicePrincipalId",
      required: true,
      rule: guid,
      expects: "the service principal's object id (GUID)",
    },
    { name: "templateId", rule: pathSegment, expects: "a synchronization template id such as aws or scim" },
    { name: "adoptExisting", default: false, rule: bool, expects: "true or false" },
    { name: "connection", rule: connection, expects: "a connection object" },
  ],
  cross: [connectionFields],
};

/** Builds the ProvisioningJob provider over `deps`. */
export function createProvisioningJobProvider(deps: ProviderDeps): pulumi.dynamic.ResourceProvider {
  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
      return checkInputs(PROVISIONING_JOB_SPEC, news);
    },

    async diff(_id: string, olds: ProvisioningJobOutputs, news: ProvisioningJobInputs) {
      const replaces = changedProperties(olds, news, ["servicePrincipalId"]);
      // An omitted templateId keeps the job's resolved template (the default cannot be known without Graph).
      if (news.templateId !== undefined && news.templateId !== null) {
        replaces.push(...changedProperties(olds, news, ["templateId"]));
      }
      const updates = changedProperties(olds, news, ["connection", "adoptExisting"]);
      return {
        changes: replaces.length > 0 || updates.length > 0,
        replaces,
        // Graph allows one job per template per service principal: the old job must go first.
        deleteBeforeReplace: replaces.includes("templateId") && !replaces.includes("servicePrincipalId"),
      };
    },

    async create(inputs: ProvisioningJobInputs) {
      const client = deps.clientFor(inputs.connection);
      const sp = inputs.servicePrincipalId;
      const templateId = inputs.templateId ?? (await defaultTemplate(client, inputs.connection, sp));
      const job =
        (inputs.adoptExisting ? await existingJob(client, sp, templateId) : undefined) ??
        (await createOnce(client, inputs.connection, sp, templateId));
      return { id: job.id, outs: outputsOf(job, sp, inputs.connection, inputs.adoptExisting) };
    },

    async read(id: string, props?: ProvisioningJobOutputs) {
      const client = deps.clientFor(props?.connection);
      const sp = props?.servicePrincipalId ?? "";
      let job: SynchronizationJob;
      try {
        job = await client.getSynchronizationJob(sp, id);
      } catch (error) {
        if (isNotFound(error)) return { id: "", props: {} };
        throw failure(`Reading synchronization job ${id} of service principal ${sp}`, error);
      }
      return { id, props: outputsOf(job, sp, props?.connection, props?.adoptExisting) };
    },

    async update(_id: string, olds: ProvisioningJobOutputs, news: ProvisioningJobInputs) {
      // Only `connection` and `adoptExisting` are updatable, and they are just recorded: everything else replaces.
      return {
        outs: { ...olds, connection: news.connection ?? null, adoptExisting: news.adoptExisting ?? false },
      };
    },

    async delete(id: string, props: ProvisioningJobOutputs) {
      const client = deps.clientFor(props.connection);
      try {
        await client.deleteSynchronizationJob(props.servicePrincipalId, id);
      } catch (error) {
        if (!isNotFound(error)) {
          throw failure(
            `Deleting synchronization job ${id} of service principal ${props.servicePrincipalId}`,
            error,
          );
        }
      }
    },
  };

  /** The SP's template with `default: true`, else its only template; ambiguous ⇒ error listing ids. */
  async function defaultTemplate(
    client: GraphApi,
    conn: ConnectionSettings | null | undefined,
    sp: string,
  ): Promise<string> {
    let templates;
    try {
      templates = await retryWhileReplicating(deps, conn, `Service principal ${sp}`, () =>
        client.listSynchronizationTemplates(sp),
      );
    } catch (error) {
      throw failure(`Listing synchronization templates of service principal ${sp}`, error);
    }
    const defaults = templates.filter((t) => t.default);
    if (defaults.length === 1) return defaults[0].id;
    if (templates.length === 1) return templates[0].id;
    if (templates.length === 0) {
      throw new Error(
        `Service principal ${sp} has no synchronization template: its application does not support provisioning. ` +
          `Check the gallery application's template (supportedProvisioningTypes must include "sync").`,
      );
    }
    throw new Error(
      `Service principal ${sp} has ${templates.length} synchronization templates and ` +
        `${defaults.length === 0 ? "none" : defaults.length} marked default: ` +
        `${templates.map((t) => t.id).join(", ")}. Set templateId to one of them.`,
    );
  }

  /**
   * `adoptExisting`: the service principal's job with this template becomes this resource (Pulumi
   * cannot import dynamic resources); none ⇒ undefined, so it is created as usual.
   */
  async function existingJob(
    client: GraphApi,
    sp: string,
    templateId: string,
  ): Promise<SynchronizationJob | undefined> {
    let jobs: SynchronizationJob[];
    try {
      jobs = (await client.listSynchronizationJobs(sp)).filter((j) => j.templateId === templateId);
    } catch (error) {
      throw failure(`Adopting the "${templateId}" job of service principal ${sp}`, error);
    }
    if (jobs.length > 1) {
      throw new Error(
        `Adopting the "${templateId}" job of service principal ${sp}: ${jobs.length} jobs match ` +
          `(${jobs.map((j) => j.id).join(", ")}). Delete the extra ones, then run again.`,
      );
    }
    return jobs[0];
  }

  /**
   * POSTs the job. When the response is lost (timeout, connection reset, 5xx: the POST may have been
   * applied), it adopts the SP's job with that template; several ⇒ fail naming them; none ⇒ POST once
   * more. A new job stays out of the SP's job list until it has replicated, so "none" is concluded
   * only after looking, with backoff, for the connection's `replicationTimeoutSeconds` (default 120 s);
   * a lost POST that truly made nothing therefore costs that long.
   */
  async function createOnce(
    client: GraphApi,
    conn: ConnectionSettings | null | undefined,
    sp: string,
    templateId: string,
  ): Promise<SynchronizationJob> {
    const post = (): Promise<SynchronizationJob> =>
      retryWhileReplicating(deps, conn, `Service principal ${sp}`, () =>
        client.createSynchronizationJob(sp, templateId),
      );
    try {
      return await post();
    } catch (error) {
      if (!mayHaveBeenApplied(error)) {
        throw failure(
          `Creating a synchronization job from template "${templateId}" on service principal ${sp}`,
          error,
        );
      }
      let jobs: SynchronizationJob[];
      try {
        jobs = await lookUpWhileReplicating(deps, conn, async () =>
          (await client.listSynchronizationJobs(sp)).filter((j) => j.templateId === templateId),
        );
      } catch (listError) {
        throw new Error(
          `Creating a synchronization job from template "${templateId}" on service principal ${sp} lost its response ` +
            `(${messageOf(error)}), and listing its jobs failed: ${messageOf(listError)}. Check the service principal's jobs before running again.`,
          { cause: listError },
        );
      }
      if (jobs.length === 1) return jobs[0];
      if (jobs.length > 1) {
        throw new Error(
          `Creating a synchronization job from template "${templateId}" on service principal ${sp} lost its response, and ` +
            `${jobs.length} jobs with that template exist: ${jobs.map((j) => j.id).join(", ")}. Delete the extra ones, then run again.`,
        );
      }
      try {
        return await post();
      } catch (again) {
        throw failure(
          `Creating a synchronization job from template "${templateId}" on service principal ${sp} (second attempt)`,
          again,
        );
      }
    }
  }
}

/** Outputs of a job as Graph returned it. */
export function outputsOf(
  job: SynchronizationJob,
  servicePrincipalId: string,
  conn: ConnectionSettings | null | undefined,
  adoptExisting: boolean | undefined,
): ProvisioningJobOutputs {
  return {
    jobId: job.id,
    templateId: job.templateId,
    servicePrincipalId,
    scheduleState: job.schedule?.state ?? "Disabled",
    scheduleInterval: job.schedule?.interval ?? "",
    statusCode: job.status?.code ?? "NotConfigured",
    quarantine: quarantineOf(job),
    adoptExisting: adoptExisting ?? false,
    connection: conn ?? null,
  };
}
