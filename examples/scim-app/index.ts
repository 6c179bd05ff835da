// A non-gallery ("bring your own") application that provisions users to a SCIM 2.0 endpoint.
// The SCIM connector needs two secrets: BaseAddress (the https URL of the SCIM endpoint) and SecretToken
// (the bearer token the endpoint expects). Both are validated against the endpoint before they are saved.
import * as pulumi from "@pulumi/pulumi";
import { AppProvisioning } from "pulumi-graph-provisioning";

/** Template id of Microsoft's non-gallery application ("Integrate any other application"). */
const NON_GALLERY_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

const config = new pulumi.Config();

const scim = new AppProvisioning("hr-portal", {
  displayName: config.get("displayName") ?? "HR Portal (SCIM)",
  templateId: NON_GALLERY_TEMPLATE_ID,
  jobTemplateId: "scim",
  credentials: {
    BaseAddress: config.require("scimBaseAddress"),
    SecretToken: config.requireSecret("scimToken"),
  },
  waitFor: "started",
});

export const appId = scim.appId;
export const servicePrincipalId = scim.servicePrincipalId;
export const jobId = scim.jobId;
export const statusCode = scim.statusCode;
