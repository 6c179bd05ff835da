/**
 * Replays the exchange of Microsoft's article "Configure provisioning using Microsoft Graph APIs" against the
 * emulator with plain HTTPS, in order, checking each status code and the fields the article shows.
 */
import { expect } from "chai";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, eventually } from "../helpers/emulator";

const AWS = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";

describe("emulator: Microsoft's provisioning article, replayed @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;

  before(async () => {
    emulator = await startEmulator({ port: 0, cycleTimeMs: 50 });
    graph = new EmulatorTestClient(emulator, "beta");
  });
  after(() => emulator.stop());

  it("should answer every step of the article with its documented status and fields", async () => {
    // Step 1: find the gallery application.
    const templates = await graph.call<{
      value: { id: string; displayName: string; supportedProvisioningTypes: string[] }[];
    }>("GET", "/applicationTemplates");
    expect(templates.status).to.equal(200);
    const aws = templates.body.value.find((t) => t.id === AWS);
    expect(aws?.displayName).to.equal("AWS Single-Account Access");
    expect(aws?.supportedProvisioningTypes).to.deep.equal(["sync"]);

    // Step 2: instantiate it.
    const created = await graph.call<{
      "@odata.context": string;
      application: Record<string, unknown>;
      servicePrincipal: Record<string, unknown>;
    }>("POST", `/applicationTemplates/${AWS}/instantiate`, { displayName: "AWS Contoso" });
    expect(created.status).to.equal(201);
    expect(created.body["@odata.context"]).to.match(
      /\/beta\/\$metadata#microsoft\.graph\.applicationServicePrincipal$/,
    );
    const { application, servicePrincipal: sp } = created.body;
    expect(application).to.include({ displayName: "AWS Contoso", applicationTemplateId: AWS });
    expect(application.id).to.be.a("string");
    expect(sp).to.include({
      displayName: "AWS Contoso",
      applicationTemplateId: AWS,
      appId: application.appId,
      servicePrincipalType: "Application",
      appRoleAssignmentRequired: true,
    });
    expect(sp.tags).to.deep.equal(["WindowsAzureActiveDirectoryIntegratedApp"]);
    expect(sp.servicePrincipalNames).to.deep.equal([application.appId]);
    const spId = String(sp.id);

    // Step 3: the SP's synchronization templates.
    const syncTemplates = await graph.call<{
      value: { id: string; factoryTag: string; default: boolean; applicationId: string }[];
    }>("GET", `/servicePrincipals/${spId}/synchronization/templates`);
    expect(syncTemplates.status).to.equal(200);
    expect(syncTemplates.body.value).to.have.length(1);
    expect(syncTemplates.body.value[0]).to.include({ id: "aws", factoryTag: "aws", default: true });

    // Step 4: create the job.
    const job = await graph.call<
      Record<string, unknown> & {
        id: string;
        schedule: Record<string, unknown>;
        status: Record<string, unknown>;
      }
    >("POST", `/servicePrincipals/${spId}/synchronization/jobs`, { templateId: "aws" });
    expect(job.status).to.equal(201);
    expect(job.body["@odata.context"]).to.match(
      new RegExp(`servicePrincipals\\('${spId}'\\)/synchronization/jobs/\\$entity$`),
    );
    expect(job.body.id).to.match(
      new RegExp(`^aws\\.${emulator.tenantId.replace(/-/g, "")}\\.[0-9a-f-]{36}$`),
    );
    expect(job.body.templateId).to.equal("aws");
    expect(job.body.schedule).to.deep.equal({
      expiration: null,
      interval: "P10675199DT2H48M5.4775807S",
      state: "Disabled",
    });
    expect(job.body.status).to.include({
      code: "NotConfigured",
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      lastExecution: null,
      quarantine: null,
      steadyStateFirstAchievedTime: "0001-01-01T00:00:00Z",
    });
    expect(job.body.synchronizationJobSettings).to.deep.include({
      name: "QuarantineTooManyDeletesThreshold",
      value: "500",
    });
    const jobId = job.body.id;

    // Step 5: test the connection.
    const credentials = [
      { key: "ClientSecret", value: "AKIAEXAMPLEACCESSKEY" },
      { key: "SecretToken", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    ];
    const validated = await graph.call(
      "POST",
      `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/validateCredentials`,
      { credentials },
    );
    expect(validated.status).to.equal(204);
    expect(validated.text).to.equal("");

    // Step 6: save the credentials.
    const saved = await graph.call("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, {
      value: credentials,
    });
    expect(saved.status).to.equal(204);

    // Step 7: start the job.
    const started = await graph.call(
      "POST",
      `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/start`,
    );
    expect(started.status).to.equal(204);

    // Step 8: monitor the job.
    const afterStart = await graph.call<{
      schedule: { state: string; interval: string };
      status: { code: string };
    }>("GET", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}`);
    expect(afterStart.status).to.equal(200);
    expect(afterStart.body.schedule.state).to.equal("Active");
    expect(afterStart.body.status.code).to.be.oneOf(["NotRun", "Active"]);
    const active = await eventually(async () => {
      const r = await graph.call<{ status: { code: string; lastExecution: { state: string } | null } }>(
        "GET",
        `/servicePrincipals/${spId}/synchronization/jobs/${jobId}`,
      );
      return r.body.status.code === "Active" ? r.body : undefined;
    });
    expect(active.status.lastExecution?.state).to.equal("Succeeded");

    // Step 9: the provisioning logs.
    const logs = await graph.call<{
      value: {
        jobId: string;
        servicePrincipal: { id: string };
        provisioningStatusInfo: { status: string };
        provisioningAction: string;
      }[];
    }>("GET", "/auditLogs/provisioning");
    expect(logs.status).to.equal(200);
    const mine = logs.body.value.filter((e) => e.jobId === jobId);
    expect(mine).to.have.length(3); // the default scope: 2 users + 1 group
    for (const entry of mine) {
      expect(entry.servicePrincipal.id).to.equal(spId);
      expect(entry.provisioningStatusInfo.status).to.equal("success");
      expect(entry.provisioningAction).to.equal("create");
    }
  });
});
