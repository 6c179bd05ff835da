/**
 * Runs a Pulumi program without the Pulumi CLI: the program is evaluated by the real SDK under
 * `pulumi.runtime.setMocks`, and every resource registration is forwarded to the real
 * dynamic-provider host through {@link EngineHarness}, as the engine would do it:
 *
 * - preview: Check + Diff only; creates, updates, replaces and deletes are planned, not made.
 *   As the engine does with a provider that does not support preview (the dynamic-provider host):
 *   a resource to create or replace gets an unknown id; a resource to update keeps its old id
 *   ("always propagate the ID, even in previews") and its outputs are its new checked inputs only,
 *   so computed outputs are unknown; an unchanged one keeps its old outputs.
 * - up: Check → Create, or Diff → Update / replace (create-before-delete, or delete-before-replace
 *   when the diff or the resource option asks); outputs flow between resources; component
 *   resources pass through; at the end, resources no longer declared are deleted in reverse
 *   dependency order (only when the program and every step succeeded, like `pulumi up`).
 * - refresh: Read for every resource; state updated, gone resources dropped.
 * - destroy: Delete every resource in reverse dependency order.
 *
 * A program that fails (throws, throws inside an `apply`, or has a step fail) ends its run with
 * `ok: false` and the error in `errors`, as under the CLI: what did not wait on the failed value still
 * runs, what was created stays in state, and the run ends once nothing makes progress any more (see
 * {@link LocalStackOptions.failureSettleMs}). The host is stopped after every operation.
 *
 * State is kept between runs in a {@link StateFile} (secrets encrypted under the passphrase).
 * Not covered (the real engine does it): parallelism limits, protect, ignoreChanges, aliases,
 * import, retainOnDelete, deletedWith, replacing dependents of a delete-before-replace.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineHarness, HostCallError, type ResourceRef, type StackConfigMap } from "./engineHarness";
import { passphraseFromEnvironment } from "./passphraseCrypter";
import {
  deepEqual,
  displayValue,
  SECRET_PLACEHOLDER,
  stripSecretsMap,
  type PropertyMap,
} from "./propertyValues";
import { readProject, readStackConfig, stackConfigPath, type ConfigInput } from "./stackConfig";
import { StateFile, type ResourceState, type StackState } from "./stateFile";

// Internal SDK modules: the runtime state that setMocks resets, and the RPC queue to drain.
const sdkSettings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs(): Promise<void>;
  setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
};
const sdkState = require("@pulumi/pulumi/runtime/state") as {
  getStore(): Record<string, unknown> & { logErrorCount: number };
};
const sdkStack = require("@pulumi/pulumi/runtime/stack") as {
  runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
};

/** A program: returns (or resolves to) the stack outputs, or nothing. */
export type PulumiProgram = () => unknown;

/** What a run did (or, in a preview, would do) to one resource. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same";

/** One resource's step in a {@link RunResult}. */
export interface ResourceStep {
  urn: string;
  type: string;
  name: string;
  /** False for component resources and the stack. */
  custom: boolean;
  parent?: string;
  op: StepOp;
  /** Provider id after the step (`""` when unknown in a preview or deleted). */
  id: string;
  /** Properties that forced a replacement. */
  replaces?: string[];
  /** Replacement order: true = delete-before-replace. */
  deleteBeforeReplace?: boolean;
  /** Set when the step failed. */
  error?: string;
}

/** Counts of steps by operation (custom and component resources alike, as Pulumi counts them). */
export type StepCounts = Record<StepOp, number>;

/** Result of a preview, up, refresh or destroy. */
export interface RunResult {
  kind: "preview" | "up" | "refresh" | "destroy";
  project: string;
  stack: string;
  /** True when the program and every step succeeded. */
  ok: boolean;
  steps: ResourceStep[];
  counts: StepCounts;
  /** Stack outputs for display: secrets as `"[secret]"`, preview unknowns as `"[unknown]"`. */
  outputs: Record<string, unknown>;
  errors: { urn?: string; message: string }[];
  /** Everything the dynamic-provider host printed (stdout + stderr). */
  hostOutput: string;
  /** Process id of the run's dynamic-provider host; it has exited by the time the result is returned. */
  hostPid: number;
  /** Wall time of the run, in milliseconds. */
  durationMs: number;
}

/** Options of {@link LocalStack}. */
export interface LocalStackOptions {
  /** Stack name; selects `Pulumi.<stack>.yaml`. */
  stack: string;
  /**
   * The program: a function, or a module path (a `.ts` path is loaded through ts-node in
   * transpile-only mode when available). Default: the project's `main` from `Pulumi.yaml`.
   */
  program?: PulumiProgram | string;
  /** Project directory (holds Pulumi.yaml; the host's cwd). Default: `process.cwd()`. */
  projectDir?: string;
  /** Project name. Default: `name` from Pulumi.yaml, else `"project"`. */
  projectName?: string;
  /** Stack config file. Default `<projectDir>/Pulumi.<stack>.yaml` (a missing file is empty config). */
  stackConfigFile?: string;
  /** Config merged over the stack file's: plain values, or `{ secure: plaintext }` for secrets. */
  config?: Record<string, ConfigInput>;
  /** State file. Default `<projectDir>/.pulumi-local/<project>/<stack>.json`. */
  stateFile?: string;
  /** Passphrase for secure config and the state file. Default `PULUMI_CONFIG_PASSPHRASE[_FILE]`. */
  passphrase?: string;
  /** Deadline of each call to the host, in milliseconds. Default 120 000. */
  callTimeoutMs?: number;
  /** Extra environment variables for the host process. */
  hostEnv?: Record<string, string | undefined>;
  /**
   * Once the program has failed (an error thrown by it or inside an `apply`, or a failed step), how
   * long the run waits with no registration in flight and none arriving before it ends, in
   * milliseconds. Default 500. Registrations that wait on a failed value never arrive; the real
   * engine ends when the program's process has nothing left to do, which this approximates. Raise it
   * for programs that do slow I/O of their own after a failure.
   */
  failureSettleMs?: number;
}

interface RegistrationInfo {
  ref: ResourceRef;
  custom: boolean;
  parent?: string;
  dependencies: string[];
  inputs: PropertyMap;
  additionalSecretOutputs: string[];
  deleteBeforeReplace: boolean;
}

/** Serializes every run in this process: the SDK's runtime state is global. */
let runQueue: Promise<unknown> = Promise.resolve();

/**
 * A stack run locally through the real dynamic-provider host. Each operation starts a fresh host
 * (as `pulumi` does per command), so configuration changes take effect on the next operation.
 * Operations of all `LocalStack`s in a process run one at a time.
 */
export class LocalStack {
  readonly projectDir: string;
  readonly projectName: string;
  readonly stackName: string;
  readonly stateFilePath: string;
  private readonly programSpec?: PulumiProgram | string;
  private readonly projectMain?: string;

  constructor(private readonly options: LocalStackOptions) {
    if (!options.stack || !/^[A-Za-z0-9_.-]+$/.test(options.stack)) {
      throw new Error(`stack: "${options.stack}" is not a valid stack name (letters, digits, "_", "-", ".")`);
    }
    const settle = options.failureSettleMs;
    if (settle !== undefined && !(Number.isFinite(settle) && settle >= 0)) {
      throw new Error(`failureSettleMs: ${settle} is not allowed (a number of milliseconds, 0 or more)`);
    }
    this.projectDir = path.resolve(options.projectDir ?? process.cwd());
    let projectName = options.projectName;
    try {
      const project = readProject(this.projectDir);
      projectName ??= project.name;
      this.projectMain = project.main;
    } catch {
      // No Pulumi.yaml: fine when the program and project name are given.
    }
    this.projectName = projectName ?? "project";
    this.stackName = options.stack;
    this.programSpec = options.program;
    this.stateFilePath = path.resolve(
      options.stateFile ??
        path.join(this.projectDir, ".pulumi-local", this.projectName, `${this.stackName}.json`),
    );
  }

  /** Evaluates the program and plans the steps (Check + Diff only); writes nothing. */
  preview(): Promise<RunResult> {
    return this.serialized("preview");
  }

  /** Evaluates the program and applies the steps; saves the state. */
  up(): Promise<RunResult> {
    return this.serialized("up");
  }

  /** Reads every resource back from its provider; saves the state. */
  refresh(): Promise<RunResult> {
    return this.serialized("refresh");
  }

  /** Deletes every resource; saves the (empty) state. */
  destroy(): Promise<RunResult> {
    return this.serialized("destroy");
  }

  /** The recorded state (secret values decrypted, still wrapped as secrets). */
  async state(): Promise<StackState> {
    return (await this.openState()).load();
  }

  private serialized(kind: RunResult["kind"]): Promise<RunResult> {
    const run = runQueue.then(() => this.run(kind));
    runQueue = run.catch(() => undefined);
    return run;
  }

  private passphrase(): string {
    return (
      this.options.passphrase ?? passphraseFromEnvironment(`to encrypt secrets in ${this.stateFilePath}`)
    );
  }

  private async loadConfig(): Promise<{ config: StackConfigMap; encryptionSalt?: string }> {
    const file = this.options.stackConfigFile ?? stackConfigPath(this.projectDir, this.stackName);
    const fromFile = await readStackConfig(file, this.projectName, { passphrase: this.options.passphrase });
    const config: StackConfigMap = {};
    try {
      Object.assign(config, readProject(this.projectDir).configDefaults);
    } catch {
      // No Pulumi.yaml: no project defaults.
    }
    Object.assign(config, fromFile.config);
    for (const [k, v] of Object.entries(this.options.config ?? {})) {
      const key = k.includes(":") ? k : `${this.projectName}:${k}`;
      config[key] =
        typeof v === "object" ? { value: v.secure, secret: true } : { value: String(v), secret: false };
    }
    return { config, ...(fromFile.encryptionSalt ? { encryptionSalt: fromFile.encryptionSalt } : {}) };
  }

  private async openState(encryptionSalt?: string): Promise<StateFile> {
    return new StateFile(this.stateFilePath, this.passphrase(), encryptionSalt);
  }

  private async run(kind: RunResult["kind"]): Promise<RunResult> {
    const started = Date.now();
    const { config, encryptionSalt } = await this.loadConfig();
    const stateFile = await this.openState(encryptionSalt);
    const old = await stateFile.load();
    const harness = await EngineHarness.start({
      projectDir: this.projectDir,
      projectName: this.projectName,
      stackName: this.stackName,
      config,
      callTimeoutMs: this.options.callTimeoutMs,
      env: this.options.hostEnv,
    });
    const ctx = new RunContext(kind, harness, old, stateFile, this.options.failureSettleMs ?? 500);
    try {
      if (kind === "preview" || kind === "up") {
        await ctx.evaluate(this.program(), this.projectName, this.stackName, config);
      } else if (kind === "refresh") {
        await ctx.refreshAll();
      } else {
        await ctx.destroyAll();
      }
    } finally {
      await harness.stop();
    }
    return ctx.result(this.projectName, this.stackName, harness, Date.now() - started);
  }

  private program(): PulumiProgram {
    const spec = this.programSpec ?? this.projectMain;
    if (spec === undefined)
      throw new Error(`program: none given and no Pulumi.yaml "main" in ${this.projectDir}`);
    return typeof spec === "function" ? spec : moduleProgram(path.resolve(this.projectDir, spec));
  }
}

/** The mutable state of one run. */
class RunContext {
  readonly steps: ResourceStep[] = [];
  readonly errors: { urn?: string; message: string }[] = [];
  /** New state, in completion order (a valid dependency order). */
  private readonly next: ResourceState[] = [];
  private readonly registered = new Set<string>();
  /** Old copies of resources replaced create-before-delete, deleted at the end. */
  private readonly replacedOld: ResourceState[] = [];
  private stackOutputs: PropertyMap = {};
  private saveChain: Promise<void> = Promise.resolve();
  private readonly oldByUrn: Map<string, ResourceState>;
  /** Registrations being handled right now (host calls in flight). */
  private inFlight = 0;
  /** Bumped whenever a registration starts or ends: the program is still making progress. */
  private activity = 0;
  /** Called on the first failure of the run (see {@link fail}). */
  private onFailure?: () => void;
  /**
   * Set when the evaluation is over. The SDK may still hold registrations that wait on a failed
   * value; should one ever arrive, it must not touch this run's steps or state file.
   */
  closed = false;

  constructor(
    readonly kind: RunResult["kind"],
    private readonly harness: EngineHarness,
    private readonly old: StackState,
    private readonly stateFile: StateFile,
    private readonly failureSettleMs: number,
  ) {
    this.oldByUrn = new Map(old.resources.filter((r) => !r.pendingDelete).map((r) => [r.urn, r]));
  }

  /** Records an error of the run and signals that the program has failed. */
  private fail(error: { urn?: string; message: string }): void {
    // The result (which shares this array) may be out already: a late error belongs to no run.
    if (this.closed) return;
    this.errors.push(error);
    this.onFailure?.();
  }

  private get preview(): boolean {
    return this.kind === "preview";
  }

  /** Runs the program under mocks; each registration goes through {@link register}. */
  async evaluate(
    program: PulumiProgram,
    project: string,
    stack: string,
    config: StackConfigMap,
  ): Promise<void> {
    const plain: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, e] of Object.entries(config)) {
      plain[k] = e.value;
      if (e.secret) secretKeys.push(k);
    }
    const mocks: pulumi.runtime.Mocks = {
      newResource: () => {
        throw new Error("unreachable: registrations go through the harness monitor");
      },
      call: (args) => {
        throw new Error(`invoke ${args.token}: functions are not supported by the local engine harness`);
      },
    };
    await pulumi.runtime.setMocks(mocks, project, stack, this.preview);
    // Replace the mock monitor with the harness's, as setMocks installs its own: SDKs before ~3.150
    // keep it in a module variable, later ones also in the store, and setMockOptions sets both. It
    // also resets the feature flags setMocks turned on (supportsSecrets, …): put them back.
    const store = sdkState.getStore();
    const features = Object.fromEntries(Object.entries(store).filter(([k]) => k.startsWith("supports")));
    sdkSettings.setMockOptions(new HarnessMonitor(mocks, this), project, stack, this.preview);
    Object.assign(store, features);
    pulumi.runtime.setAllConfig(plain, secretKeys);
    // The first failure of any kind: a program error, an error inside an apply, a failed step.
    let failed!: () => void;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    this.onFailure = failed;
    // A failed program or registration rejects many derived SDK promises nobody awaits; the
    // language host reports each distinct error once instead of letting Node crash, and so do we.
    const unhandled = new Map<string, unknown>();
    const onUnhandled = (reason: unknown) => {
      unhandled.set(errorMessage(reason), reason);
      failed();
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const completed = (async () => {
        try {
          await sdkStack.runInPulumiStack(async () => program());
        } catch (e) {
          this.fail({ message: `program failed: ${errorMessage(e)}` });
        }
        try {
          await sdkSettings.waitForRPCs();
        } catch (e) {
          this.fail({ message: errorMessage(e) });
        }
      })();
      // After a failure, neither of those may ever settle: the SDK never resolves a resource whose
      // inputs failed to serialize (a throwing apply), so whatever depends on it, the stack outputs
      // and the RPC queue wait forever. Under the CLI the Node process then runs out of work and
      // exits; here the run ends once the program has made no more progress for a while.
      await Promise.race([completed, failure.then(() => this.quiescence(this.failureSettleMs))]);
      // Rejections are reported after the microtask queue drains: let the last ones arrive.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onUnhandled);
      this.onFailure = undefined;
      this.closed = true;
    }
    for (const message of unhandled.keys()) {
      // One error per cause: the SDK re-throws it wrapped ("error serializing property …: <cause>",
      // "failed to register new resource …: <cause>") in every promise derived from it.
      const known = (e: { message: string }) =>
        e.message.includes(message) || message.includes(e.message.replace(/^program failed: /, ""));
      if (!this.errors.some(known)) this.errors.push({ message: `program failed: ${message}` });
    }
    if (this.errors.length > 0) {
      // What the language host's error log does: the SDK then does not report the promises a
      // failed program leaves pending as leaks when the process exits (nor fail its exit code).
      sdkState.getStore().logErrorCount++;
    }
    if (this.errors.length === 0) {
      await this.deleteUndeclared();
    } else {
      // Like `pulumi up`, a failed update deletes nothing else and keeps what it did not touch.
      for (const r of this.old.resources)
        if (r.pendingDelete || !this.registered.has(r.urn)) this.next.push(r);
      for (const r of this.replacedOld) this.next.push({ ...r, pendingDelete: true });
    }
    await this.save();
  }

  /**
   * Resolves once no registration has been in flight, and none has started or ended, for `quietMs`.
   * Work the SDK does in microtasks (serializing, resolving outputs, preparing dependents) always
   * finishes before a timer fires, so only the program's own I/O can outlast the window.
   */
  private async quiescence(quietMs: number): Promise<void> {
    let seen = -1;
    while (this.inFlight > 0 || seen !== this.activity) {
      seen = this.activity;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  /** Handles one registration from the SDK; returns the id and wire-form outputs to answer with. */
  async register(info: RegistrationInfo): Promise<{ id: string; outputs: PropertyMap }> {
    this.inFlight++;
    this.activity++;
    try {
      return await this.registerResource(info);
    } finally {
      this.inFlight--;
      this.activity++;
    }
  }

  private async registerResource(info: RegistrationInfo): Promise<{ id: string; outputs: PropertyMap }> {
    const urn = info.ref.urn;
    this.registered.add(urn);
    const old = this.oldByUrn.get(urn);
    if (!info.custom) {
      this.addStep(info, old ? "same" : "create", "");
      this.record({ ...toState(info, "", old?.outputs ?? {}) });
      return { id: "", outputs: {} };
    }
    if (!info.ref.type.startsWith("pulumi-nodejs:dynamic") && !("__provider" in info.inputs)) {
      throw new Error(
        `${urn}: only dynamic resources (pulumi.dynamic.Resource) run under the local engine harness`,
      );
    }
    try {
      return await this.registerCustom(info, old);
    } catch (e) {
      const message = errorMessage(e);
      this.fail({ urn, message });
      this.steps.push(step(info, old ? "update" : "create", old?.id ?? "", { error: message }));
      if (e instanceof HostCallError && e.initFailed) {
        // Created but failed to initialize: keep it in state, as the engine does.
        this.record(toState(info, e.initFailed.id, e.initFailed.outputs));
      } else if (old) {
        this.record(old);
      }
      throw e;
    }
  }

  private async registerCustom(info: RegistrationInfo, old: ResourceState | undefined) {
    const { ref } = info;
    const checked = await this.harness.check(ref, old?.inputs ?? {}, info.inputs);
    if (checked.failures.length > 0) {
      const reasons = checked.failures
        .map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason))
        .join("; ");
      throw new Error(`${ref.urn}: check failed: ${reasons}`);
    }
    const inputs = checked.inputs;
    const aso = info.additionalSecretOutputs;
    if (!old) {
      if (this.preview) {
        this.addStep(info, "create", "");
        return { id: "", outputs: inputs };
      }
      const created = await this.harness.create(ref, inputs, aso);
      this.addStep(info, "create", created.id);
      this.record(toState(info, created.id, created.outputs, inputs));
      return { id: created.id, outputs: created.outputs };
    }
    const diff = await this.harness.diff(ref, old.id, old.outputs, inputs, old.inputs);
    let changes = diff.changes;
    if (changes === "unknown") {
      // The provider has no diff(): the engine compares the inputs itself.
      changes = deepEqual(stripSecretsMap(old.inputs), stripSecretsMap(inputs)) ? "none" : "some";
    }
    if (diff.replaces.length === 0) {
      if (changes === "none") {
        this.addStep(info, "same", old.id);
        this.record(toState(info, old.id, old.outputs, inputs));
        return { id: old.id, outputs: old.outputs };
      }
      if (this.preview) {
        // The engine's UpdateStep in a preview: the id is kept, the outputs are the new inputs
        // (the host cannot preview, so no computed output is known). Keep this faithful: it is
        // what makes previews of dependents honest or not.
        this.addStep(info, "update", old.id);
        return { id: old.id, outputs: inputs };
      }
      const updated = await this.harness.update(ref, old.id, old.outputs, inputs, old.inputs, aso);
      this.addStep(info, "update", old.id);
      this.record(toState(info, old.id, updated.outputs, inputs));
      return { id: old.id, outputs: updated.outputs };
    }
    const deleteBeforeReplace =
      diff.deleteBeforeReplace || info.deleteBeforeReplace || !!old.deleteBeforeReplace;
    const extra = { replaces: diff.replaces, deleteBeforeReplace };
    if (this.preview) {
      this.addStep(info, "replace", "", extra);
      return { id: "", outputs: inputs };
    }
    if (deleteBeforeReplace) {
      await this.harness.delete(ref, old.id, old.outputs, old.inputs);
      // Gone now: if the create below fails, the state must not claim the old object.
      this.oldByUrn.delete(ref.urn);
    }
    const created = await this.harness.create(ref, inputs, aso);
    if (!deleteBeforeReplace) this.replacedOld.push(old);
    this.addStep(info, "replace", created.id, extra);
    this.record(toState(info, created.id, created.outputs, inputs));
    return { id: created.id, outputs: created.outputs };
  }

  /** Records a component's outputs (`registerOutputs`); the stack's become the stack outputs. */
  registerOutputs(urn: string, outputs: PropertyMap): void {
    if (this.closed) return;
    this.activity++;
    if (urn.split("::")[2] === "pulumi:pulumi:Stack") this.stackOutputs = outputs;
    const r = this.next.find((s) => s.urn === urn);
    if (r) r.outputs = outputs;
    if (!this.preview) void this.save();
  }

  /** End of `up`: delete replaced copies and undeclared resources, dependents first. */
  private async deleteUndeclared(): Promise<void> {
    const undeclared = this.old.resources.filter((r) => !r.pendingDelete && !this.registered.has(r.urn));
    const pending = this.old.resources.filter((r) => r.pendingDelete);
    const doomed = [...undeclared, ...this.replacedOld, ...pending];
    for (const r of deletionOrder(doomed)) {
      const isReplaced = this.replacedOld.includes(r) || !!r.pendingDelete;
      if (!isReplaced) this.steps.push(stateStep(r, "delete"));
      if (this.preview || !r.custom) continue;
      try {
        await this.harness.delete(refOf(r), r.id, r.outputs, r.inputs);
      } catch (e) {
        this.errors.push({ urn: r.urn, message: errorMessage(e) });
        if (!isReplaced) this.steps[this.steps.length - 1].error = errorMessage(e);
        // Still exists: keep it in state so a later run can retry.
        this.next.push(isReplaced ? { ...r, pendingDelete: true } : r);
      }
    }
  }

  /** `refresh`: Read every custom resource; drop the gone ones. */
  async refreshAll(): Promise<void> {
    for (const r of this.old.resources) {
      if (!r.custom) {
        this.next.push(r);
        this.steps.push(stateStep(r, "same"));
        continue;
      }
      try {
        const read = await this.harness.read(refOf(r), r.id, r.outputs, r.inputs, r.additionalSecretOutputs);
        if (!read.id) {
          this.steps.push(stateStep(r, "delete"));
          continue;
        }
        const changed = !deepEqual(stripSecretsMap(read.outputs), stripSecretsMap(r.outputs));
        this.steps.push({ ...stateStep(r, changed ? "update" : "same"), id: read.id });
        this.next.push({ ...r, id: read.id, outputs: read.outputs, inputs: read.inputs ?? r.inputs });
      } catch (e) {
        this.errors.push({ urn: r.urn, message: errorMessage(e) });
        this.next.push(r);
      }
    }
    this.stackOutputs = this.old.outputs;
    await this.save();
  }

  /** `destroy`: delete every resource, dependents first. */
  async destroyAll(): Promise<void> {
    const kept: ResourceState[] = [];
    for (const r of deletionOrder(this.old.resources)) {
      this.steps.push(stateStep(r, "delete"));
      if (!r.custom) continue;
      try {
        await this.harness.delete(refOf(r), r.id, r.outputs, r.inputs);
      } catch (e) {
        this.errors.push({ urn: r.urn, message: errorMessage(e) });
        this.steps[this.steps.length - 1].error = errorMessage(e);
        kept.push(r);
      }
    }
    this.next.push(...kept.reverse());
    this.stackOutputs = {};
    await this.save();
  }

  private addStep(info: RegistrationInfo, op: StepOp, id: string, extra: Partial<ResourceStep> = {}): void {
    this.steps.push(step(info, op, id, extra));
  }

  private record(r: ResourceState): void {
    const i = this.next.findIndex((s) => s.urn === r.urn && !s.pendingDelete);
    if (i >= 0) this.next.splice(i, 1);
    this.next.push(r);
    if (!this.preview) void this.save();
  }

  /** Saves after every step (like the engine's checkpoints), one write at a time. */
  private save(): Promise<void> {
    if (this.preview) return Promise.resolve();
    this.saveChain = this.saveChain
      .catch(() => undefined)
      .then(() => this.stateFile.save({ resources: [...this.next], outputs: this.stackOutputs }));
    return this.saveChain;
  }

  result(project: string, stack: string, harness: EngineHarness, durationMs: number): RunResult {
    const counts: StepCounts = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
    for (const s of this.steps) if (!s.error) counts[s.op]++;
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.stackOutputs)) outputs[k] = displayValue(v);
    return {
      kind: this.kind,
      project,
      stack,
      ok: this.errors.length === 0,
      steps: this.steps,
      counts,
      outputs,
      errors: this.errors,
      hostOutput: harness.output(),
      hostPid: harness.pid,
      durationMs,
    };
  }
}

/** The SDK's mock monitor, with registrations answered by the harness instead of mocks. */
class HarnessMonitor extends MockMonitor {
  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly ctx: RunContext,
  ) {
    super(mocks);
  }

  override async readResource(
    req: resproto.ReadResourceRequest,
    callback: (err: unknown, res?: unknown) => void,
  ) {
    callback(
      new Error(
        `${req.getType()} ${req.getName()}: reading existing resources (.get) is not supported by the local engine harness`,
      ),
    );
  }

  override async registerResource(
    req: resproto.RegisterResourceRequest,
    callback: (err: unknown, res?: unknown) => void,
  ) {
    // A registration that was still waiting on a failed value when its run ended: that run's host
    // is gone and its state saved. Left unanswered, as it would be by a program process that exited.
    if (this.ctx.closed) return;
    try {
      const urn = newUrn(req.getParent(), req.getType(), req.getName());
      const dependencies = new Set<string>(req.getDependenciesList());
      for (const [, deps] of req.getPropertydependenciesMap().entries()) {
        for (const d of deps.getUrnsList()) dependencies.add(d);
      }
      const info: RegistrationInfo = {
        ref: { urn, type: req.getType(), name: req.getName() },
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
        dependencies: [...dependencies],
        inputs: (req.getObject()?.toJavaScript() ?? {}) as PropertyMap,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
      };
      const { id, outputs } = await this.ctx.register(info);
      this.resources.set(urn, { urn, id: id || null, state: outputs });
      const resproto =
        require("@pulumi/pulumi/proto/resource_pb") as typeof import("@pulumi/pulumi/proto/resource_pb");
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(id);
      response.setObject(Struct.fromJavaScript(outputs as Record<string, never>));
      callback(null, response);
    } catch (err) {
      // A plain error: a host call's gRPC code (UNAVAILABLE when the host died) would make the SDK
      // take the monitor for gone and leave this resource, and all that depends on it, unresolved.
      callback(new Error(errorMessage(err)), undefined);
    }
  }

  override registerResourceOutputs(
    req: resproto.RegisterResourceOutputsRequest,
    callback: (err: unknown, res?: unknown) => void,
  ) {
    this.ctx.registerOutputs(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as PropertyMap);
    super.registerResourceOutputs(req, callback);
  }
}

/**
 * The URN the engine gives a resource: the parent's whole qualified type chain prefixes the type,
 * except for the root stack's children (the SDK's `createUrn` follows the same rule).
 */
function newUrn(parent: string, type: string, name: string): string {
  const parentType = parent ? parent.split("::")[2] : "";
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

function step(
  info: RegistrationInfo,
  op: StepOp,
  id: string,
  extra: Partial<ResourceStep> = {},
): ResourceStep {
  return {
    urn: info.ref.urn,
    type: info.ref.type,
    name: info.ref.name,
    custom: info.custom,
    ...(info.parent ? { parent: info.parent } : {}),
    op,
    id,
    ...extra,
  };
}

function stateStep(r: ResourceState, op: StepOp): ResourceStep {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.custom,
    ...(r.parent ? { parent: r.parent } : {}),
    op,
    id: r.id,
  };
}

function toState(
  info: RegistrationInfo,
  id: string,
  outputs: PropertyMap,
  inputs: PropertyMap = info.inputs,
): ResourceState {
  return {
    urn: info.ref.urn,
    type: info.ref.type,
    name: info.ref.name,
    custom: info.custom,
    id,
    ...(info.parent ? { parent: info.parent } : {}),
    dependencies: info.dependencies,
    inputs,
    outputs,
    additionalSecretOutputs: info.additionalSecretOutputs,
    ...(info.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
  };
}

function refOf(r: ResourceState): ResourceRef {
  return { urn: r.urn, type: r.type, name: r.name };
}

/**
 * Orders resources so that each comes before everything it depends on (its dependencies and its
 * parent): dependents are deleted first. Ties keep reverse creation order.
 */
export function deletionOrder(resources: readonly ResourceState[]): ResourceState[] {
  const remaining = [...resources].reverse();
  const ordered: ResourceState[] = [];
  while (remaining.length > 0) {
    // A resource can go once no other remaining resource depends on it (or is its child).
    const i = remaining.findIndex(
      (r) =>
        !remaining.some(
          (o) => o !== r && o.urn !== r.urn && (o.dependencies.includes(r.urn) || o.parent === r.urn),
        ),
    );
    // A cycle cannot come from the SDK; fall back to reverse creation order rather than loop.
    const [next] = remaining.splice(i >= 0 ? i : 0, 1);
    ordered.push(next);
  }
  return ordered;
}

/** A program loaded from a module: `export`s are the stack outputs; a default-exported function is called. */
export function moduleProgram(file: string): PulumiProgram {
  return async () => {
    const dir = path.extname(file) ? path.dirname(file) : file;
    ensureTypeScript(file, dir);
    const resolved = require.resolve(file);
    // Re-evaluate the program (and its own local modules) on every run.
    for (const k of Object.keys(require.cache)) {
      if (
        k.startsWith(path.dirname(resolved) + path.sep) &&
        !k.includes(`${path.sep}node_modules${path.sep}`)
      ) {
        delete require.cache[k];
      }
    }
    const mod = require(resolved) as unknown;
    const main = typeof mod === "function" ? mod : (mod as { default?: unknown })?.default;
    if (typeof main === "function") return await (main as () => unknown)();
    const outputs: Record<string, unknown> = { ...(mod as Record<string, unknown>) };
    delete outputs.__esModule;
    return outputs;
  };
}

function ensureTypeScript(file: string, dir: string): void {
  if (require.extensions[".ts"]) return;
  const fs = require("fs") as typeof import("fs");
  const isTs = /\.tsx?$/.test(file) || (!path.extname(file) && fs.existsSync(path.join(dir, "index.ts")));
  if (!isTs) return;
  try {
    const tsNode = require("ts-node") as { register(opts: object): unknown };
    tsNode.register({ transpileOnly: true, projectSearchDir: dir });
  } catch (e) {
    throw new Error(`program ${file} is TypeScript but ts-node could not be loaded: ${errorMessage(e)}`);
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Formats a result's steps as a plan/summary, as `pulumi preview` / `pulumi up` print them. */
export function formatRunResult(result: RunResult): string {
  const lines: string[] = [];
  const verb = { preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying" }[
    result.kind
  ];
  lines.push(`${verb} (${result.stack}):`);
  const symbol: Record<StepOp, string> = {
    create: "+ ",
    update: "~ ",
    replace: "+-",
    delete: "- ",
    same: "  ",
  };
  const depth = (s: ResourceStep): number => {
    let d = 0;
    let p = s.parent;
    while (p) {
      d++;
      p = result.steps.find((x) => x.urn === p)?.parent;
    }
    return d;
  };
  const typeWidth = Math.max(4, ...result.steps.map((s) => s.type.length + depth(s) * 3));
  const nameWidth = Math.max(4, ...result.steps.map((s) => s.name.length));
  lines.push(
    `    ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  ${result.kind === "preview" ? "Plan" : "Status"}`,
  );
  for (const s of result.steps) {
    const d = depth(s);
    const type = (d > 0 ? "   ".repeat(d - 1) + "└─ " : "") + s.type;
    const status = s.error ? `**${s.op} failed**` : s.op === "same" ? "" : s.op;
    const why = s.replaces?.length
      ? ` [diff: ${s.replaces.join(",")}${s.deleteBeforeReplace ? "; delete-before-replace" : ""}]`
      : "";
    lines.push(
      ` ${symbol[s.op]} ${type.padEnd(typeWidth)}  ${s.name.padEnd(nameWidth)}  ${status}${why}`.trimEnd(),
    );
  }
  if (result.errors.length > 0) {
    lines.push("", "Diagnostics:");
    for (const e of result.errors) lines.push(`  error: ${e.message}`);
  }
  if (Object.keys(result.outputs).length > 0) {
    lines.push("", "Outputs:");
    for (const [k, v] of Object.entries(result.outputs)) {
      // As Pulumi prints them: unknowns as output<T>, secrets as a bare [secret].
      const shown = v === "[unknown]" ? "output<string>" : v === SECRET_PLACEHOLDER ? v : JSON.stringify(v);
      lines.push(`    ${k}: ${shown}`);
    }
  }
  const planned = result.kind === "preview";
  const words: Record<StepOp, string> = planned
    ? {
        create: "to create",
        update: "to update",
        replace: "to replace",
        delete: "to delete",
        same: "unchanged",
      }
    : { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged" };
  lines.push("", "Resources:");
  for (const op of ["create", "update", "replace", "delete", "same"] as StepOp[]) {
    if (result.counts[op] > 0)
      lines.push(`    ${op === "same" ? "" : symbol[op].trim() + " "}${result.counts[op]} ${words[op]}`);
  }
  if (result.steps.length === 0) lines.push("    no resources");
  lines.push("", `Duration: ${(result.durationMs / 1000).toFixed(1)}s`);
  return lines.join("\n");
}
