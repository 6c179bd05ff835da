/**
 * The @pulumi/pulumi releases this package supports (design.md §2): from the first whose
 * dynamic-provider host calls a provider's `configure()` with the stack config (3.139.0,
 * pulumi/pulumi#17697). Below it, `graphProvisioning:*` stack config never reaches the providers, and
 * they would silently take credentials from the environment instead; so they refuse to run.
 */

/** The lowest supported @pulumi/pulumi (also the lower bound of `peerDependencies`). */
export const MIN_PULUMI_SDK_VERSION = "3.139.0";

/** The version of the @pulumi/pulumi this process loads (the project's), or undefined when unknown. */
export function loadedPulumiSdkVersion(): string | undefined {
  try {
    return (require("@pulumi/pulumi/package.json") as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** True when `version` (x.y.z, pre-release suffix ignored) is at least {@link MIN_PULUMI_SDK_VERSION}. */
export function isSupportedPulumiSdk(version: string): boolean {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]
      .split(".")
      .map((n) => Number(n) || 0);
  const [have, need] = [parts(version), parts(MIN_PULUMI_SDK_VERSION)];
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i];
  }
  return true;
}

const UPGRADE = `Upgrade the project's SDK: npm install @pulumi/pulumi@^${MIN_PULUMI_SDK_VERSION}`;

/**
 * Throws when the loaded @pulumi/pulumi is older than {@link MIN_PULUMI_SDK_VERSION}: called when a
 * resource is declared, so `pulumi preview` stops before anything runs.
 */
export function assertSupportedPulumiSdk(version: string | undefined = loadedPulumiSdkVersion()): void {
  if (version === undefined || isSupportedPulumiSdk(version)) return;
  throw new Error(
    `pulumi-graph-provisioning needs @pulumi/pulumi ${MIN_PULUMI_SDK_VERSION} or later; this project ` +
      `has ${version}, whose dynamic-provider host never passes the stack configuration to providers ` +
      `(graphProvisioning:* settings would be ignored and credentials taken from the environment). ${UPGRADE}`,
  );
}

/**
 * The error of a provider call that came before any `configure()`: the host is older than
 * {@link MIN_PULUMI_SDK_VERSION} (a program that declared resources with a newer SDK than the host).
 */
export function notConfiguredError(): Error {
  const version = loadedPulumiSdkVersion();
  return new Error(
    `pulumi-graph-provisioning: the Pulumi dynamic-provider host did not call the provider's configure() ` +
      `with the stack configuration, so graphProvisioning:* settings cannot be read; refusing to fall ` +
      `back to environment credentials. Hosts from @pulumi/pulumi ${MIN_PULUMI_SDK_VERSION} on call it` +
      `${version ? ` (this host's @pulumi/pulumi: ${version})` : ""}. ${UPGRADE}`,
  );
}
