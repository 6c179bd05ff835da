import { expect } from "chai";
import {
  createProvisioningJobProvider,
  type ProvisioningJobOutputs,
} from "../../../provider/resources/provisioningJobProvider";
import {
  callSequence,
  connectionReset,
  fakeDeps,
  graphError,
  job,
  JOB_ID,
  notFound,
  SP_ID,
  stubGraph,
} from "./resourceFakes";

function setup(replicationTimeoutMs?: number) {
  const graph = stubGraph();
  const deps = fakeDeps(graph, { replicationTimeoutMs });
  return { graph, deps, provider: createProvisioningJobProvider(deps) };
}

const template = (id: string, isDefault: boolean) => ({
  id,
  applicationId: "x",
  default: isDefault,
  description: null,
  discoverable: true,
  factoryTag: id,
  metadata: [],
});

const outputs: ProvisioningJobOutputs = {
  jobId: JOB_ID,
  templateId: "aws",
  servicePrincipalId: SP_ID,
  scheduleState: "Disabled",
  scheduleInterval: "PT40M",
  statusCode: "NotConfigured",
  quarantine: null,
  adoptExisting: false,
  connection: null,
};

describe("ProvisioningJob provider", () => {
  describe("create", () => {
    it("should POST the job once and take the outputs from the response", async () => {
      const { graph, provider } = setup();
      graph.createSynchronizationJob.resolves(job());
      const result = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" });
      expect(callSequence(graph)).to.deep.equal(["createSynchronizationJob"]);
      expect(graph.createSynchronizationJob.firstCall.args).to.deep.equal([SP_ID, "aws"]);
      expect(result).to.deep.equal({ id: JOB_ID, outs: outputs });
    });

    it("should use the template marked default when templateId is omitted", async () => {
      const { graph, provider } = setup();
      graph.listSynchronizationTemplates.resolves([template("other", false), template("aws", true)]);
      graph.createSynchronizationJob.resolves(job());
      await provider.create({ servicePrincipalId: SP_ID });
      expect(callSequence(graph)).to.deep.equal(["listSynchronizationTemplates", "createSynchronizationJob"]);
      expect(graph.createSynchronizationJob.firstCall.args).to.deep.equal([SP_ID, "aws"]);
    });

    it("should use the only template when none is marked default", async () => {
      const { graph, provider } = setup();
      graph.listSynchronizationTemplates.resolves([template("scim", false)]);
      graph.createSynchronizationJob.resolves(job({ templateId: "scim" }));
      const result = await provider.create({ servicePrincipalId: SP_ID });
      expect(graph.createSynchronizationJob.firstCall.args).to.deep.equal([SP_ID, "scim"]);
      expect(result.outs.templateId).to.equal("scim");
    });

    it("should fail listing template ids when the default is ambiguous", async () => {
      const { graph, provider } = setup();
      graph.listSynchronizationTemplates.resolves([template("a", false), template("b", false)]);
      const err = await provider.create({ servicePrincipalId: SP_ID }).catch((e) => e);
      expect(err.message)
        .to.contain("2 synchronization templates")
        .and.contain("a, b")
        .and.contain("Set templateId");
      expect(graph.createSynchronizationJob.called).to.equal(false);
    });

    it("should retry a 404 on a just-created service principal, then succeed", async () => {
      const { graph, provider, deps } = setup();
      graph.createSynchronizationJob.onCall(0).rejects(notFound());
      graph.createSynchronizationJob.onCall(1).resolves(job());
      const result = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" });
      expect(result.id).to.equal(JOB_ID);
      expect(deps.sleeps).to.deep.equal([500]);
    });

    it("should fail saying the SP was not found after the replication timeout", async () => {
      const { graph, provider } = setup(3_000);
      graph.createSynchronizationJob.rejects(notFound());
      const err = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" }).catch((e) => e);
      expect(err.message).to.contain(`Service principal ${SP_ID} was not found after 3 s`);
      expect(err.message).to.contain("replicationTimeoutSeconds");
    });

    it("should adopt the job with that template when the POST response is lost", async () => {
      const { graph, provider } = setup();
      graph.createSynchronizationJob.rejects(connectionReset());
      graph.listSynchronizationJobs.resolves([job({ id: "scim.1", templateId: "scim" }), job()]);
      const result = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" });
      expect(callSequence(graph)).to.deep.equal(["createSynchronizationJob", "listSynchronizationJobs"]);
      expect(result.id).to.equal(JOB_ID);
    });

    // Issue 10 item 1: the client no longer retries a POST's 5xx; every one of them reaches this look-up.
    for (const status of [500, 502, 503, 504]) {
      it(`should adopt the job, not POST again, after a ${status} on create`, async () => {
        const { graph, provider } = setup();
        graph.createSynchronizationJob.rejects(graphError(status, "Failure", "POST"));
        graph.listSynchronizationJobs.resolves([job()]);
        const result = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" });
        expect(callSequence(graph)).to.deep.equal(["createSynchronizationJob", "listSynchronizationJobs"]);
        expect(result.id).to.equal(JOB_ID);
      });
    }

    it("should keep looking while the new job is not listed yet, and adopt it when it shows up", async () => {
      const { graph, provider, deps } = setup();
      graph.createSynchronizationJob.rejects(graphError(0, "TIMEOUT", "POST"));
      graph.listSynchronizationJobs.onFirstCall().resolves([]);
      graph.listSynchronizationJobs.onSecondCall().resolves([job({ id: "scim.1", templateId: "scim" })]);
      graph.listSynchronizationJobs.resolves([job({ id: "scim.1", templateId: "scim" }), job()]);
      const result = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" });
      expect(callSequence(graph)).to.deep.equal([
        "createSynchronizationJob",
        "listSynchronizationJobs",
        "listSynchronizationJobs",
        "listSynchronizationJobs",
      ]);
      expect(deps.sleeps, "backoff between looks").to.deep.equal([500, 1_000]);
      expect(result.id).to.equal(JOB_ID);
    });

    it("should POST once more only after the replication window passed with no job", async () => {
      const { graph, provider, deps } = setup(4_000);
      graph.createSynchronizationJob.onFirstCall().rejects(graphError(500, "InternalServerError", "POST"));
      graph.createSynchronizationJob.onSecondCall().resolves(job());
      graph.listSynchronizationJobs.resolves([]);
      const result = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" });
      expect(callSequence(graph)).to.deep.equal([
        "createSynchronizationJob",
        ...Array<string>(5).fill("listSynchronizationJobs"),
        "createSynchronizationJob",
      ]);
      expect(deps.sleeps).to.deep.equal([500, 1_000, 2_000, 500]);
      expect(result.id).to.equal(JOB_ID);
    });

    it("should fail saying what to check when listing the jobs fails", async () => {
      const { graph, provider } = setup();
      graph.createSynchronizationJob.rejects(connectionReset());
      graph.listSynchronizationJobs.rejects(graphError(403, "Authorization_RequestDenied"));
      const err = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" }).catch((e) => e);
      expect(err.message).to.contain("lost its response").and.contain("Authorization_RequestDenied");
      expect(graph.createSynchronizationJob.callCount).to.equal(1);
    });

    it("should fail naming the jobs when several have that template", async () => {
      const { graph, provider } = setup();
      graph.createSynchronizationJob.rejects(connectionReset());
      graph.listSynchronizationJobs.resolves([job({ id: "aws.1" }), job({ id: "aws.2" })]);
      const err = await provider.create({ servicePrincipalId: SP_ID, templateId: "aws" }).catch((e) => e);
      expect(err.message).to.contain("aws.1, aws.2");
      expect(graph.createSynchronizationJob.callCount).to.equal(1);
    });
  });

  describe("with adoptExisting", () => {
    it("should adopt the SP's job with that template instead of creating one", async () => {
      const { graph, provider } = setup();
      graph.listSynchronizationJobs.resolves([job({ id: "scim.1", templateId: "scim" }), job()]);
      const result = await provider.create({
        servicePrincipalId: SP_ID,
        templateId: "aws",
        adoptExisting: true,
      });
      expect(callSequence(graph)).to.deep.equal(["listSynchronizationJobs"]);
      expect(result).to.deep.equal({ id: JOB_ID, outs: { ...outputs, adoptExisting: true } });
    });

    it("should create the job when none has that template", async () => {
      const { graph, provider } = setup();
      graph.listSynchronizationJobs.resolves([job({ id: "scim.1", templateId: "scim" })]);
      graph.createSynchronizationJob.resolves(job());
      const result = await provider.create({
        servicePrincipalId: SP_ID,
        templateId: "aws",
        adoptExisting: true,
      });
      expect(callSequence(graph)).to.deep.equal(["listSynchronizationJobs", "createSynchronizationJob"]);
      expect(result.id).to.equal(JOB_ID);
    });
  });

  describe("read", () => {
    it("should refresh schedule, status and quarantine", async () => {
      const { graph, provider } = setup();
      graph.getSynchronizationJob.resolves(job({ state: "Active", code: "Quarantine", quarantined: true }));
      const read = await provider.read!(JOB_ID, outputs);
      expect(graph.getSynchronizationJob.firstCall.args).to.deep.equal([SP_ID, JOB_ID]);
      expect(read.props).to.deep.include({ scheduleState: "Active", statusCode: "Quarantine" });
      expect(read.props.quarantine).to.deep.equal({
        reason: "EncounteredQuarantineException",
        since: "2026-05-01T11:00:00Z",
        nextAttempt: "2026-05-01T13:00:00Z",
        seriesCount: 1,
        error: {
          code: "AwsInvalidCredentials",
          message: "The credentials are invalid",
          tenantActionable: true,
        },
      });
    });

    it("should report a deleted job as gone", async () => {
      const { graph, provider } = setup();
      graph.getSynchronizationJob.rejects(notFound());
      expect(await provider.read!(JOB_ID, outputs)).to.deep.equal({ id: "", props: {} });
    });
  });

  describe("update and delete", () => {
    it("should record a connection change without calling Graph", async () => {
      const { graph, provider } = setup();
      const result = await provider.update!(JOB_ID, outputs, {
        servicePrincipalId: SP_ID,
        connection: { apiVersion: "beta" },
      });
      expect(callSequence(graph)).to.deep.equal([]);
      expect(result.outs).to.deep.equal({ ...outputs, connection: { apiVersion: "beta" } });
    });

    it("should DELETE the job and treat 404 as done", async () => {
      const { graph, provider } = setup();
      graph.deleteSynchronizationJob.onFirstCall().resolves();
      graph.deleteSynchronizationJob.onSecondCall().rejects(notFound());
      await provider.delete!(JOB_ID, outputs);
      await provider.delete!(JOB_ID, outputs);
      expect(graph.deleteSynchronizationJob.firstCall.args).to.deep.equal([SP_ID, JOB_ID]);
      expect(graph.deleteSynchronizationJob.callCount).to.equal(2);
    });

    it("should fail on other delete errors", async () => {
      const { graph, provider } = setup();
      graph.deleteSynchronizationJob.rejects(graphError(401, "Unauthorized", "DELETE"));
      const err = await provider.delete!(JOB_ID, outputs).catch((e) => e);
      expect(err.message).to.contain(`Deleting synchronization job ${JOB_ID}`);
    });
  });
});
