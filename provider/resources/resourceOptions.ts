import * as pulumi from "@pulumi/pulumi";

/** Type-token module of every resource: tokens read `pulumi-nodejs:dynamic/graphProvisioning:<Name>`. */
export const TOKEN_MODULE = "graphProvisioning";

/** `opts` with `names` added to `additionalSecretOutputs` (the caller's own entries are kept). */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  names: string[],
): pulumi.CustomResourceOptions {
  return pulumi.mergeOptions(opts, { additionalSecretOutputs: names });
}
