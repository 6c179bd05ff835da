import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInput } from "../graph/connection";

/**
 * Plain connection settings as a provider receives them: the client's `ConnectionInput` (design.md
 * §4). A missing field falls back to the stack config namespace `graphProvisioning`, then the environment.
 */
export type ConnectionSettings = ConnectionInput;

/** The `connection` input of every resource: {@link ConnectionSettings} with Pulumi inputs. */
export type ConnectionArgs = {
  [K in keyof ConnectionSettings]?: pulumi.Input<ConnectionSettings[K]>;
};

/** True when `proxy` is a URL carrying a password (`http://user:password@host:port`). */
function hasPassword(proxy: string | undefined): boolean {
  return typeof proxy === "string" && URL.canParse(proxy) && new URL(proxy).password !== "";
}

/**
 * Wraps a `connection` input so that it is a secret whenever it holds a `clientSecret` or a proxy
 * password, and left as it is otherwise. Returns undefined when no connection was given.
 */
export function secretWhenCredentialed(
  connection: pulumi.Input<ConnectionArgs> | undefined,
): pulumi.Output<ConnectionSettings> | undefined {
  if (connection === undefined) return undefined;
  return pulumi.output(connection).apply((value) => {
    const c = value as ConnectionSettings;
    // A nested Output returned from apply is lifted, secretness included.
    return c.clientSecret !== undefined || hasPassword(c.proxy) ? pulumi.secret(c) : pulumi.output(c);
  });
}
