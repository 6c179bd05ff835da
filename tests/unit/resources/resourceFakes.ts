/**
 * Test doubles for the resource providers: a GraphApi whose every method is a sinon stub (rejecting
 * until a test says otherwise), a fake clock whose sleep advances time instantly, GraphErrors as
 * the client makes them, and sample Graph objects.
 */
import sinon from "sinon";
import { GraphError } from "../../../provider/graph/graphError";
import type {
  ApplicationServicePrincipal,
  GraphApi,
  SynchronizationJob,
  SynchronizationStatusCode,
  SynchronizationScheduleState,
} from "../../../provider/graph/types";
import type { ProviderDeps } from "../../../provider/resources/providerDeps";

export type StubbedGraph = { [K in keyof Required<GraphApi>]: sinon.SinonStub };

const METHODS: (keyof GraphApi)[] = [
  "listApplicationTemplates",
  "getApplicationTemplate",
  "instantiateApplicationTemplate",
  "listApplicationsByNameAndTemplate",
  "getApplication",
  "updateApplication",
  "deleteApplication",
  "getServicePrincipal",
  "updateServicePrincipal",
  "deleteServicePrincipal",
  "permanentlyDeleteDirectoryObject",
  "listSynchronizationTemplates",
  "createSynchronizationJob",
  "listSynchronizationJobs",
  "getSynchronizationJob",
  "deleteSynchronizationJob",
  "validateCredentials",
  "putSynchronizationSecrets",
  "getSynchronizationSecrets",
  "startSynchronizationJob",
  "pauseSynchronizationJob",
  "restartSynchronizationJob",
  "provisionOnDemand",
  "getSynchronizationSchema",
  "putSynchronizationSchema",
  "deleteSynchronizationSchema",
  "parseExpression",
  "listProvisioningEventsPage",
];

/** A GraphApi of stubs; an unconfigured call rejects naming the method. */
export function stubGraph(options: { withAppIdLookup?: boolean } = {}): StubbedGraph {
  const graph: Record<string, sinon.SinonStub> = {};
  const names: string[] = [...METHODS];
  if (options.withAppIdLookup) names.push("getServicePrincipalByAppId");
  for (const name of names) {
    graph[name] = sinon.stub().rejects(new Error(`unexpected Graph call ${name}`));
  }
  return graph as StubbedGraph;
}

/** Names of the stubbed methods that were called, in call order. */
export function callSequence(graph: StubbedGraph): string[] {
  const calls: { name: string; id: number }[] = [];
  for (const [name, stub] of Object.entries(graph)) {
    for (const call of stub.getCalls())
      calls.push({ name, id: (call as unknown as { callId: number }).callId });
  }
  return calls.sort((a, b) => a.id - b.id).map((c) => c.name);
}

/** Fake deps: `clientFor` returns `graph`; time starts at `start` and moves only when code sleeps. */
export interface FakeDeps extends ProviderDeps {
  graph: StubbedGraph;
  /** Every sleep requested, in ms. */
  sleeps: number[];
  clientFor: sinon.SinonStub & ProviderDeps["clientFor"];
  targetOf: sinon.SinonStub & ProviderDeps["targetOf"];
  tenantOf: sinon.SinonStub & ProviderDeps["tenantOf"];
}

/** The tenant and Graph endpoint fake deps resolve every connection to, unless a test says otherwise. */
export const TENANT_ID = "7a6d0f33-4c1e-4b8a-9d2f-5e3c1b7a9d01";
export const GRAPH_ENDPOINT = "https://graph.microsoft.com";

export function fakeDeps(
  graph: StubbedGraph,
  options: { start?: number; replicationTimeoutMs?: number } = {},
): FakeDeps {
  let time = options.start ?? Date.parse("2026-05-01T12:00:00Z");
  const sleeps: number[] = [];
  return {
    graph,
    sleeps,
    clientFor: sinon.stub().returns(graph) as FakeDeps["clientFor"],
    targetOf: sinon
      .stub()
      .returns({ tenantId: TENANT_ID, graphEndpoint: GRAPH_ENDPOINT }) as FakeDeps["targetOf"],
    tenantOf: sinon.stub().resolves(TENANT_ID) as FakeDeps["tenantOf"],
    replicationTimeoutMs: () => options.replicationTimeoutMs ?? 120_000,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
    now: () => time,
  };
}

/** A GraphError as the client throws it. */
export function graphError(statusCode: number, code: string, method = "GET", path = "/x"): GraphError {
  return new GraphError({
    statusCode,
    code,
    graphMessage: `${code} happened`,
    method,
    path,
    requestId: "req-1",
  });
}

export const notFound = (path = "/x"): GraphError => graphError(404, "Request_ResourceNotFound", "GET", path);
export const connectionReset = (path = "/x"): GraphError =>
  graphError(0, GraphError.REQUEST_SEND_ERROR, "POST", path);

export const TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
export const APP_ID = "11111111-1111-4111-8111-111111111111";
export const APP_CLIENT_ID = "22222222-2222-4222-8222-222222222222";
export const SP_ID = "33333333-3333-4333-8333-333333333333";
/** The GalleryApp resource id of the sample application: `<applicationObjectId>/<servicePrincipalId>/<appId>`. */
export const GALLERY_APP_ID = `${APP_ID}/${SP_ID}/${APP_CLIENT_ID}`;
export const JOB_ID = "aws.e4bbf44533ea4eabb17027f3a92e92aa.44444444-4444-4444-8444-444444444444";

export function instantiated(displayName = "AWS Contoso"): ApplicationServicePrincipal {
  return {
    application: { id: APP_ID, appId: APP_CLIENT_ID, displayName, applicationTemplateId: TEMPLATE_ID },
    servicePrincipal: { id: SP_ID, appId: APP_CLIENT_ID, displayName, applicationTemplateId: TEMPLATE_ID },
  };
}

export function job(
  overrides: {
    id?: string;
    templateId?: string;
    state?: SynchronizationScheduleState;
    code?: SynchronizationStatusCode;
    quarantined?: boolean;
    lastExecutionEnded?: string;
  } = {},
): SynchronizationJob {
  return {
    id: overrides.id ?? JOB_ID,
    templateId: overrides.templateId ?? "aws",
    schedule: { expiration: null, interval: "PT40M", state: overrides.state ?? "Disabled" },
    status: {
      code: overrides.code ?? "NotConfigured",
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      lastExecution: overrides.lastExecutionEnded
        ? {
            activityIdentifier: "a",
            countEntitled: 0,
            countEntitledForProvisioning: 0,
            countEscrowed: 0,
            countEscrowedRaw: 0,
            countExported: 0,
            countExports: 0,
            countImported: 0,
            countImportedDeltas: 0,
            countImportedReferenceDeltas: 0,
            error: null,
            state: "Succeeded",
            timeBegan: overrides.lastExecutionEnded,
            timeEnded: overrides.lastExecutionEnded,
          }
        : null,
      lastSuccessfulExecution: null,
      lastSuccessfulExecutionWithExports: null,
      progress: [],
      quarantine: overrides.quarantined
        ? {
            currentBegan: "2026-05-01T11:00:00Z",
            nextAttempt: "2026-05-01T13:00:00Z",
            reason: "EncounteredQuarantineException",
            seriesBegan: "2026-05-01T11:00:00Z",
            seriesCount: 1,
            error: {
              code: "AwsInvalidCredentials",
              message: "The credentials are invalid",
              tenantActionable: true,
            },
          }
        : null,
      steadyStateFirstAchievedTime: "0001-01-01T00:00:00Z",
      steadyStateLastAchievedTime: "0001-01-01T00:00:00Z",
      synchronizedEntryCountByType: [],
      troubleshootingUrl: null,
    },
    synchronizationJobSettings: [],
  };
}
