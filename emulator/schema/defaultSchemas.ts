/**
 * The default synchronization schema of each synchronization template (what `GET …/templates/{id}/schema`
 * returns and what a job's schema starts as and is reset to): the Azure Active Directory source directory
 * with User and Group and their real attribute names, the connector's target directory, and the
 * USERGROUP_OUTBOUND_USERGROUP rule with User and Group object mappings. Assembled from the documented
 * fragments in graph-schema.md §3 (SCIM rule id and names, SCIM attribute names, `active` =
 * `Switch([IsSoftDeleted], …)`, `roles[primary eq "True"].value` = `SingleAppRoleAssignment(…)`); the other
 * connectors' target attributes follow their Microsoft tutorials' attribute-mapping tables. Ids other than
 * the SCIM rule's are the emulator's own, stable per template.
 */
import { createHash } from "crypto";
import { canonicalAttributeMappingOrder } from "./schemaOrder";
import type {
  AttributeDefinition,
  AttributeMapping,
  AttributeType,
  DirectoryDefinition,
  KeyValue,
  ObjectDefinition,
  ObjectMapping,
  SynchronizationRule,
  SynchronizationSchema,
} from "./schemaTypes";
import { parseExpression, toMappingSource } from "./expression";

/** Name of the source directory in every outbound schema. */
export const AAD_DIRECTORY = "Azure Active Directory";
/** The SCIM rule id documented for customappsso (graph-schema.md §3). */
export const SCIM_RULE_ID = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8";
/** Version string of a template's default schema (AWS template, graph-schema.md §1). */
export const TEMPLATE_SCHEMA_VERSION = "6.0";
/** When the emulator's directory definitions were "discovered" (fixed, so GETs are reproducible). */
const DISCOVERY_TIME = "2024-03-11T11:07:48.7217138Z";

/** A stable GUID derived from `parts` (sha1), for ids that must not change between GETs. */
export function stableGuid(...parts: string[]): string {
  const h = createHash("sha1").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type AttrSpec = [name: string, type?: AttributeType, options?: Partial<AttributeDefinition>];

function attribute([name, type = "String", options = {}]: AttrSpec): AttributeDefinition {
  return {
    anchor: false,
    apiExpressions: [],
    caseExact: false,
    defaultValue: null,
    flowNullValues: false,
    metadata: [],
    multivalued: false,
    mutability: "ReadWrite",
    name,
    referencedObjects: [],
    required: false,
    type,
    ...options,
  };
}

function object(name: string, attrs: AttrSpec[], supportedApis: string[] = []): ObjectDefinition {
  return { attributes: attrs.map(attribute), metadata: [], name, supportedApis };
}

function directory(templateId: string, name: string, objects: ObjectDefinition[]): DirectoryDefinition {
  return {
    id: stableGuid(templateId, "directory", name),
    discoverabilities: "AttributeNames, AttributeDataTypes",
    discoveryDateTime: DISCOVERY_TIME,
    name,
    objects,
    readOnly: false,
    version: `Date:${DISCOVERY_TIME}, ActivityId:${stableGuid(templateId, "discovery", name)}`,
  };
}

const EXTENSION_ATTRIBUTES: AttrSpec[] = Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`]);

/** Microsoft Entra ID's User and Group as the provisioning service reads them. */
function aadDirectory(templateId: string): DirectoryDefinition {
  const user = object("User", [
    ["accountEnabled", "Boolean"],
    ["appRoleAssignments", "String", { multivalued: true }],
    ["city"],
    ["companyName"],
    ["country"],
    ["department"],
    ["dirSyncEnabled", "Boolean"],
    ["displayName"],
    ["employeeId"],
    ["employeeType"],
    ...EXTENSION_ATTRIBUTES,
    ["facsimileTelephoneNumber"],
    ["givenName"],
    ["IsSoftDeleted", "Boolean"],
    ["jobTitle"],
    ["mail"],
    ["mailNickname"],
    [
      "manager",
      "Reference",
      { referencedObjects: [{ referencedObjectName: "User", referencedProperty: null }] },
    ],
    ["mobile"],
    ["objectId", "String", { anchor: true, mutability: "ReadOnly" }],
    ["onPremisesSecurityIdentifier"],
    ["physicalDeliveryOfficeName"],
    ["postalCode"],
    ["preferredLanguage"],
    ["proxyAddresses", "String", { multivalued: true }],
    ["state"],
    ["streetAddress"],
    ["surname"],
    ["telephoneNumber"],
    ["usageLocation"],
    ["userPrincipalName"],
    ["userType"],
  ]);
  const group = object("Group", [
    ["appRoleAssignments", "String", { multivalued: true }],
    ["description"],
    ["displayName"],
    ["IsSoftDeleted", "Boolean"],
    ["mail"],
    ["mailEnabled", "Boolean"],
    ["mailNickname"],
    [
      "members",
      "Reference",
      {
        multivalued: true,
        referencedObjects: [
          { referencedObjectName: "User", referencedProperty: null },
          { referencedObjectName: "Group", referencedProperty: null },
        ],
      },
    ],
    ["objectId", "String", { anchor: true, mutability: "ReadOnly" }],
    ["securityEnabled", "Boolean"],
  ]);
  return directory(templateId, AAD_DIRECTORY, [user, group]);
}

/** One attribute mapping: `expression` is parsed into Graph's attributeMappingSource. */
function mapping(
  target: string,
  expression: string | null,
  options: Partial<Omit<AttributeMapping, "source" | "targetAttributeName">> = {},
): AttributeMapping {
  return {
    defaultValue: null,
    exportMissingReferences: false,
    flowBehavior: "FlowWhenChanged",
    flowType: "Always",
    matchingPriority: 0,
    source: expression === null ? null : toMappingSource(parseExpression(expression)),
    targetAttributeName: target,
    ...options,
  };
}

function objectMapping(
  name: string,
  sourceObjectName: string,
  targetObjectName: string,
  attributeMappings: AttributeMapping[],
): ObjectMapping {
  return {
    attributeMappings: canonicalAttributeMappingOrder(attributeMappings),
    enabled: true,
    flowTypes: "Add, Update, Delete",
    metadata: [
      { key: "Disposition", value: '"Normal"' },
      { key: "IsCustomerDefined", value: "false" },
    ],
    name,
    scope: null,
    sourceObjectName,
    targetObjectName,
  };
}

/** A connector's target directory plus the outbound object mappings into it. */
interface ConnectorSchema {
  directoryName: string;
  objects: ObjectDefinition[];
  userMapping: ObjectMapping;
  groupMapping: ObjectMapping | null;
  ruleId?: string;
}

const SCIM_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** The SCIM 2.0 connector (`customappsso`) and the SCIM-based gallery connectors. */
function scimConnector(directoryName: string, ruleId?: string): ConnectorSchema {
  const user = object(
    SCIM_USER,
    [
      ["active", "Boolean"],
      ['addresses[type eq "work"].country'],
      ['addresses[type eq "work"].locality'],
      ['addresses[type eq "work"].postalCode'],
      ['addresses[type eq "work"].region'],
      ['addresses[type eq "work"].streetAddress'],
      ["displayName"],
      ['emails[type eq "work"].value'],
      ["externalId"],
      ["id", "String", { anchor: true, mutability: "ReadOnly" }],
      ["name.familyName"],
      ["name.formatted"],
      ["name.givenName"],
      ['phoneNumbers[type eq "fax"].value'],
      ['phoneNumbers[type eq "mobile"].value'],
      ['phoneNumbers[type eq "work"].value'],
      ["preferredLanguage"],
      ['roles[primary eq "True"].display'],
      ['roles[primary eq "True"].type'],
      ['roles[primary eq "True"].value'],
      ["title"],
      [`${ENTERPRISE}:department`],
      [`${ENTERPRISE}:employeeNumber`],
      [
        `${ENTERPRISE}:manager`,
        "Reference",
        { referencedObjects: [{ referencedObjectName: SCIM_USER, referencedProperty: null }] },
      ],
      ["userName", "String", { required: true, caseExact: false }],
      ["userType"],
    ],
    ["SCIM 2.0"],
  );
  const group = object(
    SCIM_GROUP,
    [
      ["displayName", "String", { required: true }],
      ["externalId"],
      ["id", "String", { anchor: true, mutability: "ReadOnly" }],
      [
        "members",
        "Reference",
        {
          multivalued: true,
          referencedObjects: [
            { referencedObjectName: SCIM_USER, referencedProperty: null },
            { referencedObjectName: SCIM_GROUP, referencedProperty: null },
          ],
        },
      ],
    ],
    ["SCIM 2.0"],
  );
  return {
    directoryName,
    objects: [user, group],
    ruleId,
    userMapping: objectMapping("Provision Azure Active Directory Users", "User", SCIM_USER, [
      mapping("userName", "[userPrincipalName]", { matchingPriority: 1 }),
      mapping("active", 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'),
      mapping("displayName", "[displayName]"),
      mapping("title", "[jobTitle]"),
      mapping('emails[type eq "work"].value', "[mail]"),
      mapping("preferredLanguage", "[preferredLanguage]"),
      mapping("name.givenName", "[givenName]"),
      mapping("name.familyName", "[surname]"),
      mapping("name.formatted", 'Join(" ", [givenName], [surname])'),
      mapping('addresses[type eq "work"].locality', "[city]"),
      mapping('addresses[type eq "work"].country', "[country]"),
      mapping('phoneNumbers[type eq "work"].value', "[telephoneNumber]"),
      mapping('phoneNumbers[type eq "mobile"].value', "[mobile]"),
      mapping("externalId", "[mailNickname]"),
      mapping(`${ENTERPRISE}:employeeNumber`, "[employeeId]"),
      mapping(`${ENTERPRISE}:department`, "[department]"),
      mapping(`${ENTERPRISE}:manager`, "[manager]"),
    ]),
    groupMapping: objectMapping("Provision Azure Active Directory Groups", "Group", SCIM_GROUP, [
      mapping("displayName", "[displayName]", { matchingPriority: 1 }),
      mapping("externalId", "[objectId]"),
      mapping("members", "[members]"),
    ]),
  };
}

/** AWS Single-Account Access: users (and their single role) to AWS IAM Identity Center's SCIM-like API. */
function awsConnector(): ConnectorSchema {
  const user = object("User", [
    ["active", "Boolean"],
    ["displayName"],
    ['emails[type eq "work"].value'],
    ["externalId"],
    ["id", "String", { anchor: true, mutability: "ReadOnly" }],
    ["name.familyName"],
    ["name.givenName"],
    ['roles[primary eq "True"].value'],
    ["userName", "String", { required: true }],
  ]);
  const group = object("Group", [
    ["displayName", "String", { required: true }],
    ["id", "String", { anchor: true, mutability: "ReadOnly" }],
    [
      "members",
      "Reference",
      { multivalued: true, referencedObjects: [{ referencedObjectName: "User", referencedProperty: null }] },
    ],
  ]);
  return {
    directoryName: "AWS Single-Account Access",
    objects: [user, group],
    userMapping: objectMapping("Provision Azure Active Directory Users", "User", "User", [
      mapping("userName", "[userPrincipalName]", { matchingPriority: 1 }),
      mapping("active", "Not([IsSoftDeleted])"),
      mapping("displayName", "[displayName]"),
      mapping('emails[type eq "work"].value', "[mail]"),
      mapping("name.givenName", "[givenName]"),
      mapping("name.familyName", "[surname]"),
      mapping('roles[primary eq "True"].value', "SingleAppRoleAssignment([appRoleAssignments])", {
        defaultValue: "User",
      }),
    ]),
    groupMapping: objectMapping("Provision Azure Active Directory Groups", "Group", "Group", [
      mapping("displayName", "[displayName]", { matchingPriority: 1 }),
      mapping("members", "[members]"),
    ]),
  };
}

/** ServiceNow: sys_user and sys_user_group (Microsoft's ServiceNow provisioning tutorial). */
function serviceNowConnector(): ConnectorSchema {
  const user = object("sys_user", [
    ["active", "Boolean"],
    ["city"],
    ["country"],
    [
      "department",
      "Reference",
      { referencedObjects: [{ referencedObjectName: "cmn_department", referencedProperty: null }] },
    ],
    ["email"],
    ["employee_number"],
    ["first_name"],
    ["last_name"],
    ["mobile_phone"],
    ["phone"],
    ["preferred_language"],
    ["street"],
    ["sys_id", "String", { anchor: true, mutability: "ReadOnly" }],
    ["title"],
    ["user_name", "String", { required: true }],
    ["zip"],
  ]);
  const group = object("sys_user_group", [
    ["description"],
    ["email"],
    [
      "members",
      "Reference",
      {
        multivalued: true,
        referencedObjects: [{ referencedObjectName: "sys_user", referencedProperty: null }],
      },
    ],
    ["name", "String", { required: true }],
    ["sys_id", "String", { anchor: true, mutability: "ReadOnly" }],
  ]);
  return {
    directoryName: "ServiceNow",
    objects: [user, group],
    userMapping: objectMapping("Provision Azure Active Directory Users", "User", "sys_user", [
      mapping("user_name", "[userPrincipalName]", { matchingPriority: 1 }),
      mapping("active", 'Switch([IsSoftDeleted], , "False", "1", "True", "0")'),
      mapping("email", "[mail]"),
      mapping("first_name", "[givenName]"),
      mapping("last_name", "[surname]"),
      mapping("title", "[jobTitle]"),
      mapping("department", "[department]"),
      mapping("employee_number", "[employeeId]"),
      mapping("phone", "[telephoneNumber]"),
      mapping("mobile_phone", "[mobile]"),
      mapping("city", "[city]"),
      mapping("country", "[country]"),
      mapping("preferred_language", "Left([preferredLanguage], 2)"),
    ]),
    groupMapping: objectMapping("Provision Azure Active Directory Groups", "Group", "sys_user_group", [
      mapping("name", "[displayName]", { matchingPriority: 1 }),
      mapping("description", "[description]"),
      mapping("email", "[mail]"),
      mapping("members", "[members]"),
    ]),
  };
}

/** Box: users and groups (Microsoft's Box provisioning tutorial). */
function boxConnector(): ConnectorSchema {
  const user = object("User", [
    ["address"],
    ["id", "String", { anchor: true, mutability: "ReadOnly" }],
    ["job_title"],
    ["login", "String", { required: true }],
    ["name"],
    ["phone"],
    ["status"],
  ]);
  const group = object("Group", [
    ["id", "String", { anchor: true, mutability: "ReadOnly" }],
    [
      "members",
      "Reference",
      { multivalued: true, referencedObjects: [{ referencedObjectName: "User", referencedProperty: null }] },
    ],
    ["name", "String", { required: true }],
  ]);
  return {
    directoryName: "Box",
    objects: [user, group],
    userMapping: objectMapping("Provision Azure Active Directory Users", "User", "User", [
      mapping("login", "[userPrincipalName]", { matchingPriority: 1 }),
      mapping("name", "[displayName]"),
      mapping("job_title", "[jobTitle]"),
      mapping("phone", "[telephoneNumber]"),
      mapping("address", "[streetAddress]"),
      mapping("status", 'Switch([IsSoftDeleted], , "False", "active", "True", "inactive")'),
    ]),
    groupMapping: objectMapping("Provision Azure Active Directory Groups", "Group", "Group", [
      mapping("name", "[displayName]", { matchingPriority: 1 }),
      mapping("members", "[members]"),
    ]),
  };
}

/** Microsoft Entra ID in another tenant (cross-tenant synchronization): users only. */
function azure2AzureConnector(): ConnectorSchema {
  const user = object("User", [
    ["accountEnabled", "Boolean"],
    ["displayName"],
    ["givenName"],
    ["jobTitle"],
    ["department"],
    ["mail"],
    ["objectId", "String", { anchor: true, mutability: "ReadOnly" }],
    ["showInAddressList", "Boolean"],
    ["surname"],
    ["userType"],
    ["alternativeSecurityIds", "Binary", { multivalued: true, required: true }],
  ]);
  return {
    directoryName: "Azure Active Directory (target tenant)",
    objects: [user],
    userMapping: objectMapping("Provision Azure Active Directory Users", "User", "User", [
      mapping("alternativeSecurityIds", "[objectId]", { matchingPriority: 1 }),
      mapping("accountEnabled", "[accountEnabled]"),
      mapping("displayName", "[displayName]"),
      mapping("givenName", "[givenName]"),
      mapping("surname", "[surname]"),
      mapping("jobTitle", "[jobTitle]"),
      mapping("department", "[department]"),
      mapping("mail", "[mail]"),
      mapping("showInAddressList", null, { defaultValue: "True" }),
      mapping("userType", null, { defaultValue: "Member" }),
    ]),
    groupMapping: null,
  };
}

/** The connector schema for a `factoryTag`; unknown tags are SCIM-based (as `connectorProfile`). */
function connectorFor(factoryTag: string): ConnectorSchema {
  switch (factoryTag) {
    case "aws":
      return awsConnector();
    case "CustomSCIM":
      return scimConnector("customappsso", SCIM_RULE_ID);
    case "ServiceNowOutDelta":
      return serviceNowConnector();
    case "BoxOutDelta":
      return boxConnector();
    case "Azure2Azure":
      return azure2AzureConnector();
    default:
      return scimConnector(factoryTag);
  }
}

const ruleMetadata = (mappings: ObjectMapping[]): KeyValue[] => [
  {
    key: "defaultSourceObjectMappings",
    // PascalCase JSON of the rule's default object mappings (graph-schema.md §2), trimmed to their names.
    value: JSON.stringify(
      mappings.map((m) => ({
        Name: m.name,
        SourceObjectName: m.sourceObjectName,
        TargetObjectName: m.targetObjectName,
      })),
    ),
  },
  { key: "supportsProvisionOnDemand", value: "true" },
];

/** The default schema of synchronization template `templateId` (connector `factoryTag`), with id `schemaId`. */
export function defaultSchema(
  templateId: string,
  factoryTag: string,
  schemaId: string,
  version: string,
): SynchronizationSchema {
  const connector = connectorFor(factoryTag);
  const objectMappings = [connector.userMapping, ...(connector.groupMapping ? [connector.groupMapping] : [])];
  const rule: SynchronizationRule = {
    containerFilter: { includedContainers: [] },
    editable: true,
    groupFilter: { includedGroups: [] },
    id: connector.ruleId ?? stableGuid(templateId, "rule", "USERGROUP_OUTBOUND_USERGROUP"),
    metadata: ruleMetadata(objectMappings),
    name: "USERGROUP_OUTBOUND_USERGROUP",
    objectMappings,
    priority: 1,
    sourceDirectoryName: AAD_DIRECTORY,
    targetDirectoryName: connector.directoryName,
  };
  return {
    id: schemaId,
    version,
    directories: [
      aadDirectory(templateId),
      directory(templateId, connector.directoryName, connector.objects),
    ],
    synchronizationRules: [rule],
  };
}

/** Id of a template's schema: `{templateId}.00000000000000000000000000000000` (graph-schema.md §1). */
export function templateSchemaId(templateId: string): string {
  return `${templateId}.00000000000000000000000000000000`;
}
