/**
 * Shared rig of the reliability suite: an in-process emulator, the real resource providers over a
 * GraphClient with short timeouts and tiny backoff (so faults resolve in milliseconds), and the
 * engine's part of an AppProvisioning up / destroy (the four resources in dependency order, state
 * kept between runs so that a rerun only does what is left).
 */
import type * as pulumi from "@pulumi/pulumi";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { resolveConnection, type ResolvedConnection } from "../../provider/graph/connection";
import { GraphClient } from "../../provider/graph/graphClient";
import { RequestPacer, type RequestPacerOptions } from "../../provider/graph/requestPacer";
import { createProvider } from "../../provider/runtime";
import type { ProviderDeps } from "../../provider/runtime";
import type { ResourceKind } from "../../provider/runtime";
import { emulatorConnection } from "../helpers/emulator";

/** Gallery template "AWS Single-Account Access". */
export const AWS_TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";

/** Credential values every scenario saves; the secret scan looks for them. */
export const RELIABILITY_CREDENTIALS: Readonly<Record<string, string>> = {
  ClientSecret: "reliability-client-secret-4Kd9",
  SecretToken: "reliability-secret-token-Wm27",
};

/** Client request timeout in the suite, in ms; "timeout" faults delay longer than this. */
export const CLIENT_TIMEOUT_MS = 400;

/** Providers of the four resources over one fast-failing client, plus every line the client logged. */
export interface Rig {
  emulator: EmulatorHandle;
  connection: ResolvedConnection;
  providers: Record<ResourceKind, pulumi.dynamic.ResourceProvider>;
  /** Retry log lines of the client (redacted by the client). */
  logLines: string[];
  /** A fresh client + pacer (a fresh provider process), keeping the emulator; `pacer` tunes the pacer. */
  renew(pacer?: RequestPacerOptions): void;
}

/** Options of {@link startRig}. */
export interface RigOptions {
  /**
   * Client request timeout in ms. Defaults to {@link CLIENT_TIMEOUT_MS}, short so that "timeout"
   * faults resolve fast; a suite without them should allow more, or a loaded machine fakes timeouts.
   */
  timeoutMs?: number;
}

/** Starts an emulator and builds the rig over it. */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const emulator = await startEmulator({});
  const connection = resolveConnection(emulatorConnection(emulator), undefined, {});
  const logLines: string[] = [];
  const rig: Rig = {
    emulator,
    connection,
    logLines,
    providers: {} as Rig["providers"],
    renew(pacerOptions?: RequestPacerOptions) {
      const client = new GraphClient({
        connection,
        timeoutMs: options.timeoutMs ?? CLIENT_TIMEOUT_MS,
        retry: {
          throttling: { baseDelayMs: 5, maxDelayMs: 20, minDelayMs: 5, maxElapsedMs: 10_000 },
          transient: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 3 },
        },
        pacer: new RequestPacer({ maxIntervalMs: 50, ...pacerOptions }),
        log: (line) => logLines.push(line),
      });
      const deps: ProviderDeps = {
        clientFor: () => client,
        // The rig drives providers with inputs that declare no target: none is recorded or checked.
        targetOf: () => ({ tenantId: null, graphEndpoint: "" }),
        tenantOf: async () => null,
        replicationTimeoutMs: () => 2_000,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
        now: () => Date.now(),
      };
      for (const kind of ["GalleryApp", "ProvisioningJob", "ProvisioningSecrets", "JobStart"] as const) {
        rig.providers[kind] = createProvider(kind, deps);
      }
    },
  };
  rig.renew();
  return rig;
}

/** What the engine keeps between runs: the created resources' ids and outputs, by kind. */
export type RigState = Partial<Record<ResourceKind, { id: string; outs: Record<string, unknown> }>>;

const ORDER: ResourceKind[] = ["GalleryApp", "ProvisioningJob", "ProvisioningSecrets", "JobStart"];

function inputsFor(kind: ResourceKind, displayName: string, state: RigState): Record<string, unknown> {
  const sp = state.GalleryApp?.outs.servicePrincipalId;
  const jobId = state.ProvisioningJob?.id;
  switch (kind) {
    case "GalleryApp":
      return { displayName, templateId: AWS_TEMPLATE_ID };
    case "ProvisioningJob":
      return { servicePrincipalId: sp, templateId: "aws" };
    case "ProvisioningSecrets":
      return { servicePrincipalId: sp, credentials: { ...RELIABILITY_CREDENTIALS }, jobId };
    case "JobStart":
      return { servicePrincipalId: sp, jobId, triggers: [{ ...RELIABILITY_CREDENTIALS }] };
    default:
      throw new Error(`the reliability rig does not create ${kind}`);
  }
}

/**
 * An AppProvisioning up as the engine runs it: check + create of each resource not yet in `state`,
 * in dependency order, stopping at the first failure (which is rethrown). `state` is updated in
 * place, so a rerun continues where this one stopped.
 */
export async function upApp(rig: Rig, displayName: string, state: RigState): Promise<void> {
  for (const kind of ORDER) {
    if (state[kind]) continue;
    const provider = rig.providers[kind];
    const checked = await provider.check!({}, inputsFor(kind, displayName, state));
    if (checked.failures && checked.failures.length > 0) {
      throw new Error(`${kind} check failed: ${JSON.stringify(checked.failures)}`);
    }
    const created = await provider.create(checked.inputs);
    state[kind] = { id: created.id, outs: created.outs as Record<string, unknown> };
  }
}

/**
 * A destroy as the engine runs it: delete in reverse dependency order, stopping at the first
 * failure (rethrown); deleted resources leave `state`.
 */
export async function destroyApp(rig: Rig, state: RigState): Promise<void> {
  for (const kind of [...ORDER].reverse()) {
    const r = state[kind];
    if (!r) continue;
    await rig.providers[kind].delete!(r.id, r.outs);
    delete state[kind];
  }
}

/** Outputs as the engine would store them in plain text: secret outputs (credentials, triggers) left out. */
export function plainState(state: RigState): string {
  const plain = Object.entries(state).map(([kind, r]) => {
    const outs = { ...r!.outs };
    delete outs.credentials;
    delete outs.triggers;
    return { kind, id: r!.id, outs };
  });
  return JSON.stringify(plain);
}
