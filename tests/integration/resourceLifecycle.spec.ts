/**
 * The four resource providers against the Graph emulator with the real client and real tokens:
 * whole lifecycles, out-of-band changes seen by read, faults and lost responses. Replication delay
 * is on, so every create-time call on a fresh parent goes through the replication retry.
 */
import { expect } from "chai";
import type * as pulumi from "@pulumi/pulumi";
import { type EmulatorHandle, startEmulator } from "../../emulator/index";
import { type ConnectionInput, resolveConnection } from "../../provider/graph/connection";
import { graphClientFor } from "../../provider/graph/graphClient";
import type { GraphApi } from "../../provider/graph/types";
import { configure, createProvider, realDeps } from "../../provider/runtime";
import { emulatorConnection } from "../helpers/emulator";
import { registerTestSecret } from "../helpers/outputSecretGuard";

const AWS_TEMPLATE = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
const SALESFORCE_TEMPLATE = "7d3b9f1e-5a2c-4e6d-8b0a-3c5e7a9b1d25";
const CLIENT_SECRET_VALUE = "aws-client-secret-V4LUE-1";
const TOKEN_VALUE = "aws-secret-token-V4LUE-1";
const ROTATED_TOKEN = "aws-secret-token-R0TATED-2";

type Provider = pulumi.dynamic.ResourceProvider;

registerTestSecret("resourceLifecycle ClientSecret", CLIENT_SECRET_VALUE);
registerTestSecret("resourceLifecycle SecretToken", TOKEN_VALUE);
registerTestSecret("resourceLifecycle rotated SecretToken", ROTATED_TOKEN);

/** Calls `read` until it stops failing (replication), for at most 50 attempts. */
async function untilReadable(read: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await read();
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
type Props = Record<string, unknown>;

describe("resource providers against the emulator @emulator", function () {
  this.timeout(60_000);
  let emulator: EmulatorHandle;
  let connection: ConnectionInput;
  let graph: GraphApi;
  const deps = realDeps();
  const app = createProvider("GalleryApp", deps);
  const job = createProvider("ProvisioningJob", deps);
  const secrets = createProvider("ProvisioningSecrets", deps);
  const start = createProvider("JobStart", deps);

  /** check() must pass; returns the inputs with defaults as the engine would hand them on. */
  async function checked(provider: Provider, news: Props): Promise<Props> {
    const result = await provider.check!({}, news);
    expect(result.failures ?? [], JSON.stringify(result.failures)).to.deep.equal([]);
    return result.inputs as Props;
  }

  async function created(provider: Provider, news: Props): Promise<{ id: string; outs: Props }> {
    const inputs = await checked(provider, news);
    const result = await provider.create(inputs);
    return { id: result.id, outs: result.outs as Props };
  }

  const graphCalls = () => emulator.requestLog().filter((e) => e.kind === "graph");
  const liveApps = (name?: string) =>
    emulator
      .state()
      .applications.filter((a) => a.deletedDateTime === null || a.deletedDateTime === undefined)
      .filter((a) => name === undefined || a.displayName === name);

  before(async () => {
    emulator = await startEmulator({ port: 0, replicationDelayMs: 300, cycleTimeMs: 50 });
    connection = emulatorConnection(emulator, { replicationTimeoutSeconds: 15 });
    graph = graphClientFor(resolveConnection(connection));
  });

  after(async () => {
    await emulator?.stop();
  });

  describe("the whole flow, step by step", () => {
    let appState: { id: string; outs: Props };
    let jobState: { id: string; outs: Props };
    let secretsState: { id: string; outs: Props };
    let startState: { id: string; outs: Props };
    const credentials = { ClientSecret: CLIENT_SECRET_VALUE, SecretToken: TOKEN_VALUE };
    const appInputs = () => ({ displayName: "AWS Contoso", templateId: AWS_TEMPLATE, connection });
    const jobInputs = () => ({
      servicePrincipalId: appState.outs.servicePrincipalId,
      templateId: "aws",
      connection,
    });
    const secretsInputs = (creds: Record<string, string>) => ({
      servicePrincipalId: appState.outs.servicePrincipalId,
      credentials: creds,
      jobId: jobState.id,
      connection,
    });
    const startInputs = (creds: Record<string, string>) => ({
      servicePrincipalId: appState.outs.servicePrincipalId,
      jobId: jobState.id,
      triggers: [creds],
      connection,
    });

    before(() => emulator.reset());

    it("should create app, job, secrets and start with replication delay on", async () => {
      appState = await created(app, appInputs());
      // The composite id: <applicationObjectId>/<servicePrincipalId>/<appId>, each the emulator's object.
      const [appObjectId, spId, clientId] = appState.id.split("/");
      expect(appState.outs).to.include({
        applicationObjectId: appObjectId,
        servicePrincipalId: spId,
        appId: clientId,
      });
      const made = emulator.state().applications.find((a) => a.id === appObjectId);
      expect(made?.appId).to.equal(clientId);
      expect(emulator.state().servicePrincipals.find((s) => s.id === spId)?.appId).to.equal(clientId);
      expect(appState.outs).to.include({
        displayName: "AWS Contoso",
        templateId: AWS_TEMPLATE,
        permanentDelete: false,
      });
      jobState = await created(job, jobInputs());
      expect(jobState.id).to.match(/^aws\./);
      expect(jobState.outs).to.include({
        templateId: "aws",
        scheduleState: "Disabled",
        statusCode: "NotConfigured",
      });
      secretsState = await created(secrets, secretsInputs(credentials));
      expect(secretsState.outs.keys).to.deep.equal(["ClientSecret", "SecretToken"]);
      startState = await created(start, startInputs(credentials));
      expect(startState.outs).to.include({ scheduleState: "Active" });
      expect(startState.outs.statusCode).to.not.equal("NotConfigured");

      const tenant = emulator.state();
      expect(liveApps("AWS Contoso")).to.have.length(1);
      expect(tenant.jobs.map((j) => j.id)).to.deep.equal([jobState.id]);
      expect(tenant.secrets.map((s) => s.key).sort()).to.deep.equal(["ClientSecret", "SecretToken"]);
      expect(JSON.stringify(tenant)).not.to.contain(TOKEN_VALUE);
    });

    it("should report no change and call Graph zero times for the same inputs", async () => {
      const before = graphCalls().length;
      expect(await app.diff!(appState.id, appState.outs, await checked(app, appInputs()))).to.include({
        changes: false,
      });
      expect(await job.diff!(jobState.id, jobState.outs, await checked(job, jobInputs()))).to.include({
        changes: false,
      });
      expect(
        await secrets.diff!(
          secretsState.id,
          secretsState.outs,
          await checked(secrets, secretsInputs(credentials)),
        ),
      ).to.include({ changes: false });
      expect(
        await start.diff!(startState.id, startState.outs, await checked(start, startInputs(credentials))),
      ).to.include({
        changes: false,
      });
      expect(graphCalls().length).to.equal(before);
    });

    it("should rename the application and its service principal in place", async () => {
      const news = await checked(app, { ...appInputs(), displayName: "AWS Fabrikam" });
      const diff = await app.diff!(appState.id, appState.outs, news);
      expect(diff).to.deep.equal({ changes: true, replaces: [] });
      const updated = await app.update!(appState.id, appState.outs, news);
      appState = { id: appState.id, outs: updated.outs as Props };
      expect(appState.outs.displayName).to.equal("AWS Fabrikam");
      const tenant = emulator.state();
      expect(
        tenant.applications.find((a) => a.id === appState.outs.applicationObjectId)?.displayName,
      ).to.equal("AWS Fabrikam");
      expect(
        tenant.servicePrincipals.find((s) => s.id === appState.outs.servicePrincipalId)?.displayName,
      ).to.equal("AWS Fabrikam");
    });

    it("should rotate a credential in place and restart the job through its triggers", async () => {
      const rotated = { ClientSecret: CLIENT_SECRET_VALUE, SecretToken: ROTATED_TOKEN };
      const secretsNews = await checked(secrets, secretsInputs(rotated));
      expect(await secrets.diff!(secretsState.id, secretsState.outs, secretsNews)).to.deep.equal({
        changes: true,
        replaces: [],
      });
      const before = graphCalls().length;
      secretsState = {
        id: secretsState.id,
        outs: (await secrets.update!(secretsState.id, secretsState.outs, secretsNews)).outs,
      };
      const startNews = await checked(start, startInputs(rotated));
      expect(await start.diff!(startState.id, startState.outs, startNews)).to.deep.equal({
        changes: true,
        replaces: [],
      });
      startState = {
        id: startState.id,
        outs: (await start.update!(startState.id, startState.outs, startNews)).outs,
      };
      const calls = graphCalls()
        .slice(before)
        .map((c) => `${c.method} ${c.path.split("/").slice(-1)[0]}`);
      expect(calls).to.include.members([
        "POST validateCredentials",
        "PUT secrets",
        "POST restart",
        "POST start",
      ]);
      expect(startState.outs.scheduleState).to.equal("Active");
    });

    it("should see a key cleared out of band as drift and write it again", async () => {
      await graph.putSynchronizationSecrets(appState.outs.servicePrincipalId as string, [
        { key: "SecretToken", value: "" },
      ]);
      const read = await secrets.read!(secretsState.id, secretsState.outs);
      expect(read.props.keys).to.deep.equal(["ClientSecret"]);
      secretsState = { id: read.id!, outs: read.props };
      const news = await checked(
        secrets,
        secretsInputs({ ClientSecret: CLIENT_SECRET_VALUE, SecretToken: ROTATED_TOKEN }),
      );
      expect((await secrets.diff!(secretsState.id, secretsState.outs, news)).changes).to.equal(true);
      secretsState = {
        id: secretsState.id,
        outs: (await secrets.update!(secretsState.id, secretsState.outs, news)).outs,
      };
      expect(
        emulator
          .state()
          .secrets.map((s) => s.key)
          .sort(),
      ).to.deep.equal(["ClientSecret", "SecretToken"]);
    });

    it("should start again a job paused out of band", async () => {
      await graph.pauseSynchronizationJob(appState.outs.servicePrincipalId as string, jobState.id);
      const read = await start.read!(startState.id, startState.outs);
      expect(read.props.scheduleState).to.equal("Paused");
      startState = { id: read.id!, outs: read.props };
      const news = await checked(
        start,
        startInputs({ ClientSecret: CLIENT_SECRET_VALUE, SecretToken: ROTATED_TOKEN }),
      );
      expect(await start.diff!(startState.id, startState.outs, news)).to.deep.equal({
        changes: true,
        replaces: [],
      });
      startState = {
        id: startState.id,
        outs: (await start.update!(startState.id, startState.outs, news)).outs,
      };
      expect(startState.outs.scheduleState).to.equal("Active");
    });

    it("should report a deleted job and a deleted application as gone, and delete them quietly", async () => {
      const sp = appState.outs.servicePrincipalId as string;
      await graph.deleteSynchronizationJob(sp, jobState.id);
      expect((await job.read!(jobState.id, jobState.outs)).id).to.equal("");
      expect((await start.read!(startState.id, startState.outs)).id).to.equal("");
      await start.delete!(startState.id, startState.outs);
      await job.delete!(jobState.id, jobState.outs);
      await graph.deleteApplication(appState.outs.applicationObjectId as string);
      expect((await app.read!(appState.id, appState.outs)).id).to.equal("");
      expect((await secrets.read!(secretsState.id, secretsState.outs)).id).to.equal("");
      await secrets.delete!(secretsState.id, secretsState.outs);
      await app.delete!(appState.id, appState.outs);
      expect(liveApps()).to.deep.equal([]);
    });
  });

  describe("replacements", () => {
    beforeEach(() => emulator.reset());

    it("should replace the application when its template changes", async () => {
      const old = await created(app, { displayName: "AWS Fabrikam", templateId: AWS_TEMPLATE, connection });
      const news = await checked(app, {
        displayName: "AWS Fabrikam",
        templateId: SALESFORCE_TEMPLATE,
        connection,
      });
      expect(await app.diff!(old.id, old.outs, news)).to.deep.equal({
        changes: true,
        replaces: ["templateId"],
      });
      // The engine creates the replacement, then deletes the old one.
      const replacement = await app.create(news);
      await app.delete!(old.id, old.outs);
      expect(liveApps("AWS Fabrikam").map((a) => a.id)).to.deep.equal([replacement.outs.applicationObjectId]);
      expect(replacement.outs).to.include({ templateId: SALESFORCE_TEMPLATE });
    });

    it("should delete the old job first, then create the new one on the same service principal", async () => {
      emulator.reset();
      const sf = await created(app, {
        displayName: "Salesforce",
        templateId: SALESFORCE_TEMPLATE,
        connection,
      });
      const sp = sf.outs.servicePrincipalId;
      const first = await created(job, { servicePrincipalId: sp, connection });
      expect(first.outs.templateId).to.equal("SfOutDelta");
      const news = await checked(job, {
        servicePrincipalId: sp,
        templateId: "SfSandboxOutDelta",
        connection,
      });
      const diff = await job.diff!(first.id, first.outs, news);
      expect(diff).to.deep.equal({ changes: true, replaces: ["templateId"], deleteBeforeReplace: true });
      // A delete inside the replication window would read as "already gone": wait until the job is readable.
      await untilReadable(() => graph.getSynchronizationJob(sp as string, first.id));
      await job.delete!(first.id, first.outs);
      const second = await job.create(news);
      expect(emulator.state().jobs.map((j) => j.id)).to.deep.equal([second.id]);
      expect(second.outs.templateId).to.equal("SfSandboxOutDelta");
    });
  });

  describe("failures", () => {
    beforeEach(() => {
      emulator.reset();
      emulator.configure({ replicationDelayMs: 0 });
    });
    after(() => emulator.configure({ replicationDelayMs: 300 }));

    it("should save nothing when validateCredentials fails, and keep the secret out of the message", async () => {
      const made = await created(app, { displayName: "AWS Bad", templateId: AWS_TEMPLATE, connection });
      const sp = made.outs.servicePrincipalId;
      const madeJob = await created(job, { servicePrincipalId: sp, templateId: "aws", connection });
      const badToken = "token-invalid-S3CRET";
      const inputs = await checked(secrets, {
        servicePrincipalId: sp,
        credentials: { ClientSecret: CLIENT_SECRET_VALUE, SecretToken: badToken },
        jobId: madeJob.id,
        connection,
      });
      const err = await secrets.create(inputs).catch((e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message)
        .to.contain("nothing was saved")
        .and.contain("SecretToken");
      expect((err as Error).message)
        .not.to.contain(badToken)
        .and.not.to.contain(CLIENT_SECRET_VALUE);
      expect(emulator.state().secrets).to.deep.equal([]);
      expect(graphCalls().filter((c) => c.method === "PUT")).to.deep.equal([]);
    });

    it("should leave no application when a call after instantiate fails", async () => {
      emulator.injectFault({
        method: "GET",
        pathPattern: "/servicePrincipals/",
        kind: "status",
        status: 403,
        count: 1,
      });
      const inputs = await checked(app, {
        displayName: "AWS Rollback",
        templateId: AWS_TEMPLATE,
        connection,
      });
      const err = await app.create(inputs).catch((e: Error) => e);
      expect((err as Error).message).to.contain("was deleted again");
      expect(liveApps("AWS Rollback")).to.deep.equal([]);
    });

    it("should leave no application when the failure comes while the new application still replicates", async () => {
      emulator.configure({ replicationDelayMs: 300 });
      emulator.injectFault({
        method: "GET",
        pathPattern: "/servicePrincipals/",
        kind: "status",
        status: 403,
        count: 1,
      });
      const inputs = await checked(app, {
        displayName: "AWS Rollback Late",
        templateId: AWS_TEMPLATE,
        connection,
      });
      const err = await app.create(inputs).catch((e: Error) => e);
      expect((err as Error).message).to.contain("was deleted again");
      expect(liveApps("AWS Rollback Late")).to.deep.equal([]);
    });

    it("should create no duplicate when the instantiate response is lost", async () => {
      emulator.injectFault({ method: "POST", pathPattern: "/instantiate", kind: "dropResponse", count: 1 });
      const made = await created(app, { displayName: "AWS Lost", templateId: AWS_TEMPLATE, connection });
      const live = liveApps("AWS Lost");
      expect(live.map((a) => a.id)).to.deep.equal([made.outs.applicationObjectId]);
      expect(
        emulator.state().servicePrincipals.filter((s) => !s.deletedDateTime && s.displayName === "AWS Lost"),
      ).to.have.length(1);
    });

    it("should create no duplicate when the job-create response is lost", async () => {
      const made = await created(app, { displayName: "AWS Lost Job", templateId: AWS_TEMPLATE, connection });
      emulator.injectFault({
        method: "POST",
        pathPattern: "/synchronization/jobs$",
        kind: "dropResponse",
        count: 1,
      });
      const madeJob = await created(job, {
        servicePrincipalId: made.outs.servicePrincipalId,
        templateId: "aws",
        connection,
      });
      expect(emulator.state().jobs.map((j) => j.id)).to.deep.equal([madeJob.id]);
    });

    describe("while new objects are still hidden from lists (replication delay)", () => {
      // The lost POST made the object, but for 500 ms the emulator leaves it out of every list, as
      // Graph does: a single lookup right after the failure sees nothing.
      beforeEach(() => emulator.configure({ replicationDelayMs: 500 }));

      it("should adopt the application a lost instantiate made, once it shows up in the list", async () => {
        emulator.injectFault({ method: "POST", pathPattern: "/instantiate$", kind: "dropResponse" });
        const made = await created(app, {
          displayName: "AWS Lost Hidden",
          templateId: AWS_TEMPLATE,
          connection,
        });
        expect(liveApps("AWS Lost Hidden").map((a) => a.id)).to.deep.equal([made.outs.applicationObjectId]);
        expect(
          emulator
            .state()
            .servicePrincipals.filter((s) => !s.deletedDateTime && s.displayName === "AWS Lost Hidden"),
        ).to.have.length(1);
        const posts = graphCalls().filter((c) => c.method === "POST" && c.path.endsWith("/instantiate"));
        expect(posts, "instantiate POSTs").to.have.length(1);
      });

      it("should adopt the job a lost job POST made, once it shows up in the list", async () => {
        const made = await created(app, {
          displayName: "AWS Lost Hidden Job",
          templateId: AWS_TEMPLATE,
          connection,
        });
        emulator.injectFault({ method: "POST", pathPattern: "/synchronization/jobs$", kind: "dropResponse" });
        const madeJob = await created(job, {
          servicePrincipalId: made.outs.servicePrincipalId,
          templateId: "aws",
          connection,
        });
        expect(emulator.state().jobs.map((j) => j.id)).to.deep.equal([madeJob.id]);
        const posts = graphCalls().filter(
          (c) => c.method === "POST" && c.path.endsWith("/synchronization/jobs"),
        );
        expect(posts, "job POSTs").to.have.length(1);
      });
    });

    it("should use stack config from configure() when a resource has no connection", async () => {
      configure({
        get: (key: string) => {
          const field = key.replace(/^graphProvisioning:/, "") as keyof ConnectionInput;
          const value = connection[field];
          return key.startsWith("graphProvisioning:") && value !== undefined ? String(value) : undefined;
        },
      });
      try {
        const made = await created(app, { displayName: "AWS From Config", templateId: AWS_TEMPLATE });
        expect(liveApps("AWS From Config").map((a) => a.id)).to.deep.equal([made.outs.applicationObjectId]);
        expect(made.outs.connection).to.equal(null);
      } finally {
        configure({ get: () => undefined });
      }
    });
  });

  describe("Graph calls of one flow (design.md §8 targets)", () => {
    it("should need at most 8 calls to create, 0 for a no-change diff and at most 4 to destroy", async () => {
      emulator.reset();
      emulator.configure({ replicationDelayMs: 0 });
      const creds = { ClientSecret: CLIENT_SECRET_VALUE, SecretToken: TOKEN_VALUE };
      // Warm the token cache so only Graph calls are counted.
      await graph.listApplicationTemplates("displayName eq 'none'");
      emulator.clearRequestLog();
      const a = await created(app, { displayName: "AWS Count", templateId: AWS_TEMPLATE, connection });
      const sp = a.outs.servicePrincipalId;
      const j = await created(job, { servicePrincipalId: sp, templateId: "aws", connection });
      const s = await created(secrets, {
        servicePrincipalId: sp,
        credentials: creds,
        jobId: j.id,
        connection,
      });
      const st = await created(start, { servicePrincipalId: sp, jobId: j.id, triggers: [creds], connection });
      const createCalls = graphCalls().map((c) => `${c.method} ${c.path}`);
      expect(createCalls.length, createCalls.join("\n")).to.be.at.most(8);
      emulator.clearRequestLog();
      await app.diff!(
        a.id,
        a.outs,
        await checked(app, { displayName: "AWS Count", templateId: AWS_TEMPLATE, connection }),
      );
      await start.diff!(
        st.id,
        st.outs,
        await checked(start, { servicePrincipalId: sp, jobId: j.id, triggers: [creds], connection }),
      );
      expect(graphCalls()).to.have.length(0);
      await start.delete!(st.id, st.outs);
      await secrets.delete!(s.id, s.outs);
      await job.delete!(j.id, j.outs);
      await app.delete!(a.id, a.outs);
      const destroyCalls = graphCalls().map((c) => `${c.method} ${c.path}`);
      expect(destroyCalls.length, destroyCalls.join("\n")).to.be.at.most(4);
      emulator.configure({ replicationDelayMs: 300 });
    });
  });

  describe("adopting existing objects (adoptExisting)", () => {
    it("should take over an app and its job made outside the stack, without a second of either", async () => {
      emulator.reset();
      emulator.configure({ replicationDelayMs: 0 });
      // Made by hand (portal, script) before the stack existed.
      const made = await graph.instantiateApplicationTemplate(AWS_TEMPLATE, "AWS Legacy");
      const legacyJob = await graph.createSynchronizationJob(made.servicePrincipal.id, "aws");

      const appState = await created(app, {
        displayName: "AWS Legacy",
        templateId: AWS_TEMPLATE,
        adoptExisting: true,
        connection,
      });
      expect(appState.outs.applicationObjectId).to.equal(made.application.id);
      expect(appState.outs.servicePrincipalId).to.equal(made.servicePrincipal.id);
      const jobState = await created(job, {
        servicePrincipalId: made.servicePrincipal.id,
        templateId: "aws",
        adoptExisting: true,
        connection,
      });
      expect(jobState.id).to.equal(legacyJob.id);
      expect(liveApps("AWS Legacy")).to.have.length(1);
      expect(emulator.state().jobs).to.have.length(1);
      expect(
        graphCalls().filter((e) => e.method === "POST" && /instantiate|\/jobs$/.test(e.path)),
      ).to.have.length(2);

      await job.delete!(jobState.id, jobState.outs);
      await app.delete!(appState.id, appState.outs);
      expect(liveApps("AWS Legacy")).to.deep.equal([]);
      emulator.configure({ replicationDelayMs: 300 });
    });
  });
});
