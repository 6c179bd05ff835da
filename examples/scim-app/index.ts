// A non-gallery ("bring your own") application that provisions users to a SCIM 2.0 endpoint.
// The SCIM connector needs two secrets: BaseAddress (the https URL of the SCIM endpoint) and SecretToken
// (the bearer token the endpoint expects). Both are validated against the endpoint before they are saved.
// The schema sets who is provisioned (users of one department) and what reaches the app for each (a custom
// title); it is saved before the job first starts, so nobody is provisioned under the template's defaults.
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
  schema: {
    objectMappings: [
      {
        sourceObjectName: "User",
        attributeMappings: {
          // "Sales Lead - Sales" instead of the template's plain [jobTitle].
          title: 'Join(" - ", [jobTitle], [department])',
          // Not sent to the app at all (the template maps it from [mobile]).
          'phoneNumbers[type eq "mobile"].value': null,
        },
        // Only users of this department are provisioned; others are skipped as out of scope.
        scope: [
          [{ attribute: "department", operator: "EQUALS", values: [config.get("department") ?? "Sales"] }],
        ],
      },
    ],
  },
  waitFor: "started",
});

export const appId = scim.appId;
export const servicePrincipalId = scim.servicePrincipalId;
export const jobId = scim.jobId;
export const statusCode = scim.statusCode;
export const schemaRuleId = scim.schema!.ruleId;
