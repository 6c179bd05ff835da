import { expect } from "chai";
import {
  createProvisioningSecretsProvider,
  type ProvisioningSecretsOutputs,
} from "../../../provider/resources/provisioningSecretsProvider";
import { callSequence, fakeDeps, graphError, JOB_ID, notFound, SP_ID, stubGraph } from "./resourceFakes";

function setup() {
  const graph = stubGraph();
  const deps = fakeDeps(graph);
  return { graph, deps, provider: createProvisioningSecretsProvider(deps) };
}

const CLIENT_SECRET = "aws-client-secret-VALUE";
const TOKEN = "aws-secret-token-VALUE";
const inputs = {
  servicePrincipalId: SP_ID,
  credentials: { SecretToken: TOKEN, ClientSecret: CLIENT_SECRET },
  jobId: JOB_ID,
  validate: true,
};
const outputs: ProvisioningSecretsOutputs = {
  servicePrincipalId: SP_ID,
  credentials: { SecretToken: TOKEN, ClientSecret: CLIENT_SECRET },
  keys: ["ClientSecret", "SecretToken"],
  jobId: JOB_ID,
  templateId: null,
  validate: true,
  connection: null,
};
const pairs = [
  { key: "ClientSecret", value: CLIENT_SECRET },
  { key: "SecretToken", value: TOKEN },
];

describe("ProvisioningSecrets provider", () => {
  describe("create", () => {
    it("should validate against the job, then PUT every key", async () => {
      const { graph, provider } = setup();
      graph.validateCredentials.resolves();
      graph.putSynchronizationSecrets.resolves();
      const result = await provider.create(inputs);
      expect(callSequence(graph)).to.deep.equal(["validateCredentials", "putSynchronizationSecrets"]);
      expect(graph.validateCredentials.firstCall.args).to.deep.equal([
        SP_ID,
        { jobId: JOB_ID, credentials: pairs },
      ]);
      expect(graph.putSynchronizationSecrets.firstCall.args).to.deep.equal([SP_ID, pairs]);
      expect(result).to.deep.equal({ id: `${SP_ID}/secrets`, outs: outputs });
    });

    it("should use the collection-bound validation with templateId when there is no job", async () => {
      const { graph, provider } = setup();
      graph.validateCredentials.resolves();
      graph.putSynchronizationSecrets.resolves();
      const result = await provider.create({ ...inputs, jobId: undefined, templateId: "aws" });
      expect(graph.validateCredentials.firstCall.args).to.deep.equal([
        SP_ID,
        { templateId: "aws", credentials: pairs },
      ]);
      expect(result.outs).to.include({ jobId: null, templateId: "aws" });
    });

    it("should skip validation when validate is false", async () => {
      const { graph, provider } = setup();
      graph.putSynchronizationSecrets.resolves();
      await provider.create({ ...inputs, validate: false });
      expect(callSequence(graph)).to.deep.equal(["putSynchronizationSecrets"]);
    });

    it("should save nothing when validation fails, reporting Graph's reason without secret values", async () => {
      const { graph, provider } = setup();
      const rejection = graphError(400, "CredentialValidationUnavailable", "POST");
      Object.defineProperty(rejection, "message", { value: `bad token ${TOKEN} for AWS` });
      graph.validateCredentials.rejects(rejection);
      const err = await provider.create(inputs).catch((e) => e);
      expect(callSequence(graph)).to.deep.equal(["validateCredentials"]);
      expect(err.message).to.contain("nothing was saved").and.contain("bad token *** for AWS");
      expect(err.message).not.to.contain(TOKEN).and.not.to.contain(CLIENT_SECRET);
    });

    it("should not call a permission error a rejection of the credentials", async () => {
      const { graph, provider } = setup();
      graph.validateCredentials.rejects(graphError(403, "Authorization_RequestDenied", "POST"));
      const err = await provider.create(inputs).catch((e) => e);
      expect(callSequence(graph)).to.deep.equal(["validateCredentials"]);
      expect(err.message)
        .to.contain("validateCredentials of the credentials")
        .and.contain("failed; nothing was saved")
        .and.contain("403 Authorization_RequestDenied");
      expect(err.message).not.to.contain("rejected the credentials");
    });

    it("should retry a replication 404 on the new job during validation", async () => {
      const { graph, provider, deps } = setup();
      graph.validateCredentials.onFirstCall().rejects(notFound());
      graph.validateCredentials.onSecondCall().resolves();
      graph.putSynchronizationSecrets.resolves();
      await provider.create(inputs);
      expect(callSequence(graph)).to.deep.equal([
        "validateCredentials",
        "validateCredentials",
        "putSynchronizationSecrets",
      ]);
      expect(deps.sleeps).to.deep.equal([500]);
    });
  });

  describe("update", () => {
    it("should validate and PUT the new values, clearing dropped keys ('' or '{}' for JSON keys)", async () => {
      const { graph, provider } = setup();
      graph.validateCredentials.resolves();
      graph.putSynchronizationSecrets.resolves();
      const olds = {
        ...outputs,
        credentials: {
          ...outputs.credentials,
          BaseAddress: "https://x",
          SyncNotificationSettings: '{"Enabled":true}',
        },
        keys: ["BaseAddress", "ClientSecret", "SecretToken", "SyncNotificationSettings"],
      };
      const result = await provider.update!(`${SP_ID}/secrets`, olds, {
        ...inputs,
        credentials: { SecretToken: "rotated-TOKEN" },
      });
      expect(callSequence(graph)).to.deep.equal(["validateCredentials", "putSynchronizationSecrets"]);
      expect(graph.putSynchronizationSecrets.firstCall.args[1]).to.deep.equal([
        { key: "SecretToken", value: "rotated-TOKEN" },
        { key: "BaseAddress", value: "" },
        { key: "ClientSecret", value: "" },
        { key: "SyncNotificationSettings", value: "{}" },
      ]);
      expect(result.outs).to.deep.include({
        keys: ["SecretToken"],
        credentials: { SecretToken: "rotated-TOKEN" },
      });
    });

    it("should write again keys that vanished (drift found by read)", async () => {
      const { graph, provider } = setup();
      graph.validateCredentials.resolves();
      graph.putSynchronizationSecrets.resolves();
      const drifted = { ...outputs, credentials: { ClientSecret: CLIENT_SECRET }, keys: ["ClientSecret"] };
      await provider.update!(`${SP_ID}/secrets`, drifted, inputs);
      expect(graph.putSynchronizationSecrets.firstCall.args[1]).to.deep.equal(pairs);
    });

    it("should only record a connection or validate change", async () => {
      const { graph, provider } = setup();
      const result = await provider.update!(`${SP_ID}/secrets`, outputs, {
        ...inputs,
        validate: false,
        connection: { apiVersion: "beta" },
      });
      expect(callSequence(graph)).to.deep.equal([]);
      expect(result.outs).to.include({ validate: false });
    });
  });

  describe("read", () => {
    it("should keep masked keys, and drop vanished keys or changed clear values as drift", async () => {
      const { graph, provider } = setup();
      const olds = {
        ...outputs,
        credentials: { ...outputs.credentials, SyncNotificationSettings: '{"Enabled":false}' },
        keys: ["ClientSecret", "SecretToken", "SyncNotificationSettings"],
      };
      graph.getSynchronizationSecrets.resolves([
        { key: "ClientSecret", value: "*" },
        { key: "SyncNotificationSettings", value: '{"Enabled":true}' },
      ]);
      const read = await provider.read!(`${SP_ID}/secrets`, olds);
      expect(read.id).to.equal(`${SP_ID}/secrets`);
      expect(read.props.keys).to.deep.equal(["ClientSecret"]);
      expect(read.props.credentials).to.deep.equal({ ClientSecret: CLIENT_SECRET });
    });

    it("should report a deleted service principal as gone", async () => {
      const { graph, provider } = setup();
      graph.getSynchronizationSecrets.rejects(notFound());
      expect(await provider.read!(`${SP_ID}/secrets`, outputs)).to.deep.equal({ id: "", props: {} });
    });
  });

  describe("delete", () => {
    it("should clear the managed keys in one PUT, JSON keys with '{}'", async () => {
      const { graph, provider } = setup();
      graph.putSynchronizationSecrets.resolves();
      await provider.delete!(`${SP_ID}/secrets`, {
        ...outputs,
        keys: ["SecretToken", "SyncNotificationSettings"],
      });
      expect(graph.putSynchronizationSecrets.firstCall.args).to.deep.equal([
        SP_ID,
        [
          { key: "SecretToken", value: "" },
          { key: "SyncNotificationSettings", value: "{}" },
        ],
      ]);
    });

    it("should treat a 404 of the service principal as gone", async () => {
      const { graph, provider } = setup();
      graph.putSynchronizationSecrets.rejects(notFound());
      await provider.delete!(`${SP_ID}/secrets`, outputs);
      expect(graph.putSynchronizationSecrets.callCount).to.equal(1);
    });

    it("should fail on other errors", async () => {
      const { graph, provider } = setup();
      graph.putSynchronizationSecrets.rejects(graphError(400, "BadRequest", "PUT"));
      const err = await provider.delete!(`${SP_ID}/secrets`, outputs).catch((e) => e);
      expect(err.message).to.contain("Clearing synchronization secrets ClientSecret, SecretToken");
    });
  });
});
