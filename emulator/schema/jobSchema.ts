/**
 * A job's current schema: the template's default until a PUT stores one, again after a DELETE. Its
 * `version` changes with every change ("updated automatically with every schema change", graph-schema.md
 * §1); the format `v1.{n}` is the emulator's (Graph shows e.g. "v1.2"; unverified).
 */
import type { JobRecord } from "../store";
import { defaultSchema } from "./defaultSchemas";
import type { SynchronizationSchema } from "./schemaTypes";

/** `version` of a job schema after `changes` PUTs/DELETEs. */
export function jobSchemaVersion(changes: number): string {
  return `v1.${changes}`;
}

/** The job's schema as GET returns it (without `@odata.context`). */
export function jobSchema(record: JobRecord): SynchronizationSchema {
  if (record.schema) return record.schema;
  return defaultSchema(
    record.job.templateId ?? "",
    record.factoryTag,
    record.job.id,
    jobSchemaVersion(record.schemaChanges ?? 0),
  );
}
