import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi, SynchronizationSchema } from "../graph/types";
import type {
  ObjectMappingInput,
  OnDelete,
  ProvisioningSchemaSpec,
  TargetAttributeInput,
} from "../schema/schemaInputs";
import { ON_DELETE_VALUES } from "../schema/schemaInputs";
import { checkObjectMappings, checkTargetAttributes, keyPath } from "../schema/schemaInputCheck";
import {
  desiredAttributeDefinition,
  desiredAttributeMapping,
  expressionKey,
  expressionOf,
  locateObjectMapping,
  locateTargetObject,
  nothingReleased,
  type OwnedEntries,
  ownedEntriesOf,
  type ParsedSources,
  releasedEntries,
  restoreFromTemplate,
  sameAttributeDefinition,
  sameAttributeMapping,
  sameScopeGroups,
  scopeGroupsOf,
  spliceSchema,
} from "../schema/schemaModel";
import type { ConnectionSettings } from "./connectionArgs";
import { failure, isNotFound } from "./graphFailures";
import { changedProperties } from "./propertyDiff";
import type { ProviderDeps } from "./providerDeps";
import { retryWhileReplicating } from "./replication";
import {
  checkInputs,
  connection,
  connectionFields,
  containsUnknown,
  guid,
  type InputSpec,
  oneOf,
  pathSegment,
} from "./validation";

/** Plain inputs of ProvisioningSchema (after check). */
export interface ProvisioningSchemaInputs extends ProvisioningSchemaSpec {
  servicePrincipalId: string;
  jobId: string;
  connection?: ConnectionSettings | null;
}

/** What the last write changed, and what that means for the job's next cycle. */
export interface SchemaChangeRecord {
  /** Paths of the owned entries the last PUT changed. */
  changed: string[];
  /** The next cycle is an initial cycle (see {@link NEXT_CYCLE_NOTICE}). */
  notice: string;
}

/** Outputs of ProvisioningSchema. Resource id = `<servicePrincipalId>/<jobId>/schema`. */
export interface ProvisioningSchemaOutputs {
  servicePrincipalId: string;
  jobId: string;
  objectMappings: ObjectMappingInput[];
  targetAttributes: TargetAttributeInput[] | null;
  onDelete: OnDelete;
  connection: ConnectionSettings | null;
  /** Rule of the first declared object mapping. */
  ruleId: string | null;
  /** Schema version Graph reported at the last read (a PUT bumps it; the next refresh shows it). */
  version: string | null;
  /** The owned entries as Graph stores them (after the last up, or as the last refresh read them). */
  ownedEntries: OwnedEntries;
  /** Graph's parsed form of each declared expression, by canonical text: unchanged ones cost no call. */
  parsedExpressions: ParsedSources;
  /** Null until an up changed the schema. */
  lastChange: SchemaChangeRecord | null;
}

/** What every schema change means for provisioning (graph-schema.md §1, ED export-import…, define-conditional-rules…). */
export const NEXT_CYCLE_NOTICE =
  "Graph makes the job's next cycle an initial cycle after a schema change: every assigned user and group is " +
  "evaluated again (a large tenant takes a while), and users that a changed scope leaves out are deprovisioned " +
  "(disabled or deleted in the app) unless the SkipOutOfScopeDeletions secret is set to true.";

/** Input table of ProvisioningSchema (design.md §3); objectMappings / targetAttributes are judged by schemaInputCheck. */
export const PROVISIONING_SCHEMA_SPEC: InputSpec = {
  fields: [
    {
      name: "servicePrincipalId",
      required: true,
      rule: guid,
      expects: "the service principal's object id (GUID)",
    },
    { name: "jobId", required: true, rule: pathSegment, expects: "the synchronization job id" },
    {
      name: "objectMappings",
      required: true,
      rule: () => undefined,
      expects: "a list of object mappings, each naming its sourceObjectName",
    },
    {
      name: "onDelete",
      default: "restore",
      rule: oneOf(ON_DELETE_VALUES),
      expects: "restore, keep or resetAll",
    },
    { name: "connection", rule: connection, expects: "a connection object" },
  ],
  cross: [
    (inputs) =>
      inputs.objectMappings === undefined || inputs.objectMappings === null
        ? []
        : checkObjectMappings(inputs.objectMappings),
    (inputs) => checkTargetAttributes(inputs.targetAttributes),
    connectionFields,
  ],
};

/**
 * diff's answer: the SDK's DiffResult plus `detailedDiff` per object mapping and attribute (the
 * provider protocol's field; today's dynamic-provider host drops it, see engine-notes.md).
 */
export type SchemaDiffResult = pulumi.dynamic.DiffResult & {
  detailedDiff?: Record<string, { kind: PlannedChange["kind"]; inputDiff: boolean }>;
};

/** One planned change of diff: a path and its kind. */
export interface PlannedChange {
  path: string;
  kind: "add" | "update" | "delete";
}

const identityKey = (om: Pick<ObjectMappingInput, "sourceObjectName" | "targetObjectName" | "ruleId">) =>
  JSON.stringify([
    om.sourceObjectName.toLowerCase(),
    om.targetObjectName?.toLowerCase() ?? null,
    om.ruleId ?? null,
  ]);

function specOf(inputs: ProvisioningSchemaInputs | ProvisioningSchemaOutputs): ProvisioningSchemaSpec {
  return {
    objectMappings: inputs.objectMappings ?? [],
    targetAttributes: inputs.targetAttributes ?? undefined,
    onDelete: inputs.onDelete ?? "restore",
  };
}

/**
 * What an up would change, decided offline from the new inputs and the old outputs (the owned
 * entries as Graph stored them, and the cached parsed expressions): an owned entry changed
 * elsewhere (drift, seen by a refresh) counts like a changed input. A new expression, or one not
 * parsed before, counts as a change: only Graph can say whether it is equivalent.
 */
export function plannedChanges(
  olds: ProvisioningSchemaOutputs,
  news: ProvisioningSchemaInputs,
): PlannedChange[] {
  if (containsUnknown(news.objectMappings) || containsUnknown(news.targetAttributes)) {
    return [{ path: "objectMappings", kind: "update" }];
  }
  const changes: PlannedChange[] = [];
  const parsed = olds.parsedExpressions ?? {};
  const oldMappings = olds.objectMappings ?? [];
  const owned = olds.ownedEntries ?? { objectMappings: [], targetAttributes: [] };
  news.objectMappings.forEach((om, i) => {
    const path = `objectMappings[${i}]`;
    const j = oldMappings.findIndex((o) => identityKey(o) === identityKey(om));
    const entry = j >= 0 ? owned.objectMappings[j] : null;
    if (!entry) {
      changes.push({ path, kind: j >= 0 ? "update" : "add" });
      return;
    }
    if (om.enabled !== undefined && om.enabled !== null && entry.enabled !== om.enabled) {
      changes.push({ path: `${path}.enabled`, kind: "update" });
    }
    if (
      om.scope !== undefined &&
      (!("scope" in entry) || !sameScopeGroups(entry.scope, scopeGroupsOf(om.scope)))
    ) {
      changes.push({ path: `${path}.scope`, kind: "update" });
    }
    const stored = entry.attributeMappings ?? {};
    for (const [target, input] of Object.entries(om.attributeMappings ?? {})) {
      const p = keyPath(`${path}.attributeMappings`, target);
      if (!(target in stored)) {
        changes.push({ path: p, kind: input === null ? "delete" : "add" });
        continue;
      }
      const current = stored[target];
      if (input === null) {
        if (current !== null) changes.push({ path: p, kind: "delete" });
        continue;
      }
      const desired = desiredAttributeMapping(target, input, parsed, current ?? undefined);
      if (desired === undefined || !sameAttributeMapping(current, desired)) {
        changes.push({ path: p, kind: current === null ? "add" : "update" });
      }
    }
  });
  const oldTargets = olds.targetAttributes ?? [];
  (news.targetAttributes ?? []).forEach((ta, i) => {
    const j = oldTargets.findIndex(
      (o) => o.object === ta.object && o.name === ta.name && (o.directory ?? null) === (ta.directory ?? null),
    );
    const entry = j >= 0 ? owned.targetAttributes[j] : null;
    const path = `targetAttributes[${i}]`;
    if (!entry || entry.definition === null) {
      changes.push({ path, kind: "add" });
    } else if (!sameAttributeDefinition(entry.definition, desiredAttributeDefinition(ta, entry.definition))) {
      changes.push({ path, kind: "update" });
    }
  });
  const released = releasedEntries(specOf(olds), specOf(news), owned);
  for (const r of released.objectMappings) {
    const label = `objectMappings(${r.sourceObjectName}${r.targetObjectName ? ` → ${r.targetObjectName}` : ""})`;
    for (const t of r.attributes)
      changes.push({ path: keyPath(`${label}.attributeMappings`, t), kind: "delete" });
    if (r.scope) changes.push({ path: `${label}.scope`, kind: "delete" });
    if (r.enabled) changes.push({ path: `${label}.enabled`, kind: "delete" });
  }
  for (const t of released.targetAttributes) {
    changes.push({ path: `targetAttributes(${t.object}.${t.name})`, kind: "delete" });
  }
  return changes;
}

/** Builds the ProvisioningSchema provider over `deps`. */
export function createProvisioningSchemaProvider(deps: ProviderDeps): pulumi.dynamic.ResourceProvider {
  const notice = deps.notice ?? ((line: string) => process.stderr.write(`${line}\n`));

  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
      return checkInputs(PROVISIONING_SCHEMA_SPEC, news);
    },

    async diff(
      id: string,
      olds: ProvisioningSchemaOutputs,
      news: ProvisioningSchemaInputs,
    ): Promise<SchemaDiffResult> {
      const replaces = changedProperties(olds, news, ["servicePrincipalId", "jobId"]);
      if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
      const planned = plannedChanges(olds, news);
      const settings = changedProperties(olds, news, ["onDelete", "connection"]);
      const detailedDiff: NonNullable<SchemaDiffResult["detailedDiff"]> = {};
      for (const c of planned) detailedDiff[c.path] = { kind: c.kind, inputDiff: true };
      for (const s of settings) detailedDiff[s] = { kind: "update", inputDiff: true };
      if (planned.length > 0) {
        // The host drops detailedDiff (engine-notes.md); its stderr reaches the user as a diagnostic.
        notice(
          `warning: ProvisioningSchema ${id}: ${planned.map((c) => `${c.kind} ${c.path}`).join(", ")}. ${NEXT_CYCLE_NOTICE}`,
        );
      }
      return { changes: planned.length > 0 || settings.length > 0, replaces: [], detailedDiff };
    },

    async create(inputs: ProvisioningSchemaInputs) {
      const client = deps.clientFor(inputs.connection);
      const id = `${inputs.servicePrincipalId}/${inputs.jobId}/schema`;
      // The job may have been created moments before: a 404 is replication for a while.
      const current = await retryWhileReplicating(
        deps,
        inputs.connection,
        `The schema of synchronization job ${inputs.jobId} of service principal ${inputs.servicePrincipalId}`,
        () => client.getSynchronizationSchema(inputs.servicePrincipalId, { jobId: inputs.jobId }),
      );
      const outs = await apply(client, inputs, current, undefined);
      return { id, outs };
    },

    async read(id: string, props?: ProvisioningSchemaOutputs) {
      if (props === undefined) return { id: "", props: {} };
      const client = deps.clientFor(props.connection);
      let schema: SynchronizationSchema;
      try {
        schema = await client.getSynchronizationSchema(props.servicePrincipalId, { jobId: props.jobId });
      } catch (error) {
        if (isNotFound(error)) return { id: "", props: {} };
        throw failure(`Reading the schema of ${describeJob(props)}`, error);
      }
      const ownedEntries = ownedEntriesOf(schema, specOf(props));
      return {
        id,
        props: {
          ...props,
          ownedEntries,
          version: schema.version ?? null,
          ruleId: ownedEntries.objectMappings[0]?.ruleId ?? props.ruleId ?? null,
        },
      };
    },

    async update(_id: string, olds: ProvisioningSchemaOutputs, news: ProvisioningSchemaInputs) {
      const client = deps.clientFor(news.connection);
      const current = await readSchema(client, news);
      return { outs: await apply(client, news, current, olds) };
    },

    async delete(_id: string, props: ProvisioningSchemaOutputs) {
      const client = deps.clientFor(props.connection);
      const onDelete = props.onDelete ?? "restore";
      if (onDelete === "keep") return;
      if (onDelete === "resetAll") {
        try {
          await client.deleteSynchronizationSchema(props.servicePrincipalId, props.jobId);
        } catch (error) {
          if (!isNotFound(error)) throw failure(`Resetting the schema of ${describeJob(props)}`, error);
        }
        return;
      }
      const released = releasedEntries(specOf(props), { objectMappings: [] }, props.ownedEntries);
      try {
        const current = await client.getSynchronizationSchema(props.servicePrincipalId, {
          jobId: props.jobId,
        });
        const restored = await restore(client, props, current, released);
        if (restored.changes.length > 0) await put(client, props, restored.schema);
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
    },
  };

  async function readSchema(
    client: GraphApi,
    inputs: ProvisioningSchemaInputs,
  ): Promise<SynchronizationSchema> {
    try {
      return await client.getSynchronizationSchema(inputs.servicePrincipalId, { jobId: inputs.jobId });
    } catch (error) {
      throw failure(`Reading the schema of ${describeJob(inputs)}`, error);
    }
  }

  async function put(
    client: GraphApi,
    inputs: Pick<ProvisioningSchemaInputs, "servicePrincipalId" | "jobId">,
    schema: SynchronizationSchema,
  ): Promise<void> {
    try {
      await client.putSynchronizationSchema(inputs.servicePrincipalId, inputs.jobId, schema);
    } catch (error) {
      throw failure(`Saving the schema of ${describeJob(inputs)}`, error);
    }
  }

  /** The template's default for the released entries (GET job for its template, GET template schema). */
  async function restore(
    client: GraphApi,
    inputs: Pick<ProvisioningSchemaInputs, "servicePrincipalId" | "jobId">,
    schema: SynchronizationSchema,
    released: ReturnType<typeof releasedEntries>,
  ) {
    if (nothingReleased(released)) return { schema, changes: [] };
    const job = await client.getSynchronizationJob(inputs.servicePrincipalId, inputs.jobId);
    let template: SynchronizationSchema;
    try {
      template = await client.getSynchronizationSchema(inputs.servicePrincipalId, {
        templateId: job.templateId,
      });
    } catch (error) {
      throw failure(
        `Reading the default schema of synchronization template ${job.templateId} (to restore the entries this resource owned)`,
        error,
      );
    }
    return restoreFromTemplate(schema, template, released);
  }

  /**
   * Parses each declared expression not parsed before (at most one parseExpression per new or
   * changed expression), splices the owned parts into `current`, restores entries no longer
   * declared (onDelete "restore"), and PUTs the whole schema once — or not at all when nothing
   * owned changes.
   */
  async function apply(
    client: GraphApi,
    inputs: ProvisioningSchemaInputs,
    current: SynchronizationSchema,
    olds: ProvisioningSchemaOutputs | undefined,
  ): Promise<ProvisioningSchemaOutputs> {
    const spec = specOf(inputs);
    // Fail on a missing or ambiguous object mapping before any other call.
    spec.objectMappings.forEach((om, i) => locateObjectMapping(current, om, `objectMappings[${i}]`));
    (spec.targetAttributes ?? []).forEach((ta, i) =>
      locateTargetObject(current, ta, `targetAttributes[${i}]`),
    );
    const parsed = await parseExpressions(client, inputs, olds?.parsedExpressions ?? {});
    // Entries the program stopped declaring go back to the template's default first; the
    // declared ones are spliced over that.
    let base = { schema: current, changes: [] as string[] };
    if (olds !== undefined && spec.onDelete === "restore") {
      base = await restore(client, inputs, current, releasedEntries(specOf(olds), spec, olds.ownedEntries));
    }
    const spliced = spliceSchema(base.schema, spec, parsed);
    const result = { schema: spliced.schema, changes: [...base.changes, ...spliced.changes] };
    if (result.changes.length > 0) await put(client, inputs, result.schema);
    const ownedEntries = ownedEntriesOf(result.schema, spec);
    return {
      servicePrincipalId: inputs.servicePrincipalId,
      jobId: inputs.jobId,
      objectMappings: inputs.objectMappings,
      targetAttributes: inputs.targetAttributes ?? null,
      onDelete: spec.onDelete ?? "restore",
      connection: inputs.connection ?? null,
      ruleId: ownedEntries.objectMappings[0]?.ruleId ?? null,
      version: current.version ?? null,
      ownedEntries,
      parsedExpressions: parsed,
      lastChange:
        result.changes.length > 0
          ? { changed: result.changes, notice: NEXT_CYCLE_NOTICE }
          : (olds?.lastChange ?? null),
    };
  }

  /** Graph's parsed form of every declared expression: cached ones reused, each new one parsed once. */
  async function parseExpressions(
    client: GraphApi,
    inputs: ProvisioningSchemaInputs,
    cache: ParsedSources,
  ): Promise<ParsedSources> {
    const parsed: ParsedSources = {};
    for (const [i, om] of inputs.objectMappings.entries()) {
      for (const [target, input] of Object.entries(om.attributeMappings ?? {})) {
        const expression = expressionOf(input);
        if (expression === undefined) continue;
        const key = expressionKey(expression);
        if (parsed[key] !== undefined) continue;
        if (cache[key] !== undefined) {
          parsed[key] = cache[key];
          continue;
        }
        const path = keyPath(`objectMappings[${i}].attributeMappings`, target);
        let response;
        try {
          response = await client.parseExpression(
            inputs.servicePrincipalId,
            { jobId: inputs.jobId },
            { expression },
          );
        } catch (error) {
          throw failure(`Parsing the expression of ${path} with Graph (${describeJob(inputs)})`, error);
        }
        if (!response.parsingSucceeded || !response.parsedExpression) {
          const why = response.error?.message ?? response.error?.code ?? "no reason given";
          throw new Error(
            `${path}: Graph could not parse the expression ${JSON.stringify(expression)}: ${why}`,
          );
        }
        parsed[key] = {
          ...response.parsedExpression,
          expression: response.parsedExpression.expression ?? key,
        };
      }
    }
    return parsed;
  }
}

function describeJob(inputs: Pick<ProvisioningSchemaInputs, "servicePrincipalId" | "jobId">): string {
  return `synchronization job ${inputs.jobId} of service principal ${inputs.servicePrincipalId}`;
}
