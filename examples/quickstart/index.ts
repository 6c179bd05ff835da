/**
 * Microsoft's "configure provisioning using Microsoft Graph" flow for one AWS gallery app, as Pulumi
 * resources: (1) instantiate the gallery app, (2) create the provisioning job from the connector's
 * template, (3) test and save the credentials, (4) start the job. Step 5 (watching the job) is the
 * `statusCode` output here and the `graph-provisioning status|logs` command.
 *
 * Run by the root Pulumi.yaml. Credentials come from stack config as secrets:
 *   pulumi config set --secret awsClientSecret <AWS client secret>
 *   pulumi config set --secret awsSecretToken <AWS secret token>
 * and the Graph connection from `graphProvisioning:*` config or AZURE_* environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import { GalleryApp, JobStart, ProvisioningJob, ProvisioningSecrets } from "pulumi-graph-provisioning";

const config = new pulumi.Config();

// Step 1: the gallery application "AWS Single-Account Access" under our own name.
const app = new GalleryApp("aws-contoso", {
  displayName: config.get("displayName") ?? "AWS Contoso",
  templateId: "8b1025e4-1dd2-430b-a150-2ef79cd700f5",
});

// Step 2: the provisioning job from the connector's synchronization template.
const job = new ProvisioningJob("aws-contoso-job", {
  servicePrincipalId: app.servicePrincipalId,
  templateId: "aws",
});

// Step 3: validate the AWS credentials against the job, then save them.
const credentials = {
  ClientSecret: config.requireSecret("awsClientSecret"),
  SecretToken: config.requireSecret("awsSecretToken"),
};
const secrets = new ProvisioningSecrets("aws-contoso-secrets", {
  servicePrincipalId: app.servicePrincipalId,
  jobId: job.jobId,
  credentials,
});

// Step 4: start the job once the secrets are saved; rotating the credentials restarts it.
const start = new JobStart(
  "aws-contoso-start",
  {
    servicePrincipalId: app.servicePrincipalId,
    jobId: job.jobId,
    triggers: pulumi.secret([credentials]),
  },
  { dependsOn: [secrets] },
);

export const appId = app.appId;
export const servicePrincipalId = app.servicePrincipalId;
export const jobId = job.jobId;
export const statusCode = start.statusCode;
export const credentialKeys = secrets.keys;
// Secret end to end: encrypted in state, printed as [secret].
export const savedCredentials = secrets.credentials;
