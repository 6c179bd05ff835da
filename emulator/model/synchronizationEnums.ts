/**
 * The synchronization enums the emulator enforces, transcribed from Microsoft Graph v1.0 metadata
 * (../shared/graph-csdl/sync-subset-v1.0.csdl.xml, `microsoft.graph` namespace) with their numeric values,
 * and the secret keys graph-api.md §7 documents as JSON-valued. The emulator owns these tables: the client
 * keeps its own, so a mistake in one is caught by tests against the other.
 */

/** `synchronizationSecret` (JSON carries the member names). */
export const SYNCHRONIZATION_SECRET = {
  None: 0,
  UserName: 1,
  Password: 2,
  SecretToken: 3,
  AppKey: 4,
  BaseAddress: 5,
  ClientIdentifier: 6,
  ClientSecret: 7,
  SingleSignOnType: 11,
  Sandbox: 12,
  Url: 13,
  Domain: 14,
  ConsumerKey: 15,
  ConsumerSecret: 16,
  TokenKey: 17,
  TokenExpiration: 18,
  Oauth2AccessToken: 19,
  Oauth2AccessTokenCreationTime: 20,
  Oauth2RefreshToken: 21,
  SyncAll: 22,
  InstanceName: 24,
  Oauth2ClientId: 27,
  Oauth2ClientSecret: 28,
  CompanyId: 29,
  UpdateKeyOnSoftDelete: 30,
  SynchronizationSchedule: 33,
  SystemOfRecord: 34,
  SandboxName: 35,
  EnforceDomain: 36,
  SyncNotificationSettings: 37,
  SkipOutOfScopeDeletions: 40,
  Oauth2AuthorizationCode: 62,
  Oauth2RedirectUri: 63,
  ApplicationTemplateIdentifier: 64,
  Oauth2TokenExchangeUri: 65,
  Oauth2AuthorizationUri: 66,
  AuthenticationType: 67,
  Server: 70,
  PerformInboundEntitlementGrants: 100,
  HardDeletesEnabled: 101,
  SyncAgentCompatibilityKey: 102,
  SyncAgentADContainer: 103,
  ValidateDomain: 206,
  TestReferences: 207,
  ConnectionString: 250,
} as const;
export type SynchronizationSecretName = keyof typeof SYNCHRONIZATION_SECRET;
export const SYNCHRONIZATION_SECRET_NAMES = Object.keys(
  SYNCHRONIZATION_SECRET,
) as SynchronizationSecretName[];

/**
 * Keys whose value is a JSON document: Graph answers `""` for them with 400 InvalidNotificationSettings
 * instead of clearing the key (graph-api.md §7, msgraph-metadata issue #347).
 */
export const JSON_VALUED_SECRET_NAMES: readonly SynchronizationSecretName[] = ["SyncNotificationSettings"];

/** `synchronizationJobRestartScope`, a flags enum (serialized as comma-separated member names). */
export const RESTART_SCOPE = {
  None: 0,
  ConnectorDataStore: 1,
  Escrows: 2,
  Watermark: 4,
  QuarantineState: 8,
  Full: 15,
  ForceDeletes: 32,
} as const;
export type RestartScopeFlag = keyof typeof RESTART_SCOPE;
export const RESTART_SCOPE_FLAGS = Object.keys(RESTART_SCOPE) as RestartScopeFlag[];
