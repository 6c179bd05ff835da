/**
 * The supported @pulumi/pulumi range (issue 12): below 3.139.0 the dynamic-provider host never calls
 * configure(), so stack config would be ignored and environment credentials used. A program declaring
 * a resource on such an SDK, and a provider called without configure(), fail with the version needed.
 */
import { expect } from "chai";
import * as path from "path";
import {
  MIN_PULUMI_SDK_VERSION,
  assertSupportedPulumiSdk,
  isSupportedPulumiSdk,
  loadedPulumiSdkVersion,
} from "../../../provider/pulumiSdkSupport";

describe("the supported @pulumi/pulumi range", () => {
  it("should start at 3.139.0, the first host that calls configure(), and match peerDependencies", () => {
    expect(MIN_PULUMI_SDK_VERSION).to.equal("3.139.0");
    const pkg = require("../../../package.json") as { peerDependencies: Record<string, string> };
    expect(pkg.peerDependencies["@pulumi/pulumi"]).to.equal(`^${MIN_PULUMI_SDK_VERSION}`);
  });

  it("should compare versions numerically", () => {
    for (const v of ["3.139.0", "3.139.1", "3.140.0", "3.276.0", "4.0.0", "3.139.0-alpha.1"]) {
      expect(isSupportedPulumiSdk(v), v).to.equal(true);
    }
    for (const v of ["3.138.0", "3.138.99", "3.13.0", "2.999.0"]) {
      expect(isSupportedPulumiSdk(v), v).to.equal(false);
    }
  });

  it("should accept the SDK these tests run with", () => {
    expect(() => assertSupportedPulumiSdk()).not.to.throw();
    expect(loadedPulumiSdkVersion()).to.match(/^3\.\d+\.\d+/);
  });

  it("should refuse an older SDK when a resource is declared, naming the version needed", () => {
    expect(() => assertSupportedPulumiSdk("3.138.0")).to.throw(
      /needs @pulumi\/pulumi 3\.139\.0 or later; this project has 3\.138\.0.*npm install @pulumi\/pulumi@\^3\.139\.0/,
    );
  });

  it("should refuse a provider call that no configure() preceded, instead of using environment credentials", () => {
    // A fresh copy of the runtime entry: as in a host that never called configure().
    const runtimePath = require.resolve("../../../provider/runtime");
    const cached = require.cache[runtimePath];
    delete require.cache[runtimePath];
    try {
      const fresh = require(path.resolve(runtimePath)) as typeof import("../../../provider/runtime");
      expect(() => fresh.provider("GalleryApp")).to.throw(
        /did not call the provider's configure\(\).*refusing to fall back to environment credentials.*3\.139\.0/,
      );
      fresh.configure({ get: () => undefined });
      expect(fresh.provider("GalleryApp").check).to.be.a("function");
    } finally {
      if (cached) require.cache[runtimePath] = cached;
    }
  });
});
