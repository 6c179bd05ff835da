import * as pulumi from "@pulumi/pulumi";
import type {
  AttributeMappingInput,
  ObjectMappingInput,
  OnDelete,
  ScopeClauseInput,
  TargetAttributeInput,
} from "../schema/schemaInputs";
import type { OwnedEntries, ParsedSources } from "../schema/schemaModel";
import { type ConnectionArgs, type ConnectionSettings, secretWhenCredentialed } from "./connectionArgs";
import type { SchemaChangeRecord } from "./provisioningSchemaProvider";
import { providerShim } from "./providerShim";
import { declaredTarget, type RecordedTarget } from "./resourceTarget";
import { TOKEN_MODULE, withSecretOutputs } from "./resourceOptions";

/** One declared object mapping, with Pulumi inputs (see {@link ObjectMappingInput}). */
export interface ObjectMappingArgs {
  /** Source object, e.g. `User` or `Group`. */
  sourceObjectName: pulumi.Input<string>;
  /** Target object; needed when several object mappings share the sourceObjectName. */
  targetObjectName?: pulumi.Input<string>;
  /** Synchronization rule id; needed when several rules match. */
  ruleId?: pulumi.Input<string>;
  /** Whether the object mapping is enabled (Graph refuses to disable the user mapping). */
  enabled?: pulumi.Input<boolean>;
  /**
   * By target attribute name: an expression (`"[jobTitle]"`, `"ToLower([mail])"`, `"\"constant\""`),
   * `{expression, defaultValue?, flowType?, matchingPriority?, flowBehavior?}`, `{constant}`, or null
   * to remove the template's mapping. Only the listed attributes are owned.
   */
  attributeMappings?: pulumi.Input<Record<string, pulumi.Input<AttributeMappingInput>>>;
  /**
   * Scoping filter: OR of ANDs of `{attribute, operator, values?}`; null = no filter; leave it out to
   * leave the scope as it is.
   */
  scope?: pulumi.Input<pulumi.Input<pulumi.Input<ScopeClauseInput>[]>[] | null>;
}

/** What ProvisioningSchema owns (also AppProvisioning's `schema` argument). */
export interface ProvisioningSchemaContentArgs {
  /** The object mappings it owns parts of (at least one). */
  objectMappings: pulumi.Input<pulumi.Input<ObjectMappingArgs>[]>;
  /** Attribute definitions it adds to (or owns on) the target directory's objects. */
  targetAttributes?: pulumi.Input<pulumi.Input<TargetAttributeInput>[]>;
  /**
   * On delete: `"restore"` (default) puts the owned entries back to the template's default;
   * `"keep"` leaves the schema as it is; `"resetAll"` resets the whole schema (also edits made elsewhere).
   */
  onDelete?: pulumi.Input<OnDelete>;
}

/** Inputs of {@link ProvisioningSchema} (design.md §3). */
export interface ProvisioningSchemaArgs extends ProvisioningSchemaContentArgs {
  /** Object id of the job's service principal. A change replaces the resource. */
  servicePrincipalId: pulumi.Input<string>;
  /** The synchronization job id. A change replaces the resource. */
  jobId: pulumi.Input<string>;
  /** Where and as whom to call Graph; defaults to stack config `graphProvisioning:*`, then the environment. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * Attribute mappings and scoping filters of a synchronization job as code. It owns only what it
 * declares: an up reads the job's schema, splices the owned parts in and PUTs the whole schema once
 * (not at all when nothing owned changes); everything else — the portal's edits, other object
 * mappings, other rules — is left as it is. Every change makes the job's next cycle an initial
 * cycle. Resource id = `<servicePrincipalId>/<jobId>/schema`.
 */
export class ProvisioningSchema extends pulumi.dynamic.Resource {
  declare public readonly servicePrincipalId: pulumi.Output<string>;
  declare public readonly jobId: pulumi.Output<string>;
  declare public readonly objectMappings: pulumi.Output<ObjectMappingInput[]>;
  declare public readonly targetAttributes: pulumi.Output<TargetAttributeInput[] | null>;
  declare public readonly onDelete: pulumi.Output<OnDelete>;
  /** The connection input (secret when it holds a client secret). */
  declare public readonly connection: pulumi.Output<ConnectionSettings | null>;
  /**
   * Where the resource lives: the tenant (as configured) and Graph endpoint its connection resolves to,
   * with `tid`, the tenant it was created in. Set from the connection and stack config, not an input: a
   * change of either replaces the resource.
   */
  declare public readonly target: pulumi.Output<RecordedTarget | null>;
  /** Rule of the first declared object mapping. */
  declare public readonly ruleId: pulumi.Output<string | null>;
  /** Schema version Graph reported when the resource last read the schema. */
  declare public readonly version: pulumi.Output<string | null>;
  /** The owned entries as Graph stores them. */
  declare public readonly ownedEntries: pulumi.Output<OwnedEntries>;
  /** Graph's parsed form of each declared expression (so an unchanged one is not parsed again). */
  declare public readonly parsedExpressions: pulumi.Output<ParsedSources>;
  /** What the last up changed, with what it means for the next cycle; null until one did. */
  declare public readonly lastChange: pulumi.Output<SchemaChangeRecord | null>;

  constructor(name: string, args: ProvisioningSchemaArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ProvisioningSchema"),
      name,
      {
        servicePrincipalId: args.servicePrincipalId,
        jobId: args.jobId,
        objectMappings: args.objectMappings,
        targetAttributes: args.targetAttributes,
        onDelete: args.onDelete,
        connection: secretWhenCredentialed(args.connection),
        target: declaredTarget(args.connection),
        ruleId: undefined,
        version: undefined,
        ownedEntries: undefined,
        parsedExpressions: undefined,
        lastChange: undefined,
      },
      withSecretOutputs(opts, ["connection"]),
      TOKEN_MODULE,
      "ProvisioningSchema",
    );
  }
}
