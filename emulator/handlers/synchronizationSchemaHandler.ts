/**
 * `…/jobs/{jobId}/schema` and `…/templates/{templateId}/schema` (graph-schema.md §1): GET; PUT (whole
 * replace, 204, version changed, Graph's normalisation and validation); DELETE (back to the template's
 * default, 204); PATCH (404 `UnknownError` from syncfabric, as Graph answers the SDKs' PATCH);
 * parseExpression, filterOperators, functions, directories and discover. A PUT or DELETE makes the job's
 * next cycle an initial one.
 */
import { EmulatorError, GraphErrors } from "../errors";
import { defaultSchema, templateSchemaId, TEMPLATE_SCHEMA_VERSION } from "../schema/defaultSchemas";
import {
  evaluateExpression,
  EvaluationError,
  ExpressionSyntaxError,
  parseExpression,
  toMappingSource,
  type ExpressionInput,
} from "../schema/expression";
import { EXPRESSION_FUNCTIONS } from "../schema/expressionFunctions";
import { jobSchema, jobSchemaVersion } from "../schema/jobSchema";
import { normaliseSchemaPut } from "../schema/schemaNormalisation";
import { FILTER_OPERATORS } from "../schema/scopingFilter";
import type { DirectoryDefinition, SynchronizationSchema } from "../schema/schemaTypes";
import type { ServicePrincipalRecord } from "../store";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";

/** Where a schema request points: a job, or a template of a service principal / application. */
interface SchemaTarget {
  schema: SynchronizationSchema;
  /** `…#servicePrincipals('…')/synchronization/jobs('…')/schema` style context fragment. */
  context: string;
}

export class SynchronizationSchemaHandler extends BaseHandler {
  private jobTarget(
    req: GraphRequest,
    params: Record<string, string>,
  ): SchemaTarget & { sp: ServicePrincipalRecord } {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    return {
      sp,
      schema: jobSchema(record),
      context: `servicePrincipals('${String(sp.resource.id)}')/synchronization/jobs('${record.job.id}')/schema`,
    };
  }

  private templateTarget(req: GraphRequest, params: Record<string, string>): SchemaTarget {
    let sp: ServicePrincipalRecord | undefined;
    let owner: string;
    if (params.appId !== undefined || params.appAppId !== undefined) {
      const app = this.application(req, params);
      sp = Object.values(req.tenant.servicePrincipals).find(
        (s) => s.applicationObjectId === app.resource.id && s.deletedMs === null,
      );
      owner = `applications('${String(app.resource.id)}')`;
    } else {
      sp = this.servicePrincipal(req, params);
      owner = `servicePrincipals('${String(sp.resource.id)}')`;
    }
    const template = sp?.syncTemplates.find((t) => t.id.toLowerCase() === params.templateId.toLowerCase());
    if (!template) throw GraphErrors.notFound(params.templateId);
    return {
      schema: defaultSchema(
        template.id,
        template.factoryTag,
        templateSchemaId(template.id),
        TEMPLATE_SCHEMA_VERSION,
      ),
      context: `${owner}/synchronization/templates('${template.id}')/schema`,
    };
  }

  private schemaBody(req: GraphRequest, target: SchemaTarget): EmulatorResponse {
    return this.ok({ "@odata.context": this.contextUrl(req, `${target.context}/$entity`), ...target.schema });
  }

  /** GET …/jobs/{jobId}/schema. */
  getJobSchema = (req: GraphRequest, params: Record<string, string>): EmulatorResponse =>
    this.schemaBody(req, this.jobTarget(req, params));

  /** GET …/templates/{templateId}/schema (service principal or application). */
  getTemplateSchema = (req: GraphRequest, params: Record<string, string>): EmulatorResponse =>
    this.schemaBody(req, this.templateTarget(req, params));

  /** PUT …/jobs/{jobId}/schema — whole replace; 204. */
  putJobSchema = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    const body = this.objectBody(
      req,
      '{"directories": [...], "synchronizationRules": [...]} (the whole schema, as GET returns it)',
    );
    const changes = (record.schemaChanges ?? 0) + 1;
    const schema = normaliseSchemaPut(body, jobSchema(record), record.job.id, jobSchemaVersion(changes));
    record.schema = schema;
    record.schemaChanges = changes;
    record.initialCyclePending = true;
    this.commit();
    return this.noContent();
  };

  /** DELETE …/jobs/{jobId}/schema — back to the template's default; 204. */
  deleteJobSchema = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    delete record.schema;
    record.schemaChanges = (record.schemaChanges ?? 0) + 1;
    record.initialCyclePending = true;
    this.commit();
    return this.noContent();
  };

  /** PATCH …/jobs/{jobId}/schema — Graph has no such route: syncfabric's 404 wrapped in UnknownError. */
  patchJobSchema = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    const inner = {
      Message: `No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/servicePrincipals('${String(sp.resource.id)}')/synchronization/jobs('${record.job.id}')/schema?api-version=2.0'.`,
    };
    throw new EmulatorError(404, "UnknownError", JSON.stringify(inner));
  };

  /** GET …/schema/directories (job or template). */
  listDirectories = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const target =
      params.jobId !== undefined ? this.jobTarget(req, params) : this.templateTarget(req, params);
    return this.ok({
      "@odata.context": this.contextUrl(req, `${target.context}/directories`),
      value: target.schema.directories,
    });
  };

  /** GET …/schema/directories/{directoryId}. */
  getDirectory = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const target =
      params.jobId !== undefined ? this.jobTarget(req, params) : this.templateTarget(req, params);
    const directory = this.directory(target.schema, params.directoryId);
    return this.ok({
      "@odata.context": this.contextUrl(req, `${target.context}/directories/$entity`),
      ...directory,
    });
  };

  /**
   * POST …/jobs/{jobId}/schema/directories/{directoryId}/discover — 200 with the discovered definition:
   * the directory as stored plus any attribute the connector declares that it lacks ("discovery only leads
   * to more target attributes being added"), stamped with the discovery time. The stored schema is not
   * changed by the call (unverified).
   */
  discover = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    const current = this.directory(jobSchema(record), params.directoryId);
    const template = defaultSchema(
      record.job.templateId ?? "",
      record.factoryTag,
      record.job.id,
      "",
    ).directories.find((d) => d.name === current.name);
    const objects = current.objects.map((o) => {
      const declared = template?.objects.find((t) => t.name === o.name);
      const missing = (declared?.attributes ?? []).filter(
        (a) => !o.attributes.some((x) => x.name === a.name),
      );
      return { ...o, attributes: [...o.attributes, ...missing] };
    });
    const now = new Date(this.now()).toISOString();
    return this.ok({
      "@odata.context": this.contextUrl(req, "microsoft.graph.directoryDefinition"),
      ...current,
      discoverabilities: "AttributeNames, AttributeDataTypes",
      discoveryDateTime: now,
      objects,
      version: `Date:${now}, ActivityId:${current.id}`,
    });
  };

  /** GET …/schema/filterOperators. */
  filterOperators = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    if (params.jobId !== undefined) this.jobTarget(req, params);
    else this.templateTarget(req, params);
    return this.ok({
      "@odata.context": this.contextUrl(req, "Collection(microsoft.graph.filterOperatorSchema)"),
      value: FILTER_OPERATORS.map((o) => ({
        name: o.name,
        arity: o.arity,
        multivaluedComparisonType: o.multivaluedComparisonType,
        supportedAttributeTypes: o.supportedAttributeTypes,
      })),
    });
  };

  /** GET …/schema/functions. */
  functions = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    if (params.jobId !== undefined) this.jobTarget(req, params);
    else this.templateTarget(req, params);
    return this.ok({
      "@odata.context": this.contextUrl(req, "Collection(microsoft.graph.attributeMappingFunctionSchema)"),
      value: EXPRESSION_FUNCTIONS.map((f) => ({
        name: f.name,
        parameters: f.parameters.map((q) => ({
          allowMultipleOccurrences: q.allowMultipleOccurrences,
          name: q.name,
          required: q.required,
          type: q.type,
        })),
      })),
    });
  };

  /**
   * POST …/schema/parseExpression `{expression, testInputObject?, targetAttributeDefinition?}` — 200
   * parseExpressionResponse. A syntax error is answered 200 with parsingSucceeded=false and `error`
   * (code `InvalidExpression`, unverified); without testInputObject nothing is evaluated.
   */
  parseExpression = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    if (params.jobId !== undefined) this.jobTarget(req, params);
    else this.templateTarget(req, params);
    const body = this.objectBody(
      req,
      '{"expression": "…", "testInputObject": {"properties": [{"key", "value"}]}}',
    );
    if (typeof body.expression !== "string")
      throw GraphErrors.badRequest("expression: required, the expression to parse (a string).", "BadRequest");
    const response = {
      "@odata.context": this.contextUrl(req, "microsoft.graph.parseExpressionResponse"),
      error: null as Record<string, unknown> | null,
      evaluationResult: null as string[] | null,
      evaluationSucceeded: false,
      parsedExpression: null as unknown,
      parsingSucceeded: false,
    };
    let node;
    try {
      node = parseExpression(body.expression);
    } catch (e) {
      if (!(e instanceof ExpressionSyntaxError)) throw e;
      response.error = publicError("InvalidExpression", e.message, "expression");
      return this.ok(response);
    }
    response.parsingSucceeded = true;
    response.parsedExpression = toMappingSource(node);
    const input = testInput(body.testInputObject);
    if (input === null) return this.ok(response);
    try {
      const outcome = evaluateExpression(node, input, { nowMs: this.now() });
      response.evaluationSucceeded = true;
      response.evaluationResult = outcome.ignored ? [] : outcome.values;
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      response.error = publicError("EvaluationFailed", e.message, "testInputObject");
    }
    return this.ok(response);
  };

  private directory(schema: SynchronizationSchema, directoryId: string): DirectoryDefinition {
    const directory = schema.directories.find((d) => d.id.toLowerCase() === directoryId.toLowerCase());
    if (!directory) throw GraphErrors.notFound(directoryId);
    return directory;
  }
}

function publicError(code: string, message: string, target: string): Record<string, unknown> {
  return { code, details: [], innerError: null, message, target };
}

/** The test object's properties as expression input; null when the body has none. Bad shape ⇒ 400. */
function testInput(value: unknown): ExpressionInput | null {
  if (value === undefined || value === null) return null;
  const properties = (value as { properties?: unknown }).properties;
  if (typeof value !== "object" || (properties !== undefined && !Array.isArray(properties)))
    throw GraphErrors.badRequest(
      'testInputObject: must be {"definition": null, "properties": [{"key": "name", "value": "…"}]}.',
      "BadRequest",
    );
  const input: ExpressionInput = {};
  for (const [i, p] of ((properties as unknown[]) ?? []).entries()) {
    const pair = p as { key?: unknown; value?: unknown };
    if (!pair || typeof pair.key !== "string")
      throw GraphErrors.badRequest(
        `testInputObject.properties[${i}].key: required, the attribute name.`,
        "BadRequest",
      );
    const v = pair.value;
    input[pair.key] = v === null || v === undefined ? null : Array.isArray(v) ? v.map(String) : String(v);
  }
  return input;
}
