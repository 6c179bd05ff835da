/**
 * The target of every resource (issue 10, item 4; design.md §3 "Target"), as `createProvider` serves
 * it: a change of tenant or Graph endpoint is a replace, credential-only changes are updates, state
 * without a recorded target is no change, and no call acts in another tenant than the one a resource
 * was created in.
 */
import { expect } from "chai";
import { tenantOfToken } from "../../../provider/graph/credentials";
import { resolveTarget, sameTarget } from "../../../provider/graph/connection";
import { createProvider } from "../../../provider/runtime";
import {
  fakeDeps,
  GALLERY_APP_ID,
  GRAPH_ENDPOINT,
  instantiated,
  JOB_ID,
  notFound,
  SP_ID,
  stubGraph,
  TEMPLATE_ID,
  TENANT_ID,
} from "./resourceFakes";

const OTHER_TENANT = "0c1f9a4e-2b7d-4e3a-9f6c-8d5b4a3c2e10";
const declared = { tenantId: TENANT_ID, graphEndpoint: GRAPH_ENDPOINT };
const recorded = { ...declared, tid: TENANT_ID };
const credentials = { tenantId: TENANT_ID, clientId: "c", clientSecret: "s-old" };
const appInputs = {
  displayName: "AWS Contoso",
  templateId: TEMPLATE_ID,
  permanentDelete: false,
  adoptExisting: false,
  connection: credentials,
  target: declared,
};
const appOutputs = {
  applicationObjectId: "a",
  appId: "b",
  servicePrincipalId: SP_ID,
  templateId: TEMPLATE_ID,
  templateDisplayName: null,
  displayName: "AWS Contoso",
  permanentDelete: false,
  adoptExisting: false,
  connection: credentials,
  target: recorded,
  __provider: "exports.handler = __f0;",
};

function setup() {
  const graph = stubGraph();
  const deps = fakeDeps(graph);
  return { graph, deps, app: createProvider("GalleryApp", deps), start: createProvider("JobStart", deps) };
}

describe("resource targets (tenant + Graph endpoint)", () => {
  describe("diff", () => {
    it("should replace when the declared tenant changes, from the connection or from stack config", async () => {
      const { app } = setup();
      const moved = { ...appInputs, target: { ...declared, tenantId: OTHER_TENANT } };
      const byConnection = await app.diff!(GALLERY_APP_ID, appOutputs, {
        ...moved,
        connection: { ...credentials, tenantId: OTHER_TENANT },
      });
      expect(byConnection).to.deep.include({ changes: true, replaces: ["target"] });
      // Stack config changed: the connection input is the same, only the declared target moved.
      const byConfig = await app.diff!(GALLERY_APP_ID, appOutputs, moved);
      expect(byConfig).to.deep.include({ changes: true, replaces: ["target"] });
    });

    it("should replace when the Graph endpoint changes, ignoring case and trailing slashes", async () => {
      const { app } = setup();
      const other = { ...appInputs, target: { ...declared, graphEndpoint: "https://graph.microsoft.us" } };
      expect((await app.diff!(GALLERY_APP_ID, appOutputs, other)).replaces).to.deep.equal(["target"]);
      const same = { ...appInputs, target: { ...declared, graphEndpoint: "https://GRAPH.microsoft.com/" } };
      expect(await app.diff!(GALLERY_APP_ID, appOutputs, same)).to.deep.include({
        changes: false,
        replaces: [],
      });
    });

    it("should keep a credential-only change an update", async () => {
      const { app } = setup();
      const rotated = { ...appInputs, connection: { ...credentials, clientSecret: "s-new" } };
      expect(await app.diff!(GALLERY_APP_ID, appOutputs, rotated)).to.deep.include({
        changes: true,
        replaces: [],
      });
    });

    it("should see no change in state recorded before targets existed", async () => {
      const { app } = setup();
      const { target: _none, ...old } = appOutputs;
      expect(await app.diff!(GALLERY_APP_ID, old, appInputs)).to.deep.include({
        changes: false,
        replaces: [],
      });
    });

    it("should plan a replace when the declared target is not known yet", async () => {
      const { app } = setup();
      const unknown = { ...appInputs, target: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
      expect((await app.diff!(GALLERY_APP_ID, appOutputs, unknown)).replaces).to.deep.equal(["target"]);
    });
  });

  describe("create and update", () => {
    it("should record the declared target and the tenant the credentials act in", async () => {
      const { app, graph, deps } = setup();
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
      const { outs } = await app.create(appInputs);
      expect(outs.target).to.deep.equal(recorded);
      expect(deps.tenantOf.firstCall.args[0]).to.deep.equal(credentials);
    });

    it("should refuse to create when the provider resolves another target than the program declared", async () => {
      const { app, graph, deps } = setup();
      deps.targetOf.returns({ tenantId: null, graphEndpoint: GRAPH_ENDPOINT });
      const err = await app.create(appInputs).catch((e) => e);
      expect(err.message)
        .to.contain(`the program targets tenant ${TENANT_ID}`)
        .and.contain("the provider resolved tenant (from the credentials)")
        .and.contain("configure");
      expect(graph.instantiateApplicationTemplate.called).to.equal(false);
    });

    it("should record the target on the first update of state that had none", async () => {
      const { app, deps } = setup();
      const { target: _none, ...old } = appOutputs;
      const { outs } = await app.update!(GALLERY_APP_ID, old, appInputs);
      expect(outs.target).to.deep.equal(recorded);
      expect(deps.tenantOf.callCount).to.equal(1);
    });

    it("should keep the target in the properties of an init failure", async () => {
      const { start, graph } = setup();
      graph.getSynchronizationJob.resolves({
        id: JOB_ID,
        templateId: "aws",
        schedule: { expiration: null, interval: "PT40M", state: "Active" },
        status: { code: "NotConfigured" },
      });
      const err = await start
        .create({ servicePrincipalId: SP_ID, jobId: JOB_ID, timeoutSeconds: 1, target: declared })
        .catch((e) => e);
      expect(err.id).to.equal(`${SP_ID}/${JOB_ID}/start`);
      expect(err.properties.target).to.deep.equal(recorded);
    });
  });

  describe("acting in another tenant", () => {
    it("should refuse to delete with credentials for another tenant, naming both, and call no Graph", async () => {
      const { app, graph, deps } = setup();
      deps.tenantOf.resolves(OTHER_TENANT);
      graph.deleteApplication.rejects(notFound());
      const err = await app.delete!(GALLERY_APP_ID, appOutputs).catch((e) => e);
      expect(err.message)
        .to.contain(`refusing to act in tenant ${OTHER_TENANT}`)
        .and.contain(`created in tenant ${TENANT_ID}`)
        .and.contain("pulumi state delete");
      expect(graph.deleteApplication.called).to.equal(false);
    });

    it("should refuse to read in another tenant rather than report the resource gone", async () => {
      const { app, graph, deps } = setup();
      deps.tenantOf.resolves(OTHER_TENANT);
      graph.getApplication.rejects(notFound());
      const err = await app.read!(GALLERY_APP_ID, appOutputs).catch((e) => e);
      expect(err).to.be.an("error");
      expect(err.message).to.contain(`created in tenant ${TENANT_ID}`);
      expect(graph.getApplication.called).to.equal(false);
    });

    it("should refuse when the credentials' tenant cannot be told", async () => {
      const { app, deps } = setup();
      deps.tenantOf.resolves(null);
      const err = await app.delete!(GALLERY_APP_ID, appOutputs).catch((e) => e);
      expect(err.message).to.contain("refusing to act in tenant (unknown");
    });

    it("should read, keeping the recorded target, in the same tenant", async () => {
      const { app, graph } = setup();
      graph.getApplication.resolves({ ...instantiated().application, id: "a", appId: "b" });
      const { props } = await app.read!(GALLERY_APP_ID, appOutputs);
      expect(props.target).to.deep.equal(recorded);
    });
  });

  describe("helpers", () => {
    it("should resolve the target with the connection over config over environment", () => {
      const config = { get: (k: string) => ({ "graphProvisioning:tenantId": "Contoso.onmicrosoft.com" })[k] };
      const env = { AZURE_TENANT_ID: OTHER_TENANT, GRAPH_PROVISIONING_ENDPOINT: "https://127.0.0.1:8443/" };
      expect(resolveTarget({}, config, env)).to.deep.equal({
        tenantId: "contoso.onmicrosoft.com",
        graphEndpoint: "https://127.0.0.1:8443",
      });
      expect(resolveTarget({ tenantId: TENANT_ID, graphEndpoint: " " }, config, {})).to.deep.equal(declared);
      expect(
        sameTarget(declared, { tenantId: TENANT_ID.toUpperCase(), graphEndpoint: `${GRAPH_ENDPOINT}/` }),
      ).to.equal(true);
    });

    it("should read the tid claim of a JWT access token, and nothing from other tokens", () => {
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
      const token = `${b64({ typ: "JWT", alg: "RS256" })}.${b64({ tid: OTHER_TENANT.toUpperCase(), aud: "x" })}.sig`;
      expect(tenantOfToken(token)).to.equal(OTHER_TENANT);
      expect(tenantOfToken("opaque-token")).to.equal(null);
      expect(tenantOfToken(`${b64({})}.${b64({ aud: "x" })}.sig`)).to.equal(null);
      expect(tenantOfToken("a.%%%.c")).to.equal(null);
    });
  });
});
