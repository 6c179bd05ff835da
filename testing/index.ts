/**
 * `pulumi-graph-provisioning/testing`: run Pulumi programs offline, without the Pulumi CLI or a
 * tenant, through the REAL dynamic-provider host shipped in @pulumi/pulumi, against the Graph
 * emulator.
 *
 * ```ts
 * import {
 *   LocalStack,
 *   startEmulator,
 *   emulatorStackConfig,
 *   formatRunResult,
 * } from "pulumi-graph-provisioning/testing";
 *
 * const emulator = await startEmulator();
 * const stack = new LocalStack({
 *   stack: "ci",
 *   projectDir: __dirname,                 // holds Pulumi.yaml; the host's working directory
 *   program: "./index.ts",                 // or a function returning the stack outputs
 *   config: emulatorStackConfig(emulator), // graphProvisioning:* keys, clientSecret secure
 *   passphrase: "test",                    // default: PULUMI_CONFIG_PASSPHRASE
 * });
 * console.log(formatRunResult(await stack.preview()));
 * const up = await stack.up();             // up.ok, up.counts, up.outputs ("[secret]" for secrets)
 * await stack.destroy();
 * await emulator.stop();
 * ```
 *
 * `emulatorConnection(emulator)` gives the same settings as a `connection` input, for resources
 * and for the monitoring functions (`getProvisioningJobStatus`, `listProvisioningEvents`).
 *
 * Each operation starts a fresh host, so stack config changes apply on the next operation.
 * State lives in `.pulumi-local/<project>/<stack>.json` (secrets AES-256-GCM encrypted, as
 * Pulumi's passphrase secrets provider does). See programRunner.ts for what the engine does that
 * this harness does not.
 */
export {
  startEmulator,
  type EmulatorHandle,
  type EmulatorOptions,
  type EmulatorInfo,
  type RequestLogEntry,
} from "../emulator";
export { emulatorConnection, emulatorStackConfig } from "./emulatorConnection";
export {
  LocalStack,
  formatRunResult,
  moduleProgram,
  deletionOrder,
  type LocalStackOptions,
  type PulumiProgram,
  type RunResult,
  type ResourceStep,
  type StepOp,
  type StepCounts,
} from "./programRunner";
export {
  EngineHarness,
  HostCallError,
  resolveDynamicProviderHost,
  liveHostPids,
  type EngineHarnessOptions,
  type ConfigEntry,
  type StackConfigMap,
  type ResourceRef,
  type CheckFailure,
  type DiffResult,
} from "./engineHarness";
export { StateFile, STATE_FILE_VERSION, type StackState, type ResourceState } from "./stateFile";
export {
  readProject,
  readStackConfig,
  writeStackConfig,
  stackConfigPath,
  type ProjectInfo,
  type StackConfig,
  type ConfigInput,
} from "./stackConfig";
export { PassphraseCrypter, passphraseFromEnvironment, PBKDF2_ITERATIONS } from "./passphraseCrypter";
export {
  SIG_KEY,
  SECRET_SIG,
  UNKNOWN_VALUE,
  SECRET_PLACEHOLDER,
  isSecretValue,
  makeSecret,
  stripSecrets,
  annotateSecrets,
  displayValue,
  secretStrings,
  containsSecrets,
  containsUnknowns,
  type PropertyMap,
  type PropertyValue,
} from "./propertyValues";
