/**
 * The emulator's application-template catalog: a small gallery, each app with the synchronization
 * template(s) its service principal exposes and the connector rules validateCredentials enforces.
 * Real ids: AWS Single-Account Access, the non-gallery app and cross-tenant sync (graph-api.md §1).
 * The other template ids are the emulator's own, stable across versions.
 */
import type { SynchronizationSecretName } from "./model/synchronizationEnums";
import type { ApplicationTemplate } from "./model/synchronizationTypes";

/** A connector (synchronization template `factoryTag`) and the secrets it needs. */
export interface ConnectorProfile {
  /** `factoryTag` of the synchronization template. */
  factoryTag: string;
  /** Keys validateCredentials requires (and a sync cycle needs saved). */
  requiredKeys: SynchronizationSecretName[];
  /** Keys whose value must be an absolute https URL. */
  httpsUrlKeys: SynchronizationSecretName[];
  /** Target-system name written into provisioning logs. */
  targetSystem: string;
  /** Initial `status.code` of a new job (cross-tenant sync jobs start Paused, graph-api.md §5). */
  initialStatusCode: "NotConfigured" | "Paused";
}

/** One synchronization template of a gallery app. */
export interface CatalogSyncTemplate {
  id: string;
  factoryTag: string;
  default: boolean;
  description: string;
}

/** A gallery entry: the template Graph lists plus its synchronization templates. */
export interface CatalogEntry {
  template: Required<Omit<ApplicationTemplate, "isEntraIntegrated">>;
  synchronizationTemplates: CatalogSyncTemplate[];
  /** Reply (redirect) URLs the gallery template configures on a new application and its service principal. */
  replyUrls: string[];
}

/** Application template id of AWS Single-Account Access. */
export const AWS_TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
/** Application template id of the non-gallery ("Custom") application. */
export const NON_GALLERY_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
/** Application template id of Microsoft Entra cross-tenant synchronization. */
export const CROSS_TENANT_SYNC_TEMPLATE_ID = "518e5f48-1fc8-4c48-9387-9fdf28b0dfe7";

const scim = (targetSystem: string): Omit<ConnectorProfile, "factoryTag"> => ({
  requiredKeys: ["BaseAddress", "SecretToken"],
  httpsUrlKeys: ["BaseAddress"],
  targetSystem,
  initialStatusCode: "NotConfigured",
});
const tokenOnly = (targetSystem: string): Omit<ConnectorProfile, "factoryTag"> => ({
  requiredKeys: ["SecretToken"],
  httpsUrlKeys: [],
  targetSystem,
  initialStatusCode: "NotConfigured",
});

const PROFILES: Record<string, Omit<ConnectorProfile, "factoryTag">> = {
  aws: {
    requiredKeys: ["ClientSecret", "SecretToken"],
    httpsUrlKeys: [],
    targetSystem: "AWS Single-Account Access",
    initialStatusCode: "NotConfigured",
  },
  CustomSCIM: scim("SCIM 2.0 Application"),
  ServiceNowOutDelta: {
    requiredKeys: ["InstanceName", "UserName", "Password"],
    httpsUrlKeys: [],
    targetSystem: "ServiceNow",
    initialStatusCode: "NotConfigured",
  },
  SfOutDelta: {
    requiredKeys: ["UserName", "Password", "SecretToken"],
    httpsUrlKeys: [],
    targetSystem: "Salesforce",
    initialStatusCode: "NotConfigured",
  },
  SfSandboxOutDelta: {
    requiredKeys: ["UserName", "Password", "SecretToken"],
    httpsUrlKeys: [],
    targetSystem: "Salesforce Sandbox",
    initialStatusCode: "NotConfigured",
  },
  BoxOutDelta: tokenOnly("Box"),
  Slack: tokenOnly("Slack"),
  DropboxSCIMOutDelta: tokenOnly("Dropbox Business"),
  GitHubEMU: scim("GitHub Enterprise Managed User"),
  Zoom: tokenOnly("Zoom"),
  AtlassianCloud: scim("Atlassian Cloud"),
  Azure2Azure: {
    requiredKeys: ["CompanyId", "AuthenticationType"],
    httpsUrlKeys: [],
    targetSystem: "Microsoft Entra ID",
    initialStatusCode: "Paused",
  },
};

/** The connector rules for a `factoryTag`; unknown tags fall back to SCIM's. */
export function connectorProfile(factoryTag: string): ConnectorProfile {
  return { factoryTag, ...(PROFILES[factoryTag] ?? PROFILES.CustomSCIM) };
}

function entry(
  id: string,
  displayName: string,
  publisher: string,
  categories: string[],
  homePageUrl: string,
  sso: string[],
  syncTemplates: CatalogSyncTemplate[],
  replyUrls: string[] = [],
): CatalogEntry {
  return {
    template: {
      id,
      displayName,
      description: `${displayName} (Graph emulator gallery entry).`,
      homePageUrl,
      logoUrl: `https://az495088.vo.msecnd.net/app-logo/${id}_215.png`,
      publisher,
      categories,
      supportedProvisioningTypes: ["sync"],
      supportedSingleSignOnModes: sso,
    },
    synchronizationTemplates: syncTemplates,
    replyUrls,
  };
}

const sync = (
  id: string,
  factoryTag: string,
  description: string,
  isDefault = true,
): CatalogSyncTemplate => ({
  id,
  factoryTag,
  default: isDefault,
  description,
});

/** Every gallery entry, in the order `GET /applicationTemplates` lists them. */
export const CATALOG: readonly CatalogEntry[] = [
  entry(
    AWS_TEMPLATE_ID,
    "AWS Single-Account Access",
    "Amazon",
    ["developerServices", "itInfrastructure", "security"],
    "https://aws.amazon.com/",
    ["saml", "external"],
    [sync("aws", "aws", "Provision roles and users to AWS Single-Account Access")],
    ["https://signin.aws.amazon.com/saml"],
  ),
  entry(
    NON_GALLERY_TEMPLATE_ID,
    "Custom",
    "Microsoft Corporation",
    [],
    "https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
    ["saml", "password", "oidc", "external"],
    [sync("scim", "CustomSCIM", "Provision users and groups to any SCIM 2.0 endpoint")],
  ),
  entry(
    "3f4a5e0b-2c1d-4b7a-9e61-5d0c8a7b1f21",
    "ServiceNow",
    "ServiceNow",
    ["itInfrastructure", "businessMgmt"],
    "https://www.servicenow.com/",
    ["saml", "external"],
    [sync("ServiceNowOutDelta", "ServiceNowOutDelta", "Provision users and groups to ServiceNow")],
  ),
  entry(
    "6e2a1d4c-8b3f-4c5e-a1d2-7f9b0c3e4a52",
    "Box",
    "Box",
    ["collaboration", "contentManagement"],
    "https://www.box.com/",
    ["saml", "external"],
    [sync("box", "BoxOutDelta", "Provision users and groups to Box")],
  ),
  entry(
    "9c1e7b5a-4d2f-4e8a-b6c3-1a0d5f7e2b83",
    "Slack",
    "Slack Technologies",
    ["collaboration", "productivity"],
    "https://slack.com/",
    ["saml", "external"],
    [sync("slack", "Slack", "Provision users and groups to Slack")],
  ),
  entry(
    "2b8d4f6a-1c3e-4a5b-9d7f-0e2c4a6b8d14",
    "Dropbox Business",
    "Dropbox",
    ["collaboration", "contentManagement"],
    "https://www.dropbox.com/business",
    ["saml", "external"],
    [sync("dropboxSCIMOutDelta", "DropboxSCIMOutDelta", "Provision users and groups to Dropbox Business")],
  ),
  entry(
    "7d3b9f1e-5a2c-4e6d-8b0a-3c5e7a9b1d25",
    "Salesforce",
    "Salesforce",
    ["crm", "businessMgmt"],
    "https://www.salesforce.com/",
    ["saml", "external"],
    [
      sync("SfOutDelta", "SfOutDelta", "Provision users to Salesforce", true),
      sync("SfSandboxOutDelta", "SfSandboxOutDelta", "Provision users to a Salesforce sandbox", false),
    ],
  ),
  entry(
    "4a6c8e0b-2d4f-4a1c-9e3b-5d7f9b1c3e46",
    "GitHub Enterprise Managed User",
    "GitHub",
    ["developerServices"],
    "https://github.com/enterprise",
    ["saml", "oidc", "external"],
    [sync("githubEMU", "GitHubEMU", "Provision users and groups to GitHub Enterprise Managed Users")],
  ),
  entry(
    "5e7a9c1d-3f5b-4d2e-a0c4-6e8a0c2e4f57",
    "Zoom",
    "Zoom Video Communications",
    ["collaboration"],
    "https://zoom.us/",
    ["saml", "external"],
    [sync("zoom", "Zoom", "Provision users to Zoom")],
  ),
  entry(
    "8f0b2d4e-6a8c-4e3f-b1d5-7f9b1d3f5a68",
    "Atlassian Cloud",
    "Atlassian",
    ["developerServices", "collaboration"],
    "https://www.atlassian.com/",
    ["saml", "external"],
    [sync("atlassian", "AtlassianCloud", "Provision users and groups to Atlassian Cloud")],
  ),
  entry(
    CROSS_TENANT_SYNC_TEMPLATE_ID,
    "Microsoft Entra cross-tenant synchronization",
    "Microsoft Corporation",
    ["security"],
    "https://learn.microsoft.com/entra/identity/multi-tenant-organizations/",
    ["notSupported"],
    [sync("Azure2Azure", "Azure2Azure", "Synchronize users to another Microsoft Entra tenant")],
  ),
  // No template is marked default here, so callers must name one: exercises "ambiguous template" paths.
  entry(
    "1c3e5a7b-9d0f-4b2a-8c4e-6a8c0e2a4c79",
    "Contoso Multi-Connector (emulator)",
    "Contoso",
    ["developerServices"],
    "https://contoso.example/",
    ["saml"],
    [
      sync("contosoUsers", "CustomSCIM", "Provision users to Contoso", false),
      sync("contosoGroups", "CustomSCIM", "Provision groups to Contoso", false),
    ],
  ),
];

/** The catalog entry with this application template id (case-insensitive), if any. */
export function findCatalogEntry(templateId: string): CatalogEntry | undefined {
  const id = templateId.toLowerCase();
  return CATALOG.find((e) => e.template.id === id);
}
