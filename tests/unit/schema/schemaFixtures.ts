/**
 * Sample synchronization schemas shaped like graph-schema.md §3 (a SCIM app's USERGROUP rule), and
 * a stand-in for Graph's parseExpression built on the offline reader (unit tests only; the
 * integration tests use the emulator's independent parser).
 */
import type {
  AttributeMapping,
  AttributeMappingSource,
  ParseExpressionResponse,
  SynchronizationSchema,
} from "../../../provider/graph/types";
import {
  type ExpressionNode,
  formatExpression,
  parseExpressionText,
} from "../../../provider/schema/expressionSyntax";

export const RULE_ID = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8";
export const SCIM_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

export function attributeSource(name: string): AttributeMappingSource {
  return { expression: `[${name}]`, name, parameters: [], type: "Attribute" };
}

export function mapping(
  target: string,
  source: AttributeMappingSource | null,
  extra: Partial<AttributeMapping> = {},
): AttributeMapping {
  return {
    defaultValue: null,
    exportMissingReferences: false,
    flowBehavior: "FlowWhenChanged",
    flowType: "Always",
    matchingPriority: 0,
    source,
    targetAttributeName: target,
    ...extra,
  };
}

/** A SCIM-like job schema: one rule, User and Group object mappings, two directories. */
export function scimSchema(): SynchronizationSchema {
  return {
    id: "scim.e4bb.8f78",
    version: "v1.2",
    directories: [
      {
        id: "66e4a8cc-0000-4000-8000-000000000001",
        name: "Azure Active Directory",
        objects: [
          {
            name: "User",
            attributes: [
              { anchor: true, name: "objectId", type: "String", mutability: "ReadWrite" },
              { name: "department", type: "String" },
              { name: "jobTitle", type: "String" },
            ],
          },
          { name: "Group", attributes: [{ anchor: true, name: "objectId", type: "String" }] },
        ],
      },
      {
        id: "8ffa6169-0000-4000-8000-000000000002",
        name: "customappsso",
        objects: [
          {
            name: SCIM_USER,
            attributes: [
              { anchor: true, name: "id", type: "String" },
              { name: "userName", type: "String" },
              { name: "title", type: "String" },
              { name: "active", type: "Boolean" },
            ],
          },
          { name: "urn:ietf:params:scim:schemas:core:2.0:Group", attributes: [{ name: "displayName" }] },
        ],
      },
    ],
    synchronizationRules: [
      {
        editable: true,
        id: RULE_ID,
        name: "USERGROUP_OUTBOUND_USERGROUP",
        priority: 1,
        sourceDirectoryName: "Azure Active Directory",
        targetDirectoryName: "customappsso",
        metadata: [],
        objectMappings: [
          {
            enabled: true,
            flowTypes: "Add, Update, Delete",
            name: "Provision Azure Active Directory Users",
            sourceObjectName: "User",
            targetObjectName: SCIM_USER,
            metadata: [],
            scope: null,
            attributeMappings: [
              mapping("userName", attributeSource("userPrincipalName"), { matchingPriority: 1 }),
              mapping("active", {
                expression: "Not([IsSoftDeleted])",
                name: "Not",
                type: "Function",
                parameters: [{ key: "source", value: attributeSource("IsSoftDeleted") }],
              }),
              mapping("title", attributeSource("jobTitle")),
              mapping("preferredLanguage", null, { defaultValue: "en_US" }),
            ],
          },
          {
            enabled: true,
            flowTypes: "Add, Update, Delete",
            name: "Provision Azure Active Directory Groups",
            sourceObjectName: "Group",
            targetObjectName: "urn:ietf:params:scim:schemas:core:2.0:Group",
            metadata: [],
            scope: null,
            attributeMappings: [
              mapping("displayName", attributeSource("displayName"), { matchingPriority: 1 }),
            ],
          },
        ],
      },
    ],
  };
}

function toSource(node: ExpressionNode): AttributeMappingSource {
  switch (node.kind) {
    case "attribute":
      return attributeSource(node.name);
    case "constant":
      return { expression: formatExpression(node), name: node.value, parameters: [], type: "Constant" };
    case "function":
      return {
        expression: formatExpression(node),
        name: node.name,
        type: "Function",
        parameters: node.args.flatMap((a, i) => (a === null ? [] : [{ key: `p${i}`, value: toSource(a) }])),
      };
    default:
      return {
        expression: formatExpression(node),
        name: formatExpression(node),
        parameters: [],
        type: "Constant",
      };
  }
}

/** What Graph's parseExpression would answer (stand-in). */
export function fakeParse(expression: string): ParseExpressionResponse {
  const parsed = parseExpressionText(expression);
  if (!parsed.ok) {
    return {
      error: { code: "InvalidExpression", message: parsed.error.message },
      evaluationResult: null,
      evaluationSucceeded: false,
      parsedExpression: null,
      parsingSucceeded: false,
    };
  }
  return {
    error: null,
    evaluationResult: null,
    evaluationSucceeded: false,
    parsedExpression: toSource(parsed.node),
    parsingSucceeded: true,
  };
}
