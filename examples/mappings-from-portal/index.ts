// Mappings customised in the portal, moved into code. The objectMappings and targetAttributes below are
// what `graph-provisioning schema export <spId> <jobId>` printed for a SCIM job whose schema was edited
// outside any stack (README.md), pasted as printed, with the two ids read from stack config. Declared
// this way, the first `pulumi up` finds the schema already as declared and saves nothing (no PUT, so no
// initial cycle); from then on the program owns these entries, and a portal edit to them is drift.
import * as pulumi from "@pulumi/pulumi";
import { ProvisioningSchema } from "pulumi-graph-provisioning";

const config = new pulumi.Config();

export const schema = new ProvisioningSchema("hr-portal-mappings", {
  servicePrincipalId: config.require("servicePrincipalId"),
  jobId: config.require("jobId"),
  objectMappings: [
    {
      sourceObjectName: "User",
      scope: [
        [
          {
            attribute: "department",
            operator: "EQUALS",
            values: ["Sales"],
          },
        ],
      ],
      attributeMappings: {
        title: 'Join(" - ", [jobTitle], [department])',
        "urn:ietf:params:scim:schemas:extension:contoso:2.0:User:officeLocation":
          "[physicalDeliveryOfficeName]",
        'phoneNumbers[type eq "mobile"].value': null,
      },
    },
  ],
  targetAttributes: [
    {
      object: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      name: "urn:ietf:params:scim:schemas:extension:contoso:2.0:User:officeLocation",
      type: "String",
    },
  ],
});

// null after the first up: the schema already was as declared, nothing was saved.
export const lastChange = schema.lastChange;
export const ruleId = schema.ruleId;
