/**
 * The emulator's state: tenants, their client credentials and every Graph object, held in memory or in a
 * JSON file. File mode writes atomically (temp file + rename) after each mutation and re-reads the file
 * when another process replaced it, so successive `pulumi` runs against separate emulator processes see
 * the same tenant. Secret values are never stored: only a digest and the flags the emulator needs.
 */
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { ProvisioningObjectSummary, SynchronizationJob } from "./model/synchronizationTypes";
import type { SynchronizationSchema } from "./schema/schemaTypes";
import type { DirectoryObjectRecord } from "./tenantDirectory";

/** Stored form of a saved synchronization secret (no plain value unless the key is a non-secret setting). */
export interface SecretRecord {
  key: string;
  /** The value in clear, only for settings Graph returns unmasked (e.g. SyncNotificationSettings). */
  clearValue: string | null;
  /** sha256 of the value, so tests can tell a rotation happened without the value being stored. */
  digest: string;
  /** The value contains the documented failure marker (see `credentialRules.ts`). */
  hasInvalidMarker: boolean;
  /** The value is an absolute https URL (checked for keys such as BaseAddress). */
  isHttpsUrl: boolean;
}

/** A simulated user or group assigned to a service principal (the provisioning scope). */
export interface AssignmentRecord {
  id: string;
  objectType: "User" | "Group";
  displayName: string;
  userPrincipalName: string | null;
  /** Provisioning this object fails with an entry-level error. */
  failing: boolean;
  /** Set once a cycle has evaluated (exported, skipped or failed) it. */
  provisionedAt: string | null;
  /** The object exists in the target system (exported and not since disabled for leaving scope). */
  inTarget?: boolean;
  /** The values last exported, by target attribute (oldValue of the next update). */
  exportedValues?: Record<string, string>;
}

/** A synchronization job plus the emulator's scheduling fields. */
export interface JobRecord {
  createdMs: number;
  job: SynchronizationJob;
  factoryTag: string;
  /** When the next simulated cycle ends (ms since epoch); null when none is scheduled. */
  nextCycleMs: number | null;
  cycleCount: number;
  /** The job's schema after a PUT; absent while it is the template's default (old state files too). */
  schema?: SynchronizationSchema;
  /** How many times the schema changed (PUT or DELETE): its `version` is derived from it. */
  schemaChanges?: number;
  /** A schema change happened since the last cycle: the next cycle is an initial one. */
  initialCyclePending?: boolean;
}

/** An application object as Graph returns it, with creation/deletion times. */
export interface ApplicationRecord {
  createdMs: number;
  deletedMs: number | null;
  resource: Record<string, unknown>;
}

/** A service principal, with its synchronization sub-resources. */
export interface ServicePrincipalRecord extends ApplicationRecord {
  applicationObjectId: string;
  /** Factory tags of the synchronization templates, keyed by template id. */
  syncTemplates: { id: string; factoryTag: string; default: boolean; description: string }[];
  jobs: Record<string, JobRecord>;
  secrets: SecretRecord[];
  assignments: AssignmentRecord[];
}

/** A client (app registration) that may obtain tokens for a tenant. */
export interface ClientRecord {
  clientId: string;
  secretDigest: string;
}

/** One tenant's directory. */
export interface TenantState {
  tenantId: string;
  clients: ClientRecord[];
  applications: Record<string, ApplicationRecord>;
  servicePrincipals: Record<string, ServicePrincipalRecord>;
  provisioningLogs: ProvisioningObjectSummary[];
  /** Emulated users and groups (tenantDirectory.ts); absent in state files written before they existed. */
  directoryObjects?: Record<string, DirectoryObjectRecord>;
}

/** The whole persisted document. */
export interface EmulatorState {
  version: 1;
  tenants: Record<string, TenantState>;
}

/** Credentials of one tenant + client pair. */
export interface TenantCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** sha256 hex digest, used for client secrets and saved synchronization secrets. */
export function digestOf(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

function emptyTenant(tenantId: string): TenantState {
  return { tenantId, clients: [], applications: {}, servicePrincipals: {}, provisioningLogs: [] };
}

/** Options of `EmulatorStore`. */
export interface EmulatorStoreOptions {
  /** JSON file to persist to; in-memory when undefined. */
  stateFile?: string;
  /** Tenant + client present in every state (added when missing; its secret is (re)set). */
  defaultTenant: TenantCredentials;
}

/** State holder with in-memory or file persistence (Azurite's metadata store, single-file flavour). */
export class EmulatorStore {
  private state: EmulatorState;
  private fileSignature: string | null = null;

  constructor(private readonly options: EmulatorStoreOptions) {
    this.state = { version: 1, tenants: {} };
    if (options.stateFile && fs.existsSync(options.stateFile)) {
      this.load();
    }
    this.ensureClient(options.defaultTenant);
    this.commit();
  }

  /** Re-reads the state file when another process replaced it since this process last read or wrote it. */
  refresh(): void {
    const file = this.options.stateFile;
    if (!file) return;
    const signature = this.signature(file);
    if (signature !== null && signature !== this.fileSignature) this.load();
  }

  /** Persists the state (file mode) — call after every mutation. */
  commit(): void {
    const file = this.options.stateFile;
    if (!file) return;
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.state, null, 1));
    // rename is atomic on one filesystem: readers see the old or the new document, never a partial one.
    fs.renameSync(temp, file);
    this.fileSignature = this.signature(file);
  }

  /** Drops every object and log; keeps the tenants and their clients so issued tokens stay valid. */
  reset(): void {
    this.refresh();
    const tenants: Record<string, TenantState> = {};
    for (const t of Object.values(this.state.tenants)) {
      tenants[t.tenantId] = { ...emptyTenant(t.tenantId), clients: t.clients };
    }
    this.state = { version: 1, tenants };
    this.commit();
  }

  /** Registers a tenant (if new) and a client for it; an existing client's secret is replaced. */
  ensureClient(credentials: TenantCredentials): void {
    const tenantId = credentials.tenantId.toLowerCase();
    const tenant = (this.state.tenants[tenantId] ??= emptyTenant(tenantId));
    const clientId = credentials.clientId.toLowerCase();
    const digest = digestOf(credentials.clientSecret);
    const existing = tenant.clients.find((c) => c.clientId === clientId);
    if (existing) existing.secretDigest = digest;
    else tenant.clients.push({ clientId, secretDigest: digest });
  }

  /** The tenant with this id (case-insensitive), if known. */
  tenant(tenantId: string): TenantState | undefined {
    return this.state.tenants[tenantId.toLowerCase()];
  }

  /** Ids of every known tenant. */
  tenantIds(): string[] {
    return Object.keys(this.state.tenants);
  }

  private signature(file: string): string | null {
    try {
      const st = fs.statSync(file);
      // A rename gives a new inode, so ino + mtime + size changes whenever another process committed.
      return `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      return null;
    }
  }

  private load(): void {
    const file = this.options.stateFile as string;
    const text = fs.readFileSync(file, "utf8");
    const signature = this.signature(file);
    let parsed: EmulatorState;
    try {
      parsed = JSON.parse(text) as EmulatorState;
    } catch (e) {
      throw new Error(
        `Emulator state file ${file} is not valid JSON (${(e as Error).message}); delete it or pass another --state file.`,
      );
    }
    if (parsed?.version !== 1 || typeof parsed.tenants !== "object") {
      throw new Error(
        `Emulator state file ${file} has an unknown format (expected {"version":1,"tenants":{…}}).`,
      );
    }
    this.state = parsed;
    this.fileSignature = signature;
  }
}
