import { expect } from "chai";
import sinon from "sinon";
import {
  createGalleryAppProvider,
  type GalleryAppOutputs,
} from "../../../provider/resources/galleryAppProvider";
import {
  APP_CLIENT_ID,
  APP_ID,
  callSequence,
  connectionReset,
  fakeDeps,
  GALLERY_APP_ID,
  graphError,
  instantiated,
  notFound,
  SP_ID,
  stubGraph,
  TEMPLATE_ID,
} from "./resourceFakes";

const START = Date.parse("2026-05-01T12:00:00Z");

function setup(options: { withAppIdLookup?: boolean; replicationTimeoutMs?: number } = {}) {
  const graph = stubGraph(options);
  const deps = fakeDeps(graph, { start: START, replicationTimeoutMs: options.replicationTimeoutMs });
  return { graph, deps, provider: createGalleryAppProvider(deps) };
}

const inputs = { displayName: "AWS Contoso", templateId: TEMPLATE_ID, permanentDelete: false };
const outputs: GalleryAppOutputs = {
  applicationObjectId: APP_ID,
  appId: APP_CLIENT_ID,
  servicePrincipalId: SP_ID,
  templateId: TEMPLATE_ID,
  templateDisplayName: null,
  displayName: "AWS Contoso",
  permanentDelete: false,
  adoptExisting: false,
  connection: null,
};

describe("GalleryApp provider", () => {
  afterEach(() => sinon.restore());

  describe("create", () => {
    it("should instantiate, confirm the service principal once, and output every input", async () => {
      const { graph, provider, deps } = setup();
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
      const result = await provider.create(inputs);
      expect(callSequence(graph)).to.deep.equal(["instantiateApplicationTemplate", "getServicePrincipal"]);
      expect(graph.instantiateApplicationTemplate.firstCall.args).to.deep.equal([TEMPLATE_ID, "AWS Contoso"]);
      expect(graph.getServicePrincipal.firstCall.args).to.deep.equal([SP_ID]);
      expect(result).to.deep.equal({ id: GALLERY_APP_ID, outs: outputs });
      expect(deps.clientFor.firstCall.args[0]).to.equal(undefined);
    });

    it("should pass the connection input to clientFor and keep it in the outputs", async () => {
      const { graph, provider, deps } = setup();
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
      const connection = { tenantId: "contoso.onmicrosoft.com", apiVersion: "beta" };
      const result = await provider.create({ ...inputs, connection });
      expect(deps.clientFor.firstCall.args[0]).to.deep.equal(connection);
      expect(result.outs.connection).to.deep.equal(connection);
    });

    it("should resolve templateDisplayName by exact $filter match", async () => {
      const { graph, provider } = setup();
      graph.listApplicationTemplates.resolves([
        { id: TEMPLATE_ID, displayName: "AWS Single-Account Access" },
        { id: "00000000-0000-4000-8000-000000000000", displayName: "aws single-account access" },
      ]);
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
      const result = await provider.create({
        displayName: "AWS Contoso",
        templateDisplayName: "AWS Single-Account Access",
      });
      expect(graph.listApplicationTemplates.firstCall.args).to.deep.equal([
        "displayName eq 'AWS Single-Account Access'",
      ]);
      expect(graph.instantiateApplicationTemplate.firstCall.args[0]).to.equal(TEMPLATE_ID);
      expect(result.outs).to.include({
        templateId: TEMPLATE_ID,
        templateDisplayName: "AWS Single-Account Access",
      });
    });

    it("should quote a templateDisplayName with an apostrophe as OData requires", async () => {
      const { graph, provider } = setup();
      graph.listApplicationTemplates.resolves([{ id: TEMPLATE_ID, displayName: "Bob's App" }]);
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
      await provider.create({ displayName: "x", templateDisplayName: "Bob's App" });
      expect(graph.listApplicationTemplates.firstCall.args[0]).to.equal("displayName eq 'Bob''s App'");
    });

    it("should fail listing candidates when templateDisplayName matches several templates", async () => {
      const { graph, provider } = setup();
      graph.listApplicationTemplates.resolves([
        { id: "aaaaaaaa-0000-4000-8000-000000000001", displayName: "Slack", publisher: "Slack" },
        { id: "aaaaaaaa-0000-4000-8000-000000000002", displayName: "Slack", publisher: "Other" },
      ]);
      const err = await provider.create({ displayName: "x", templateDisplayName: "Slack" }).catch((e) => e);
      expect(err.message).to.contain("matches 2 application templates");
      expect(err.message)
        .to.contain("aaaaaaaa-0000-4000-8000-000000000001")
        .and.contain("aaaaaaaa-0000-4000-8000-000000000002");
      expect(graph.instantiateApplicationTemplate.called).to.equal(false);
    });

    it("should fail with similar names when templateDisplayName matches nothing", async () => {
      const { graph, provider } = setup();
      graph.listApplicationTemplates.onFirstCall().resolves([]);
      graph.listApplicationTemplates
        .onSecondCall()
        .resolves([{ id: TEMPLATE_ID, displayName: "AWS Single-Account Access" }]);
      const err = await provider.create({ displayName: "x", templateDisplayName: "AWS" }).catch((e) => e);
      expect(graph.listApplicationTemplates.secondCall.args[0]).to.equal("contains(displayName,'AWS')");
      expect(err.message)
        .to.contain("matches no application template exactly")
        .and.contain(`"AWS Single-Account Access" (${TEMPLATE_ID})`);
      expect(graph.instantiateApplicationTemplate.called).to.equal(false);
    });

    it("should retry a replication 404 on the new service principal with backoff", async () => {
      const { graph, provider, deps } = setup();
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.onCall(0).rejects(notFound());
      graph.getServicePrincipal.onCall(1).rejects(notFound());
      graph.getServicePrincipal.onCall(2).resolves(instantiated().servicePrincipal);
      const result = await provider.create(inputs);
      expect(result.id).to.equal(GALLERY_APP_ID);
      expect(graph.getServicePrincipal.callCount).to.equal(3);
      expect(deps.sleeps).to.deep.equal([500, 1000]);
      expect(graph.deleteApplication.called).to.equal(false);
    });

    it("should give up after replicationTimeoutSeconds, delete the application, and say so", async () => {
      const { graph, provider, deps } = setup({ replicationTimeoutMs: 10_000 });
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.rejects(notFound());
      graph.deleteApplication.resolves();
      const err = await provider.create(inputs).catch((e) => e);
      expect(err.message).to.contain(`Service principal ${SP_ID}`).and.contain("was not found after 10 s");
      expect(err.message).to.contain(`Application ${APP_ID} was deleted again`);
      expect(graph.deleteApplication.firstCall.args).to.deep.equal([APP_ID]);
      expect(deps.sleeps.reduce((a, b) => a + b, 0)).to.equal(10_000);
      expect(callSequence(graph).at(-1)).to.equal("deleteApplication");
    });

    it("should roll back the application when a later step fails with another error", async () => {
      const { graph, provider } = setup();
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.rejects(graphError(403, "Authorization_RequestDenied"));
      graph.deleteApplication.resolves();
      const err = await provider.create(inputs).catch((e) => e);
      expect(err.message).to.contain("403 Authorization_RequestDenied");
      expect(graph.deleteApplication.calledOnceWith(APP_ID)).to.equal(true);
    });

    it("should retry the rollback delete while the new application is still replicating", async () => {
      const { graph, provider } = setup();
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.rejects(graphError(403, "Authorization_RequestDenied"));
      graph.deleteApplication.onFirstCall().rejects(notFound());
      graph.deleteApplication.onSecondCall().resolves();
      const err = await provider.create(inputs).catch((e) => e);
      expect(graph.deleteApplication.callCount).to.equal(2);
      expect(err.message).to.contain("was deleted again");
    });

    it("should say the application must be deleted by hand when the rollback fails too", async () => {
      const { graph, provider } = setup();
      graph.instantiateApplicationTemplate.resolves(instantiated());
      graph.getServicePrincipal.rejects(graphError(403, "Authorization_RequestDenied"));
      graph.deleteApplication.rejects(graphError(503, "ServiceUnavailable", "DELETE"));
      const err = await provider.create(inputs).catch((e) => e);
      expect(err.message)
        .to.contain(`deleting application ${APP_ID} also failed`)
        .and.contain("delete it by hand");
    });

    it("should fail without lookups on a plain 400 from instantiate", async () => {
      const { graph, provider } = setup();
      graph.instantiateApplicationTemplate.rejects(graphError(400, "Request_BadRequest", "POST"));
      const err = await provider.create(inputs).catch((e) => e);
      expect(err.message)
        .to.contain(`Instantiating application template ${TEMPLATE_ID}`)
        .and.contain("400 Request_BadRequest");
      expect(callSequence(graph)).to.deep.equal(["instantiateApplicationTemplate"]);
    });

    describe("with adoptExisting", () => {
      const existing = (id: string) => ({
        id,
        appId: APP_CLIENT_ID,
        displayName: "AWS Contoso",
        applicationTemplateId: TEMPLATE_ID,
        createdDateTime: new Date(START - 30 * 86_400_000).toISOString(),
      });

      it("should adopt the one existing application with that name and template, without instantiating", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.listApplicationsByNameAndTemplate.resolves([existing(APP_ID)]);
        graph.getServicePrincipalByAppId!.resolves(instantiated().servicePrincipal);
        const result = await provider.create({ ...inputs, adoptExisting: true });
        expect(callSequence(graph)).to.deep.equal([
          "listApplicationsByNameAndTemplate",
          "getServicePrincipalByAppId",
        ]);
        expect(graph.listApplicationsByNameAndTemplate.firstCall.args).to.deep.equal([
          "AWS Contoso",
          TEMPLATE_ID,
        ]);
        expect(result).to.deep.equal({ id: GALLERY_APP_ID, outs: { ...outputs, adoptExisting: true } });
      });

      it("should instantiate as usual when no application matches", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.listApplicationsByNameAndTemplate.resolves([]);
        graph.instantiateApplicationTemplate.resolves(instantiated());
        graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
        const result = await provider.create({ ...inputs, adoptExisting: true });
        expect(callSequence(graph)).to.deep.equal([
          "listApplicationsByNameAndTemplate",
          "instantiateApplicationTemplate",
          "getServicePrincipal",
        ]);
        expect(result.id).to.equal(GALLERY_APP_ID);
      });

      it("should refuse to guess between several matching applications, naming them", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.listApplicationsByNameAndTemplate.resolves([existing("app-one"), existing("app-two")]);
        const err = await provider.create({ ...inputs, adoptExisting: true }).catch((e) => e);
        expect(err.message)
          .to.contain("2 applications match")
          .and.to.contain("app-one")
          .and.to.contain("app-two");
        expect(graph.instantiateApplicationTemplate.callCount).to.equal(0);
      });
    });

    describe("when the instantiate response is lost", () => {
      const created = (minutesAfterStart: number, id = APP_ID) => ({
        id,
        appId: APP_CLIENT_ID,
        displayName: "AWS Contoso",
        applicationTemplateId: TEMPLATE_ID,
        createdDateTime: new Date(START + minutesAfterStart * 60_000).toISOString(),
      });

      it("should adopt the one application created since the request began", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.instantiateApplicationTemplate.rejects(connectionReset());
        graph.listApplicationsByNameAndTemplate.resolves([created(-60, "old-app"), created(0)]);
        graph.getServicePrincipalByAppId.resolves(instantiated().servicePrincipal);
        graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
        const result = await provider.create(inputs);
        expect(callSequence(graph)).to.deep.equal([
          "instantiateApplicationTemplate",
          "listApplicationsByNameAndTemplate",
          "getServicePrincipalByAppId",
          "getServicePrincipal",
        ]);
        expect(graph.listApplicationsByNameAndTemplate.firstCall.args).to.deep.equal([
          "AWS Contoso",
          TEMPLATE_ID,
        ]);
        expect(graph.getServicePrincipalByAppId.firstCall.args).to.deep.equal([APP_CLIENT_ID]);
        expect(result.outs).to.include({ applicationObjectId: APP_ID, servicePrincipalId: SP_ID });
      });

      // Issue 10 item 1: the client no longer retries a POST's 5xx; every one of them reaches this look-up.
      for (const status of [500, 502, 503, 504]) {
        it(`should look up, not repeat, after a ${status} on instantiate (a gateway may answer it after the backend acted)`, async () => {
          const { graph, provider } = setup({ withAppIdLookup: true });
          graph.instantiateApplicationTemplate.rejects(graphError(status, "Failure", "POST"));
          graph.listApplicationsByNameAndTemplate.resolves([created(0)]);
          graph.getServicePrincipalByAppId.resolves(instantiated().servicePrincipal);
          graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
          const result = await provider.create(inputs);
          expect(graph.instantiateApplicationTemplate.callCount).to.equal(1);
          expect(result.outs).to.include({ applicationObjectId: APP_ID, servicePrincipalId: SP_ID });
        });
      }

      it("should keep looking while the new application is not listed yet, and adopt it when it shows up", async () => {
        const { graph, provider, deps } = setup({ withAppIdLookup: true });
        graph.instantiateApplicationTemplate.rejects(graphError(0, "TIMEOUT", "POST"));
        // Replication: the first two lists do not show it yet.
        graph.listApplicationsByNameAndTemplate.onFirstCall().resolves([]);
        graph.listApplicationsByNameAndTemplate.onSecondCall().resolves([created(-5, "old-app")]);
        graph.listApplicationsByNameAndTemplate.resolves([created(-5, "old-app"), created(0.5)]);
        graph.getServicePrincipalByAppId.resolves(instantiated().servicePrincipal);
        graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
        const result = await provider.create(inputs);
        expect(callSequence(graph)).to.deep.equal([
          "instantiateApplicationTemplate",
          "listApplicationsByNameAndTemplate",
          "listApplicationsByNameAndTemplate",
          "listApplicationsByNameAndTemplate",
          "getServicePrincipalByAppId",
          "getServicePrincipal",
        ]);
        expect(deps.sleeps, "backoff between looks").to.deep.equal([500, 1_000]);
        expect(result.outs).to.include({ applicationObjectId: APP_ID, servicePrincipalId: SP_ID });
      });

      it("should adopt an application the lost request made later than it began (applied after the client gave up)", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.instantiateApplicationTemplate.rejects(graphError(0, "TIMEOUT", "POST"));
        graph.listApplicationsByNameAndTemplate.onFirstCall().resolves([]);
        graph.listApplicationsByNameAndTemplate.resolves([created(2)]);
        graph.getServicePrincipalByAppId.resolves(instantiated().servicePrincipal);
        graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
        const result = await provider.create(inputs);
        expect(graph.instantiateApplicationTemplate.callCount).to.equal(1);
        expect(result.outs).to.include({ applicationObjectId: APP_ID });
      });

      it("should instantiate once more only after the replication window passed with none (5xx and timeout count as lost)", async () => {
        for (const lost of [graphError(502, "BadGateway", "POST"), graphError(0, "TIMEOUT", "POST")]) {
          const { graph, provider, deps } = setup({ withAppIdLookup: true, replicationTimeoutMs: 10_000 });
          graph.instantiateApplicationTemplate.onFirstCall().rejects(lost);
          graph.instantiateApplicationTemplate.onSecondCall().resolves(instantiated());
          graph.listApplicationsByNameAndTemplate.resolves([created(-5)]);
          graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
          const result = await provider.create(inputs);
          const looks = graph.listApplicationsByNameAndTemplate.callCount;
          expect(callSequence(graph)).to.deep.equal([
            "instantiateApplicationTemplate",
            ...Array<string>(looks).fill("listApplicationsByNameAndTemplate"),
            "instantiateApplicationTemplate",
            "getServicePrincipal",
          ]);
          // 500 + 1000 + 2000 + 4000, then what is left of the 10 s window, then one last look.
          expect(deps.sleeps).to.deep.equal([500, 1_000, 2_000, 4_000, 2_500]);
          expect(looks).to.equal(6);
          expect(result.id).to.equal(GALLERY_APP_ID);
        }
      });

      it("should fail saying what to check when looking for the application fails", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.instantiateApplicationTemplate.rejects(connectionReset());
        graph.listApplicationsByNameAndTemplate.onFirstCall().resolves([]);
        graph.listApplicationsByNameAndTemplate.rejects(graphError(403, "Authorization_RequestDenied"));
        const err = await provider.create(inputs).catch((e) => e);
        expect(err.message)
          .to.contain("lost its response")
          .and.contain("Authorization_RequestDenied")
          .and.contain('Check the tenant for an application "AWS Contoso"');
        expect(graph.instantiateApplicationTemplate.callCount).to.equal(1);
      });

      it("should delete the application it found when that application's service principal cannot be read", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.instantiateApplicationTemplate.rejects(connectionReset());
        graph.listApplicationsByNameAndTemplate.resolves([created(0, "lost-app")]);
        graph.getServicePrincipalByAppId.rejects(graphError(403, "Authorization_RequestDenied"));
        graph.deleteApplication.resolves();
        const err = await provider.create(inputs).catch((e) => e);
        expect(err.message)
          .to.contain("403 Authorization_RequestDenied")
          .and.contain("Application lost-app was deleted again");
        expect(callSequence(graph)).to.deep.equal([
          "instantiateApplicationTemplate",
          "listApplicationsByNameAndTemplate",
          "getServicePrincipalByAppId",
          "deleteApplication",
        ]);
        expect(graph.deleteApplication.firstCall.args).to.deep.equal(["lost-app"]);
      });

      it("should fail naming every application when several were created since", async () => {
        const { graph, provider } = setup({ withAppIdLookup: true });
        graph.instantiateApplicationTemplate.rejects(connectionReset());
        graph.listApplicationsByNameAndTemplate.resolves([created(0, "app-one"), created(0.5, "app-two")]);
        const err = await provider.create(inputs).catch((e) => e);
        expect(err.message).to.contain("2 applications").and.contain("app-one").and.contain("app-two");
        expect(graph.instantiateApplicationTemplate.callCount).to.equal(1);
        expect(graph.deleteApplication.called).to.equal(false);
      });

      it("should remove the found application and instantiate again when SPs cannot be looked up by appId", async () => {
        const { graph, provider } = setup();
        graph.instantiateApplicationTemplate.onFirstCall().rejects(connectionReset());
        graph.instantiateApplicationTemplate.onSecondCall().resolves(instantiated());
        graph.listApplicationsByNameAndTemplate.resolves([created(0, "lost-app")]);
        graph.deleteApplication.resolves();
        graph.getServicePrincipal.resolves(instantiated().servicePrincipal);
        const result = await provider.create(inputs);
        expect(callSequence(graph)).to.deep.equal([
          "instantiateApplicationTemplate",
          "listApplicationsByNameAndTemplate",
          "deleteApplication",
          "instantiateApplicationTemplate",
          "getServicePrincipal",
        ]);
        expect(graph.deleteApplication.firstCall.args).to.deep.equal(["lost-app"]);
        expect(result.id).to.equal(GALLERY_APP_ID);
      });
    });
  });

  describe("read", () => {
    it("should refresh displayName and report a deleted application as gone", async () => {
      const { graph, provider } = setup();
      graph.getApplication
        .onFirstCall()
        .resolves({ ...instantiated().application, displayName: "Renamed in portal" });
      graph.getApplication.onSecondCall().rejects(notFound());
      const read = await provider.read!(GALLERY_APP_ID, outputs);
      expect(read).to.deep.equal({
        id: GALLERY_APP_ID,
        props: { ...outputs, displayName: "Renamed in portal" },
      });
      expect(await provider.read!(GALLERY_APP_ID, outputs)).to.deep.equal({ id: "", props: {} });
    });

    it("should read the application named by the id, and take the service principal id from the id", async () => {
      const { graph, provider } = setup();
      graph.getApplication.resolves(instantiated().application);
      // No props (as for a read by id alone): the id still gives every object id.
      const read = await provider.read!(GALLERY_APP_ID);
      expect(graph.getApplication.firstCall.args).to.deep.equal([APP_ID]);
      expect(read.id).to.equal(GALLERY_APP_ID);
      expect(read.props).to.include({
        applicationObjectId: APP_ID,
        servicePrincipalId: SP_ID,
        appId: APP_CLIENT_ID,
        templateId: TEMPLATE_ID,
      });
    });

    it("should fail on errors other than 404", async () => {
      const { graph, provider } = setup();
      graph.getApplication.rejects(graphError(403, "Authorization_RequestDenied"));
      const err = await provider.read!(GALLERY_APP_ID, outputs).catch((e) => e);
      expect(err.message).to.contain(`Reading application ${APP_ID}`);
    });
  });

  describe("update", () => {
    it("should rename the application and the service principal", async () => {
      const { graph, provider } = setup();
      graph.updateApplication.resolves();
      graph.updateServicePrincipal.resolves();
      const result = await provider.update!(GALLERY_APP_ID, outputs, {
        ...inputs,
        displayName: "AWS Fabrikam",
      });
      expect(callSequence(graph)).to.deep.equal(["updateApplication", "updateServicePrincipal"]);
      expect(graph.updateApplication.firstCall.args).to.deep.equal([APP_ID, { displayName: "AWS Fabrikam" }]);
      expect(graph.updateServicePrincipal.firstCall.args).to.deep.equal([
        SP_ID,
        { displayName: "AWS Fabrikam" },
      ]);
      expect(result.outs).to.deep.equal({ ...outputs, displayName: "AWS Fabrikam" });
    });

    it("should rename the service principal named by the id, whatever the old outputs hold", async () => {
      const { graph, provider } = setup();
      graph.updateApplication.resolves();
      graph.updateServicePrincipal.resolves();
      const olds = { ...outputs, applicationObjectId: "", servicePrincipalId: "" };
      await provider.update!(GALLERY_APP_ID, olds, { ...inputs, displayName: "AWS Fabrikam" });
      expect(graph.updateApplication.firstCall.args[0]).to.equal(APP_ID);
      expect(graph.updateServicePrincipal.firstCall.args[0]).to.equal(SP_ID);
    });

    it("should only record permanentDelete and connection changes", async () => {
      const { graph, provider } = setup();
      const connection = { apiVersion: "beta" };
      const result = await provider.update!(GALLERY_APP_ID, outputs, {
        ...inputs,
        permanentDelete: true,
        connection,
      });
      expect(callSequence(graph)).to.deep.equal([]);
      expect(result.outs).to.deep.equal({ ...outputs, permanentDelete: true, connection });
    });
  });

  describe("delete", () => {
    it("should delete the application, treating 404 as done", async () => {
      const { graph, provider } = setup();
      graph.deleteApplication.onFirstCall().resolves();
      graph.deleteApplication.onSecondCall().rejects(notFound());
      await provider.delete!(GALLERY_APP_ID, outputs);
      await provider.delete!(GALLERY_APP_ID, outputs);
      expect(callSequence(graph)).to.deep.equal(["deleteApplication", "deleteApplication"]);
    });

    it("should also purge the deleted item when permanentDelete is set, retrying its replication", async () => {
      const { graph, provider } = setup();
      graph.deleteApplication.resolves();
      graph.permanentlyDeleteDirectoryObject.onFirstCall().rejects(notFound());
      graph.permanentlyDeleteDirectoryObject.onSecondCall().resolves();
      await provider.delete!(GALLERY_APP_ID, { ...outputs, permanentDelete: true });
      expect(callSequence(graph)).to.deep.equal([
        "deleteApplication",
        "permanentlyDeleteDirectoryObject",
        "permanentlyDeleteDirectoryObject",
      ]);
      expect(graph.permanentlyDeleteDirectoryObject.firstCall.args).to.deep.equal([APP_ID]);
    });

    it("should delete the application named by the id, not the whole id", async () => {
      const { graph, provider } = setup();
      graph.deleteApplication.resolves();
      await provider.delete!(GALLERY_APP_ID, outputs);
      expect(graph.deleteApplication.firstCall.args).to.deep.equal([APP_ID]);
    });

    it("should fail on a delete error other than 404", async () => {
      const { graph, provider } = setup();
      graph.deleteApplication.rejects(graphError(403, "Authorization_RequestDenied", "DELETE"));
      const err = await provider.delete!(GALLERY_APP_ID, outputs).catch((e) => e);
      expect(err.message).to.contain(`Deleting application ${APP_ID}`).and.contain("403");
    });
  });

  describe("with a malformed id", () => {
    for (const bad of [APP_ID, `${APP_ID}/${SP_ID}`, `${APP_ID}//${APP_CLIENT_ID}`, `${GALLERY_APP_ID}/x`]) {
      it(`should refuse read, update and delete of ${JSON.stringify(bad)} without calling Graph`, async () => {
        const { graph, provider } = setup();
        const errors = [
          await provider.read!(bad, outputs).catch((e) => e),
          await provider.update!(bad, outputs, { ...inputs, displayName: "AWS Fabrikam" }).catch((e) => e),
          await provider.delete!(bad, outputs).catch((e) => e),
        ];
        for (const err of errors) {
          expect(err).to.be.instanceOf(Error);
          expect(err.message)
            .to.contain(`Malformed GalleryApp id ${JSON.stringify(bad)}`)
            .and.contain("<applicationObjectId>/<servicePrincipalId>/<appId>");
        }
        expect(callSequence(graph)).to.deep.equal([]);
      });
    }
  });
});
