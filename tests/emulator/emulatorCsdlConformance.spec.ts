/**
 * Every JSON body the emulator returns for the synchronization / provisioning-log entity types is walked
 * against the official CSDL (tests/fixtures/graph-csdl, extracted from microsoftgraph/msgraph-metadata): each property must exist on the matching type (or a
 * base type) and each enum value must be a member of its enum.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, eventually } from "../helpers/emulator";

interface CsdlType {
  baseType?: string;
  open: boolean;
  properties: Map<string, string>;
}

/** Microsoft's v1.0 CSDL for the synchronization and provisioning-log types, vendored as a test fixture. */
function csdlFile(): string {
  return path.resolve(__dirname, "../fixtures/graph-csdl/sync-subset-v1.0.csdl.xml");
}

/** Parses EntityType / ComplexType / EnumType declarations out of the CSDL XML. */
function parseCsdl(xml: string): { types: Map<string, CsdlType>; enums: Map<string, Set<string>> } {
  const types = new Map<string, CsdlType>();
  const enums = new Map<string, Set<string>>();
  const typeRe =
    /<(EntityType|ComplexType)\s+([^>]*?)(\/?)>([\s\S]*?)(?:<\/\1>|(?=<(?:EntityType|ComplexType|EnumType|Action|Annotations)\b))/g;
  const attr = (attrs: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1];
  for (const m of xml.matchAll(typeRe)) {
    const attrs = m[2];
    const selfClosing = m[3] === "/";
    const properties = new Map<string, string>();
    if (!selfClosing) {
      for (const p of m[4].matchAll(/<Property\s+([^>]*)\/>/g))
        properties.set(attr(p[1], "Name") as string, attr(p[1], "Type") as string);
    }
    types.set(attr(attrs, "Name") as string, {
      baseType: attr(attrs, "BaseType")?.replace(/^graph\./, ""),
      open: attr(attrs, "OpenType") === "true",
      properties,
    });
  }
  for (const m of xml.matchAll(/<EnumType\s+Name="([^"]+)"[^>]*>([\s\S]*?)<\/EnumType>/g)) {
    enums.set(m[1], new Set([...m[2].matchAll(/<Member\s+Name="([^"]+)"/g)].map((x) => x[1])));
  }
  return { types, enums };
}

const { types, enums } = parseCsdl(fs.readFileSync(csdlFile(), "utf8"));

function propertyType(typeName: string, property: string): { type?: string; open: boolean } {
  let current: string | undefined = typeName;
  let open = false;
  while (current) {
    const t = types.get(current);
    if (!t) throw new Error(`CSDL has no type ${current}`);
    open = open || t.open;
    const found = t.properties.get(property);
    if (found) return { type: found, open };
    current = t.baseType;
  }
  return { open };
}

/** Collects every violation of `value` against CSDL type `typeName`. */
function walk(value: unknown, typeName: string, where: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  if (enums.has(typeName)) {
    const members = enums.get(typeName) as Set<string>;
    for (const part of String(value)
      .split(",")
      .map((s) => s.trim())) {
      if (!members.has(part)) problems.push(`${where}: '${part}' is not a member of enum ${typeName}`);
    }
    return;
  }
  const t = types.get(typeName);
  if (!t) return; // Edm primitives and types outside the subset.
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push(`${where}: expected an object of type ${typeName}`);
    return;
  }
  // detailsInfo declares nothing: it is a bag of dynamic properties.
  if (t.open && t.properties.size === 0 && !t.baseType) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith("@odata.")) continue;
    const { type } = propertyType(typeName, key);
    if (!type) {
      problems.push(`${where}.${key}: no such property on ${typeName}`);
      continue;
    }
    const collection = /^Collection\((.+)\)$/.exec(type);
    const element = (collection ? collection[1] : type).replace(/^graph\./, "");
    if (collection) {
      if (!Array.isArray(v)) problems.push(`${where}.${key}: expected a collection`);
      else v.forEach((item, i) => walk(item, element, `${where}.${key}[${i}]`, problems));
    } else {
      walk(v, element, `${where}.${key}`, problems);
    }
  }
}

describe("emulator: response bodies conform to the Graph CSDL @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;
  const bodies: { type: string; where: string; value: unknown }[] = [];
  const collect = (type: string, where: string, items: unknown[]) =>
    items.forEach((value, i) => bodies.push({ type, where: `${where}[${i}]`, value }));

  before(async () => {
    emulator = await startEmulator({ port: 0, cycleTimeMs: 30 });
    graph = new EmulatorTestClient(emulator);
    const templates = await graph.call<{ value: unknown[] }>("GET", "/applicationTemplates");
    collect("applicationTemplate", "GET /applicationTemplates", templates.body.value);
    const one = await graph.call("GET", "/applicationTemplates/8b1025e4-1dd2-430b-a150-2ef79cd700f5");
    collect("applicationTemplate", "GET /applicationTemplates/{id}", [one.body]);

    // A healthy job (with failing users for failure log entries) and a quarantined one.
    for (const [name, token] of [
      ["Healthy", "good-token"],
      ["Quarantined", "invalid-token"],
    ]) {
      const inst = await graph.call<{ servicePrincipal: { id: string } }>(
        "POST",
        "/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate",
        {
          displayName: `CSDL ${name}`,
        },
      );
      const spId = inst.body.servicePrincipal.id;
      emulator.assign(spId, { failedUsers: 1 });
      const sync = await graph.call<{ value: unknown[] }>(
        "GET",
        `/servicePrincipals/${spId}/synchronization/templates`,
      );
      collect("synchronizationTemplate", "GET …/templates", sync.body.value);
      const job = await graph.call<{ id: string }>(
        "POST",
        `/servicePrincipals/${spId}/synchronization/jobs`,
        { templateId: "scim" },
      );
      collect("synchronizationJob", "POST …/jobs", [job.body]);
      await graph.call("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, {
        value: [
          { key: "BaseAddress", value: "https://scim.example.com/v2" },
          { key: "SecretToken", value: token },
          { key: "SyncNotificationSettings", value: '{"Enabled":false,"DeleteThresholdEnabled":false}' },
        ],
      });
      const secrets = await graph.call<{ value: unknown[] }>(
        "GET",
        `/servicePrincipals/${spId}/synchronization/secrets`,
      );
      collect("synchronizationSecretKeyStringValuePair", "GET …/secrets", secrets.body.value);
      await graph.call("POST", `/servicePrincipals/${spId}/synchronization/jobs/${job.body.id}/start`);
      const settled = await eventually(async () => {
        const r = await graph.call<{ status: { code: string } }>(
          "GET",
          `/servicePrincipals/${spId}/synchronization/jobs/${job.body.id}`,
        );
        return ["Active", "Quarantine"].includes(r.body.status.code) ? r.body : undefined;
      });
      collect("synchronizationJob", "GET …/jobs/{id}", [settled]);
      const list = await graph.call<{ value: unknown[] }>(
        "GET",
        `/servicePrincipals/${spId}/synchronization/jobs`,
      );
      collect("synchronizationJob", "GET …/jobs", list.body.value);
      if (name === "Healthy") {
        const schema = await graph.call<{ synchronizationRules: { id: string }[] }>(
          "GET",
          `/servicePrincipals/${spId}/synchronization/jobs/${job.body.id}/schema`,
        );
        const pod = await graph.call(
          "POST",
          `/servicePrincipals/${spId}/synchronization/jobs/${job.body.id}/provisionOnDemand`,
          {
            parameters: [
              {
                ruleId: schema.body.synchronizationRules[0].id,
                subjects: [{ objectId: "00000000-0000-0000-0000-000000000001", objectTypeName: "User" }],
              },
            ],
          },
        );
        collect("stringKeyStringValuePair", "POST …/provisionOnDemand", [pod.body]);
      }
    }
    const logs = await graph.call<{ value: unknown[] }>("GET", "/auditLogs/provisioning");
    collect("provisioningObjectSummary", "GET /auditLogs/provisioning", logs.body.value);
  });
  after(() => emulator.stop());

  it("should have produced bodies of every walked type, including quarantine and failure entries", () => {
    const byType = new Set(bodies.map((b) => b.type));
    expect([...byType].sort()).to.deep.equal(
      [
        "applicationTemplate",
        "provisioningObjectSummary",
        "stringKeyStringValuePair",
        "synchronizationJob",
        "synchronizationSecretKeyStringValuePair",
        "synchronizationTemplate",
      ].sort(),
    );
    const text = JSON.stringify(bodies);
    expect(text).to.include('"code":"Quarantine"');
    expect(text).to.include('"status":"failure"');
  });

  it("should use only CSDL properties and enum members in every body", () => {
    const problems: string[] = [];
    for (const b of bodies) walk(b.value, b.type, b.where, problems);
    expect(problems).to.deep.equal([]);
  });

  it("should detect a property the CSDL does not define (the walk itself can fail)", () => {
    const problems: string[] = [];
    walk(
      { id: "x", templateId: "aws", bogus: 1, schedule: { state: "Running" } },
      "synchronizationJob",
      "sample",
      problems,
    );
    expect(problems).to.deep.equal([
      "sample.bogus: no such property on synchronizationJob",
      "sample.schedule.state: 'Running' is not a member of enum synchronizationScheduleState",
    ]);
  });
});
