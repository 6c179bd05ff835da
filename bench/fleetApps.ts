/**
 * The app a fleet benchmark provisions, and the three ways of provisioning a fleet of them:
 * through the package's runtime providers (compiled, as the Pulumi host loads them), through a
 * plain-axios script making the same Graph calls, and through one making only the 5 writes.
 */
import axios, { type AxiosInstance } from "axios";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import type { EmulatorInfo } from "../emulator/controlHandler";
import { emulatorConfig } from "./benchEmulator";

/** Gallery template "AWS Single-Account Access" (graph-api.md §1). */
export const AWS_TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";

/** Credentials every benchmark app saves. Fixed so that the secret scan knows what to look for. */
export const BENCH_CREDENTIALS: Readonly<Record<string, string>> = {
  ClientSecret: "bench-aws-client-secret-7Hq2",
  SecretToken: "bench-aws-secret-token-Zp4k",
};

/** Display name of app `index` of a fleet run. */
export function appName(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(4, "0")}`;
}

/** What one resource provider method set looks like (pulumi.dynamic.ResourceProvider, loosely typed). */
interface LooseProvider {
  check(olds: object, news: object): Promise<{ inputs?: Record<string, unknown>; failures?: unknown[] }>;
  create(inputs: object): Promise<{ id: string; outs: Record<string, unknown> }>;
  delete(id: string, props: object): Promise<void>;
}

interface RuntimeModule {
  configure(config: { get(key: string): string | undefined }): void;
  provider(kind: string): LooseProvider;
}

/** The compiled runtime entry, as serialized provider shims load it. */
export function loadRuntime(): RuntimeModule {
  return require("pulumi-graph-provisioning/runtime") as RuntimeModule;
}

/** The part of the compiled Graph client the warm-up uses. */
interface GraphClientModule {
  graphClientFor(conn: unknown): { getApplicationTemplate(id: string): Promise<{ id: string }> };
}

/**
 * The untimed warm-up of a providers fleet, identical in kind to {@link PlainGraphScript.warmUp}:
 * the run's token and one GET of the AWS template, through the very client (process-wide, keyed by
 * connection) that the runtime's providers then use, so both sides start the timed phase with a
 * token, a TLS connection and loaded code, and pay their one-time costs outside it.
 */
export async function warmUpProviders(info: EmulatorInfo): Promise<void> {
  // The same compiled modules the runtime entry loads (package exports point at dist/).
  const dist = path.join(__dirname, "..", "dist", "provider", "graph");
  const { resolveConnection } = require(path.join(dist, "connection.js")) as {
    resolveConnection(input: undefined, config: { get(key: string): string | undefined }): unknown;
  };
  const { graphClientFor } = require(path.join(dist, "graphClient.js")) as GraphClientModule;
  const config = emulatorConfig(info);
  const client = graphClientFor(resolveConnection(undefined, { get: (key) => config[key] }));
  const template = await client.getApplicationTemplate(AWS_TEMPLATE_ID);
  if (template.id !== AWS_TEMPLATE_ID) throw new Error(`warm-up: unexpected template ${template.id}`);
}

/** Points the runtime's providers at the emulator through stack config, as `configure()` would. */
export function configureRuntime(runtime: RuntimeModule, info: EmulatorInfo): void {
  const config = emulatorConfig(info);
  runtime.configure({ get: (key) => config[key] });
}

async function checked(p: LooseProvider, news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await p.check({}, news);
  if (result.failures && result.failures.length > 0) {
    throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  }
  return result.inputs ?? news;
}

/** Outputs of the four resources of one app, in creation order. */
export interface AppResources {
  app: { id: string; outs: Record<string, unknown> };
  job: { id: string; outs: Record<string, unknown> };
  secrets: { id: string; outs: Record<string, unknown> };
  start: { id: string; outs: Record<string, unknown> };
}

/**
 * Creates one app as an AppProvisioning `up` would: check + create of GalleryApp, ProvisioningJob
 * (with jobTemplateId), ProvisioningSecrets (validated against the job) and JobStart, in that order.
 */
export async function createAppThroughProviders(
  runtime: RuntimeModule,
  displayName: string,
  jobTemplateId: string | undefined = "aws",
): Promise<AppResources> {
  const gallery = runtime.provider("GalleryApp");
  const app = await gallery.create(await checked(gallery, { displayName, templateId: AWS_TEMPLATE_ID }));
  const sp = app.outs.servicePrincipalId as string;
  const jobs = runtime.provider("ProvisioningJob");
  const job = await jobs.create(
    await checked(jobs, { servicePrincipalId: sp, ...(jobTemplateId ? { templateId: jobTemplateId } : {}) }),
  );
  const secretsProvider = runtime.provider("ProvisioningSecrets");
  const secrets = await secretsProvider.create(
    await checked(secretsProvider, {
      servicePrincipalId: sp,
      credentials: { ...BENCH_CREDENTIALS },
      jobId: job.id,
    }),
  );
  const starter = runtime.provider("JobStart");
  const start = await starter.create(
    await checked(starter, { servicePrincipalId: sp, jobId: job.id, triggers: [{ ...BENCH_CREDENTIALS }] }),
  );
  return { app, job, secrets, start };
}

/** Deletes one app's resources in reverse dependency order, as a destroy would. */
export async function destroyAppThroughProviders(runtime: RuntimeModule, r: AppResources): Promise<void> {
  await runtime.provider("JobStart").delete(r.start.id, r.start.outs);
  await runtime.provider("ProvisioningSecrets").delete(r.secrets.id, r.secrets.outs);
  await runtime.provider("ProvisioningJob").delete(r.job.id, r.job.outs);
  await runtime.provider("GalleryApp").delete(r.app.id, r.app.outs);
}

/** A plain-axios Graph script: one keep-alive HTTPS agent, one token, no retries, no pacing. */
export class PlainGraphScript {
  private readonly http: AxiosInstance;
  private token = "";

  constructor(private readonly info: EmulatorInfo) {
    this.http = axios.create({
      baseURL: `${info.graphEndpoint}/v1.0`,
      httpsAgent: new https.Agent({
        ca: fs.readFileSync(info.caFile, "utf8"),
        keepAlive: true,
        maxSockets: 64,
      }),
      proxy: false,
    });
  }

  /** Gets the one token of the run (client-credentials grant). */
  async signIn(): Promise<void> {
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: this.info.clientId,
      client_secret: this.info.clientSecret,
      scope: `${this.info.graphEndpoint}/.default`,
    });
    const res = await this.http.post<{ access_token: string }>(
      `${this.info.authorityHost}/${this.info.tenantId}/oauth2/v2.0/token`,
      body.toString(),
      { headers: { "Content-Type": "application/x-www-form-urlencoded" } },
    );
    this.token = res.data.access_token;
  }

  /** The untimed warm-up (see {@link warmUpProviders}): the run's token and one GET of the AWS template. */
  async warmUp(): Promise<void> {
    await this.signIn();
    const template = await this.http.get<{ id: string }>(`/applicationTemplates/${AWS_TEMPLATE_ID}`, {
      headers: this.headers(),
    });
    if (template.data.id !== AWS_TEMPLATE_ID)
      throw new Error(`warm-up: unexpected template ${template.data.id}`);
  }

  private headers() {
    return { Authorization: `Bearer ${this.token}` };
  }

  /**
   * The Graph calls of one AppProvisioning up with jobTemplateId: the 5 writes (instantiate, job,
   * validate, secrets, start) and, unless `writesOnly`, the 3 reads (SP, job before and after start).
   */
  async createApp(displayName: string, writesOnly: boolean): Promise<void> {
    const h = { headers: this.headers() };
    const made = await this.http.post<{ servicePrincipal: { id: string } }>(
      `/applicationTemplates/${AWS_TEMPLATE_ID}/instantiate`,
      { displayName },
      h,
    );
    const sp = made.data.servicePrincipal.id;
    if (!writesOnly) await this.http.get(`/servicePrincipals/${sp}`, h);
    const job = await this.http.post<{ id: string }>(
      `/servicePrincipals/${sp}/synchronization/jobs`,
      { templateId: "aws" },
      h,
    );
    const jobPath = `/servicePrincipals/${sp}/synchronization/jobs/${encodeURIComponent(job.data.id)}`;
    const pairs = Object.entries(BENCH_CREDENTIALS).map(([key, value]) => ({ key, value }));
    await this.http.post(`${jobPath}/validateCredentials`, { credentials: pairs }, h);
    await this.http.put(`/servicePrincipals/${sp}/synchronization/secrets`, { value: pairs }, h);
    if (!writesOnly) await this.http.get(jobPath, h);
    await this.http.post(`${jobPath}/start`, undefined, h);
    if (!writesOnly) await this.http.get(jobPath, h);
  }
}
