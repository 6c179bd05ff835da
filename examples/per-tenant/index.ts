// Stack per tenant: this program is the same for every tenant; each Pulumi.<tenant>.yaml holds that tenant's
// connection (graphProvisioning:tenantId, clientId, clientSecret) and its ServiceNow credentials as secrets.
import * as pulumi from "@pulumi/pulumi";
import { AppProvisioning } from "pulumi-graph-provisioning";

const config = new pulumi.Config();

const serviceNow = new AppProvisioning("servicenow", {
  displayName: config.get("displayName") ?? `ServiceNow (${pulumi.getStack()})`,
  templateDisplayName: "ServiceNow",
  credentials: {
    InstanceName: config.require("serviceNowInstance"),
    UserName: config.require("serviceNowUser"),
    Password: config.requireSecret("serviceNowPassword"),
  },
});

export const tenant = new pulumi.Config("graphProvisioning").require("tenantId");
export const servicePrincipalId = serviceNow.servicePrincipalId;
export const jobId = serviceNow.jobId;
export const statusCode = serviceNow.statusCode;
