/**
 * Plays the Pulumi engine's part towards the REAL dynamic-provider host shipped in @pulumi/pulumi
 * (`cmd/dynamic-provider`): starts it as the engine does, and speaks its gRPC protocol
 * (Handshake, GetPluginInfo, Configure, Check, Diff, Create, Update, Read, Delete).
 *
 * The host does not accept secrets, so, like the engine, this class strips secrets from what it
 * sends and re-marks the outputs: an output whose same-named input was secret is secret, and so is
 * every name in `additionalSecretOutputs`. Values in and out are in wire form (`propertyValues.ts`).
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import {
  annotateSecrets,
  makeSecret,
  stripSecretsMap,
  type PropertyMap,
  type PropertyValue,
} from "./propertyValues";

/** A stack configuration value as the engine holds it once decrypted. */
export interface ConfigEntry {
  /** Plain value; non-string YAML values are passed as their JSON text, as Pulumi does. */
  value: string;
  /** True for `secure:` values (sent to Configure marked secret). */
  secret: boolean;
}

/** Namespaced stack config (`"<namespace>:<key>"` → entry), secrets already decrypted. */
export type StackConfigMap = Record<string, ConfigEntry>;

/** Options of {@link EngineHarness.start}. */
export interface EngineHarnessOptions {
  /** Project directory: the host's working directory, from which serialized providers `require()`. Default: `process.cwd()`. */
  projectDir?: string;
  /** Project name (`PULUMI_PROJECT`); `Config.get("k")` in a provider reads `<project>:k`. Default `"project"`. */
  projectName?: string;
  /** Stack name. Default `"stack"`. */
  stackName?: string;
  /** Stack config sent to Configure (and in `PULUMI_CONFIG`). Default: none. */
  config?: StackConfigMap;
  /** Deadline of every gRPC call, in milliseconds. Default 120 000. */
  callTimeoutMs?: number;
  /** How long to wait for the host to print its port, in milliseconds. Default 30 000. */
  startTimeoutMs?: number;
  /** Extra environment variables for the host process (merged over `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Identifies the resource an operation is about (sent as urn / name / type). */
export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

/** One `CheckFailure`. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Result of {@link EngineHarness.diff}. */
export interface DiffResult {
  /** `"unknown"` when the provider has no opinion: the engine then diffs the inputs itself. */
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * A failed host call. `initFailed` is set when a create/update failed after the object was made
 * (the host's `ErrorResourceInitFailed`): the engine then keeps the resource in state.
 */
export class HostCallError extends Error {
  constructor(
    /** gRPC method name, e.g. `"Create"`. */
    public readonly method: string,
    /** URN of the resource, when the call was about one. */
    public readonly urn: string | undefined,
    /** The message the provider threw (or the transport error). */
    public readonly reason: string,
    /** gRPC status code. */
    public readonly code: number,
    public readonly initFailed?: { id: string; outputs: PropertyMap; reasons: string[] },
  ) {
    super(`${method}${urn ? ` ${urn}` : ""}: ${reason}`);
    this.name = "HostCallError";
  }
}

/** Resolves the host entry point, preferring the project's own copy of @pulumi/pulumi. */
export function resolveDynamicProviderHost(projectDir: string): string {
  const id = "@pulumi/pulumi/cmd/dynamic-provider/index.js";
  try {
    return require.resolve(id, { paths: [projectDir] });
  } catch {
    return require.resolve(id);
  }
}

type UnaryMethod<Req, Res> = (
  req: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  cb: (err: grpc.ServiceError | null, res: Res) => void,
) => grpc.ClientUnaryCall;

const toStruct = (m: PropertyMap): Struct => Struct.fromJavaScript(m as Record<string, never>);
const fromStruct = (s: Struct | undefined): PropertyMap => (s ? (s.toJavaScript() as PropertyMap) : {});
/** `m` as the host receives it: secrets stripped (it does not accept them), in a Struct. */
const plainStruct = (m: PropertyMap): Struct => toStruct(stripSecretsMap(m));

/** The setters every request about one resource has. */
interface ResourceRequest {
  setUrn(urn: string): unknown;
  setName(name: string): unknown;
  setType(type: string): unknown;
}

/** Sets urn, name and type of `req` from `ref`, and returns it. */
function about<R extends ResourceRequest>(req: R, ref: ResourceRef): R {
  req.setUrn(ref.urn);
  req.setName(ref.name);
  req.setType(ref.type);
  return req;
}

/**
 * A running dynamic-provider host and the engine side of its protocol. Create with
 * {@link EngineHarness.start} (which also configures it); always {@link EngineHarness.stop} it.
 */
export class EngineHarness {
  private readonly stdout: string[] = [];
  private readonly stderr: string[] = [];
  private exited = false;
  private client!: provrpc.ResourceProviderClient;

  private constructor(
    private readonly child: ChildProcess,
    private readonly callTimeoutMs: number,
  ) {}

  /**
   * Starts the host (`node <host> <engine address>` with cwd = project dir and env
   * `PULUMI_NODEJS_PROJECT`, `PULUMI_PROJECT`, `PULUMI_CONFIG`), reads its port from the first
   * stdout line, then runs the engine's opening sequence: Handshake (UNIMPLEMENTED is expected and
   * ignored), GetPluginInfo, Configure with the stack config (secrets included, marked secret).
   */
  static async start(options: EngineHarnessOptions = {}): Promise<EngineHarness> {
    const projectDir = path.resolve(options.projectDir ?? process.cwd());
    const projectName = options.projectName ?? "project";
    const config = options.config ?? {};
    const plainConfig: Record<string, string> = {};
    for (const [k, e] of Object.entries(config)) plainConfig[k] = e.value;
    // The address is never dialled by the host; the engine passes its own, any string works.
    const fakeEngineAddress = "127.0.0.1:0";
    const child = spawn(process.execPath, [resolveDynamicProviderHost(projectDir), fakeEngineAddress], {
      cwd: projectDir,
      env: {
        ...process.env,
        PULUMI_NODEJS_PROJECT: projectName,
        PULUMI_PROJECT: projectName,
        PULUMI_NODEJS_STACK: options.stackName ?? "stack",
        PULUMI_STACK: options.stackName ?? "stack",
        PULUMI_CONFIG: JSON.stringify(plainConfig),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    trackHost(child);
    const harness = new EngineHarness(child, options.callTimeoutMs ?? 120_000);
    try {
      const port = await harness.readPort(options.startTimeoutMs ?? 30_000);
      harness.client = new provrpc.ResourceProviderClient(
        `127.0.0.1:${port}`,
        grpc.credentials.createInsecure(),
      );
      await harness.handshake(projectDir);
      await harness.getPluginInfo();
      await harness.configure(config);
      return harness;
    } catch (e) {
      await harness.stop();
      throw e;
    }
  }

  private readPort(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      let buffered = "";
      let settled = false;
      const settle = (err: Error | undefined, port?: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(port!);
      };
      const timer = setTimeout(
        () =>
          settle(new Error(`dynamic-provider host printed no port within ${timeoutMs} ms: ${this.output()}`)),
        timeoutMs,
      );
      this.child.stdout!.setEncoding("utf8");
      this.child.stderr!.setEncoding("utf8");
      this.child.stdout!.on("data", (chunk: string) => {
        this.stdout.push(chunk);
        if (settled) return;
        buffered += chunk;
        const nl = buffered.indexOf("\n");
        if (nl < 0) return;
        const port = Number(buffered.slice(0, nl).trim());
        if (Number.isInteger(port) && port > 0) settle(undefined, port);
        else
          settle(
            new Error(`dynamic-provider host printed ${JSON.stringify(buffered.slice(0, nl))}, not a port`),
          );
      });
      this.child.stderr!.on("data", (chunk: string) => this.stderr.push(chunk));
      this.child.on("error", (err) => settle(err));
      this.child.on("exit", (code, signal) => {
        this.exited = true;
        settle(
          new Error(
            `dynamic-provider host exited (${code ?? signal}) before printing its port: ${this.output()}`,
          ),
        );
      });
    });
  }

  /** Everything the host wrote to stdout and stderr so far (its first line is the port). */
  output(): string {
    return this.stdout.join("") + this.stderr.join("");
  }

  /** What the host wrote to stderr so far (provider errors, `console.error`). */
  errorOutput(): string {
    return this.stderr.join("");
  }

  /** Process id of the host (the process {@link stop} ends). */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /**
   * Ends the host and closes the channel; resolves once the process has exited. SIGTERM first,
   * then SIGKILL after `killAfterMs` (default 5 000 ms) in case a provider call keeps it busy.
   * Safe to call twice.
   */
  async stop(killAfterMs = 5_000): Promise<void> {
    this.client?.close();
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const escalate = setTimeout(() => this.child.kill("SIGKILL"), killAfterMs);
      this.child.once("exit", () => {
        clearTimeout(escalate);
        resolve();
      });
      this.child.kill("SIGTERM");
    });
  }

  private call<Req, Res>(
    name: string,
    urn: string | undefined,
    method: UnaryMethod<Req, Res>,
    req: Req,
  ): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const deadline = Date.now() + this.callTimeoutMs;
      method.call(this.client, req, new grpc.Metadata(), { deadline }, (err, res) => {
        if (!err) return resolve(res);
        if (err.code === grpc.status.DEADLINE_EXCEEDED) {
          return reject(
            new HostCallError(
              name,
              urn,
              `no answer within ${this.callTimeoutMs} ms (deadline exceeded)`,
              err.code,
            ),
          );
        }
        reject(
          new HostCallError(name, urn, err.details || err.message, err.code, decodeInitFailed(err.metadata)),
        );
      });
    });
  }

  private async handshake(projectDir: string): Promise<void> {
    // SDKs before the Handshake RPC (e.g. 3.139) have no such message: their engines went straight
    // to Configure, as the fallback below does.
    if (typeof provproto.ProviderHandshakeRequest !== "function") return;
    const req = new provproto.ProviderHandshakeRequest();
    req.setEngineAddress("127.0.0.1:0");
    req.setRootDirectory(projectDir);
    req.setProgramDirectory(projectDir);
    try {
      await this.call("Handshake", undefined, this.client.handshake, req);
    } catch (e) {
      // The dynamic-provider host does not implement Handshake; the engine falls back to Configure.
      if (!(e instanceof HostCallError) || e.code !== grpc.status.UNIMPLEMENTED) throw e;
    }
  }

  /** `GetPluginInfo`: the host's @pulumi/pulumi version. */
  async getPluginInfo(): Promise<string> {
    const res = await this.call("GetPluginInfo", undefined, this.client.getPluginInfo, new Empty());
    return res.getVersion();
  }

  private async configure(config: StackConfigMap): Promise<void> {
    const args: PropertyMap = {};
    const req = new provproto.ConfigureRequest();
    const variables = req.getVariablesMap();
    for (const [k, e] of Object.entries(config)) {
      args[k] = e.secret ? makeSecret(e.value) : e.value;
      variables.set(k, e.value);
    }
    // Always send args: the host never answers a Configure without them.
    req.setArgs(toStruct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const res = await this.call("Configure", undefined, this.client.configure, req);
    // The engine records this; the host says false, hence the stripping done by every call below.
    this.acceptsSecrets = res.getAcceptsecrets();
  }

  /** What the host answered to Configure (false for the dynamic-provider host). */
  acceptsSecrets = false;

  /**
   * `Check(olds, news)`: returns the provider's inputs (re-marked secret where `news` was) and failures.
   * `olds` are the previous inputs (`{}` for a new resource).
   */
  async check(
    ref: ResourceRef,
    olds: PropertyMap,
    news: PropertyMap,
  ): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }> {
    const req = about(new provproto.CheckRequest(), ref);
    req.setOlds(plainStruct(olds));
    req.setNews(plainStruct(news));
    const res = await this.call("Check", ref.urn, this.client.check, req);
    return {
      inputs: annotateSecrets(fromStruct(res.getInputs()), news),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** `Diff(id, olds = old outputs, news = checked inputs)`. */
  async diff(
    ref: ResourceRef,
    id: string,
    oldOutputs: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
  ): Promise<DiffResult> {
    const req = about(new provproto.DiffRequest(), ref);
    req.setId(id);
    req.setOlds(plainStruct(oldOutputs));
    req.setNews(plainStruct(news));
    req.setOldInputs(plainStruct(oldInputs));
    const res = await this.call("Diff", ref.urn, this.client.diff, req);
    const changes = res.getChanges();
    const DC = provproto.DiffResponse.DiffChanges;
    return {
      changes: changes === DC.DIFF_NONE ? "none" : changes === DC.DIFF_SOME ? "some" : "unknown",
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  /** `Create(properties = checked inputs)`: the new id and outputs (re-marked secret). */
  async create(
    ref: ResourceRef,
    inputs: PropertyMap,
    additionalSecretOutputs: readonly string[] = [],
  ): Promise<{ id: string; outputs: PropertyMap }> {
    const req = about(new provproto.CreateRequest(), ref);
    req.setProperties(plainStruct(inputs));
    req.setTimeout(this.callTimeoutMs / 1000);
    const res = await this.remarkFailure(
      this.call("Create", ref.urn, this.client.create, req),
      inputs,
      additionalSecretOutputs,
    );
    return {
      id: res.getId(),
      outputs: annotateSecrets(fromStruct(res.getProperties()), inputs, additionalSecretOutputs),
    };
  }

  /** `Update(id, olds = old outputs, news = checked inputs)`: the new outputs (re-marked secret). */
  async update(
    ref: ResourceRef,
    id: string,
    oldOutputs: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
    additionalSecretOutputs: readonly string[] = [],
  ): Promise<{ outputs: PropertyMap }> {
    const req = about(new provproto.UpdateRequest(), ref);
    req.setId(id);
    req.setOlds(plainStruct(oldOutputs));
    req.setNews(plainStruct(news));
    req.setOldInputs(plainStruct(oldInputs));
    req.setTimeout(this.callTimeoutMs / 1000);
    const res = await this.remarkFailure(
      this.call("Update", ref.urn, this.client.update, req),
      news,
      additionalSecretOutputs,
    );
    return { outputs: annotateSecrets(fromStruct(res.getProperties()), news, additionalSecretOutputs) };
  }

  /**
   * `Read(id, properties = old outputs, inputs = old inputs)` for refresh. `id` is `""` when the
   * provider reports the object gone. Outputs are re-marked from the old outputs, inputs from the old inputs.
   */
  async read(
    ref: ResourceRef,
    id: string,
    oldOutputs: PropertyMap,
    oldInputs: PropertyMap,
    additionalSecretOutputs: readonly string[] = [],
  ): Promise<{ id: string; outputs: PropertyMap; inputs?: PropertyMap }> {
    const req = about(new provproto.ReadRequest(), ref);
    req.setId(id);
    req.setProperties(plainStruct(oldOutputs));
    req.setInputs(plainStruct(oldInputs));
    const res = await this.call("Read", ref.urn, this.client.read, req);
    const inputs = res.getInputs();
    return {
      id: res.getId(),
      outputs: annotateSecrets(fromStruct(res.getProperties()), oldOutputs, additionalSecretOutputs),
      ...(inputs ? { inputs: annotateSecrets(fromStruct(inputs), oldInputs) } : {}),
    };
  }

  /** `Delete(id, properties = outputs, oldInputs)`. */
  async delete(ref: ResourceRef, id: string, outputs: PropertyMap, oldInputs: PropertyMap): Promise<void> {
    const req = about(new provproto.DeleteRequest(), ref);
    req.setId(id);
    req.setProperties(plainStruct(outputs));
    req.setOldInputs(plainStruct(oldInputs));
    req.setTimeout(this.callTimeoutMs / 1000);
    await this.call("Delete", ref.urn, this.client.delete, req);
  }

  /** Re-marks the outputs carried by an init failure, so they are stored like any outputs. */
  private async remarkFailure<T>(
    p: Promise<T>,
    inputs: PropertyMap,
    additional: readonly string[],
  ): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof HostCallError && e.initFailed) {
        throw new HostCallError(e.method, e.urn, e.reason, e.code, {
          ...e.initFailed,
          outputs: annotateSecrets(e.initFailed.outputs, inputs, additional),
        });
      }
      throw e;
    }
  }
}

/** Decodes `grpc-status-details-bin` into the host's `ErrorResourceInitFailed`, if present. */
function decodeInitFailed(metadata: grpc.Metadata | undefined): HostCallError["initFailed"] {
  const raw = metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw || typeof raw === "string") return undefined;
  try {
    const status = statusproto.Status.deserializeBinary(new Uint8Array(raw));
    for (const any of status.getDetailsList()) {
      if (!any.getTypeName().endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
      const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      return {
        id: detail.getId(),
        outputs: fromStruct(detail.getProperties()),
        reasons: detail.getReasonsList(),
      };
    }
  } catch {
    // Undecodable details: treat as a plain failure.
  }
  return undefined;
}

/** Re-export for callers that build values for the harness. */
export type { PropertyMap, PropertyValue };

/** Hosts still running; killed when this process exits, since a host never exits by itself. */
const liveHosts = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Process ids of the dynamic-provider hosts this process started that have not exited yet
 * (empty once every {@link EngineHarness} was stopped). For tests that no host is left behind.
 */
export function liveHostPids(): number[] {
  return [...liveHosts].map((c) => c.pid ?? 0);
}

function trackHost(child: ChildProcess): void {
  liveHosts.add(child);
  child.once("exit", () => liveHosts.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // "exit" handlers must be synchronous; kill() is. This covers process.exit() mid-run (a CLI
  // or test runner giving up) so no orphaned host keeps running.
  process.once("exit", () => {
    for (const c of liveHosts) c.kill("SIGKILL");
  });
}
