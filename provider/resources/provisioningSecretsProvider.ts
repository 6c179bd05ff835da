import type * as pulumi from "@pulumi/pulumi";
import {
  type GraphApi,
  JSON_VALUED_SECRET_NAMES,
  type SynchronizationSecretKeyStringValuePair,
  type SynchronizationSecretName,
} from "../graph/types";
import type { ConnectionSettings } from "./connectionArgs";
import { isGraphError } from "../graph/graphError";
import { failure, isNotFound, messageOf, redact } from "./graphFailures";
import { changedProperties, sameValue } from "./propertyDiff";
import type { ProviderDeps } from "./providerDeps";
import { retryWhileReplicating } from "./replication";
import {
  bool,
  checkInputs,
  connection,
  connectionFields,
  guid,
  type InputSpec,
  pathSegment,
  requiresOneOfWhen,
  secretCredentials,
} from "./validation";

/** Plain inputs of ProvisioningSecrets (after check). */
export interface ProvisioningSecretsInputs {
  servicePrincipalId: string;
  credentials: Record<string, string>;
  jobId?: string | null;
  templateId?: string | null;
  validate?: boolean;
  connection?: ConnectionSettings | null;
}

/** Outputs of ProvisioningSecrets. Resource id = `<servicePrincipalId>/secrets`. */
export interface ProvisioningSecretsOutputs {
  servicePrincipalId: string;
  /** Secret (additionalSecretOutputs). */
  credentials: Record<string, string>;
  /** Managed key names, sorted; not secret. */
  keys: string[];
  jobId: string | null;
  templateId: string | null;
  validate: boolean;
  connection: ConnectionSettings | null;
}

/** Input table of ProvisioningSecrets (design.md §3). */
export const PROVISIONING_SECRETS_SPEC: InputSpec = {
  fields: [
    {
      name: "servicePrincipalId",
      required: true,
      rule: guid,
      expects: "the service principal's object id (GUID)",
    },
    {
      name: "credentials",
      required: true,
      rule: secretCredentials,
      expects: "a map from synchronizationSecret names (e.g. SecretToken, BaseAddress) to string values",
    },
    { name: "jobId", rule: pathSegment, expects: "a synchronization job id" },
    { name: "templateId", rule: pathSegment, expects: "a synchronization template id such as aws or scim" },
    { name: "validate", default: true, rule: bool, expects: "true or false" },
    { name: "connection", rule: connection, expects: "a connection object" },
  ],
  cross: [requiresOneOfWhen("validate", ["jobId", "templateId"]), connectionFields],
};

/** What a key is set to when it stops being managed: `""` removes it; JSON-valued keys reject `""`, so `{}`. */
export function clearedValue(key: string): string {
  return (JSON_VALUED_SECRET_NAMES as readonly string[]).includes(key) ? "{}" : "";
}

function pairsOf(credentials: Record<string, string>): SynchronizationSecretKeyStringValuePair[] {
  return Object.keys(credentials)
    .sort()
    .map((key) => ({ key: key as SynchronizationSecretName, value: credentials[key] }));
}

/** Builds the ProvisioningSecrets provider over `deps`. */
export function createProvisioningSecretsProvider(deps: ProviderDeps): pulumi.dynamic.ResourceProvider {
  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
      return checkInputs(PROVISIONING_SECRETS_SPEC, news);
    },

    async diff(_id: string, olds: ProvisioningSecretsOutputs, news: ProvisioningSecretsInputs) {
      const replaces = changedProperties(olds, news, ["servicePrincipalId"]);
      const updates = changedProperties(olds, news, [
        "credentials",
        "jobId",
        "templateId",
        "validate",
        "connection",
      ]);
      // A managed key that vanished (found by read) is drift: the next up writes it again.
      const known = typeof news.credentials === "object" && news.credentials !== null;
      const keysDrifted = known && !sameValue(olds.keys, Object.keys(news.credentials).sort());
      return { changes: replaces.length > 0 || updates.length > 0 || keysDrifted, replaces };
    },

    async create(inputs: ProvisioningSecretsInputs) {
      const client = deps.clientFor(inputs.connection);
      await save(client, inputs, [], true);
      return { id: `${inputs.servicePrincipalId}/secrets`, outs: outputsOf(inputs) };
    },

    async read(id: string, props?: ProvisioningSecretsOutputs) {
      if (props === undefined) return { id: "", props: {} };
      const client = deps.clientFor(props.connection);
      let present: SynchronizationSecretKeyStringValuePair[];
      try {
        present = await client.getSynchronizationSecrets(props.servicePrincipalId);
      } catch (error) {
        if (isNotFound(error)) return { id: "", props: {} };
        throw failure(
          `Reading synchronization secrets of service principal ${props.servicePrincipalId}`,
          error,
          Object.values(props.credentials ?? {}),
        );
      }
      const byKey = new Map(present.map((p) => [p.key as string, p.value]));
      const credentials: Record<string, string> = {};
      for (const [key, value] of Object.entries(props.credentials ?? {})) {
        const seen = byKey.get(key);
        // Secret values come back masked as "*"; values in clear (JSON settings) can be compared.
        if (seen === undefined || seen === "") continue;
        if (seen !== "*" && seen !== value) continue;
        credentials[key] = value;
      }
      return { id, props: { ...props, credentials, keys: Object.keys(credentials).sort() } };
    },

    async update(_id: string, olds: ProvisioningSecretsOutputs, news: ProvisioningSecretsInputs) {
      const client = deps.clientFor(news.connection);
      const write =
        !sameValue(olds.credentials, news.credentials) ||
        !sameValue(olds.keys, Object.keys(news.credentials).sort()) ||
        !sameValue(olds.jobId, news.jobId) ||
        !sameValue(olds.templateId, news.templateId);
      if (write) {
        const dropped = (olds.keys ?? []).filter((k) => !(k in news.credentials));
        await save(client, news, dropped, false);
      }
      return { outs: outputsOf(news) };
    },

    async delete(_id: string, props: ProvisioningSecretsOutputs) {
      const keys = props.keys ?? [];
      if (keys.length === 0) return;
      const client = deps.clientFor(props.connection);
      try {
        await client.putSynchronizationSecrets(
          props.servicePrincipalId,
          keys.map((key) => ({ key: key as SynchronizationSecretName, value: clearedValue(key) })),
        );
      } catch (error) {
        if (!isNotFound(error)) {
          throw failure(
            `Clearing synchronization secrets ${keys.join(", ")} of service principal ${props.servicePrincipalId}`,
            error,
          );
        }
      }
    },
  };

  /**
   * Validates (when asked) and then PUTs the credentials plus cleared values for `dropped` keys.
   * A validation failure saves nothing. On create, a 404 on the new SP or job is replication.
   */
  async function save(
    client: GraphApi,
    inputs: ProvisioningSecretsInputs,
    dropped: string[],
    creating: boolean,
  ): Promise<void> {
    const sp = inputs.servicePrincipalId;
    const secrets = Object.values(inputs.credentials);
    const pairs = pairsOf(inputs.credentials);
    const onParent = <T>(what: string, call: () => Promise<T>): Promise<T> =>
      creating ? retryWhileReplicating(deps, inputs.connection, what, call) : call();
    if (inputs.validate !== false) {
      const what = inputs.jobId
        ? `Synchronization job ${inputs.jobId} of service principal ${sp}`
        : `Service principal ${sp}`;
      try {
        await onParent(what, () =>
          client.validateCredentials(sp, {
            ...(inputs.jobId ? { jobId: inputs.jobId } : { templateId: inputs.templateId ?? undefined }),
            credentials: pairs,
          }),
        );
      } catch (error) {
        const keys = pairs.map((p) => p.key).join(", ");
        // Only a 4xx about the request itself is a verdict on the credentials; a permission error,
        // a replication timeout or a lost response is not.
        const status = isGraphError(error) ? error.statusCode : 0;
        const rejected = status >= 400 && status < 500 && ![401, 403, 404].includes(status);
        const what = rejected
          ? `Graph rejected the credentials (keys ${keys}) for service principal ${sp} in validateCredentials`
          : `validateCredentials of the credentials (keys ${keys}) for service principal ${sp} failed`;
        throw new Error(redact(`${what}; nothing was saved. Graph said: ${messageOf(error)}`, secrets), {
          cause: error,
        });
      }
    }
    const clears = dropped.map((key) => ({
      key: key as SynchronizationSecretName,
      value: clearedValue(key),
    }));
    try {
      await onParent(`Service principal ${sp}`, () =>
        client.putSynchronizationSecrets(sp, [...pairs, ...clears]),
      );
    } catch (error) {
      throw failure(
        `Saving synchronization secrets (keys ${pairs.map((p) => p.key).join(", ")}) on service principal ${sp}`,
        error,
        secrets,
      );
    }
  }
}

function outputsOf(inputs: ProvisioningSecretsInputs): ProvisioningSecretsOutputs {
  return {
    servicePrincipalId: inputs.servicePrincipalId,
    credentials: inputs.credentials,
    keys: Object.keys(inputs.credentials).sort(),
    jobId: inputs.jobId ?? null,
    templateId: inputs.templateId ?? null,
    validate: inputs.validate ?? true,
    connection: inputs.connection ?? null,
  };
}
