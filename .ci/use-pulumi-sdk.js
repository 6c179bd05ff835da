// Makes this process, and every Node process it starts, use the @pulumi/pulumi installed under
// $PULUMI_SDK_DIR (e.g. .ci/sdk-lowest) instead of the repository's own copy. Loaded by .ci/run through
// NODE_OPTIONS="--require <this file>", so the tests, the package's resources, the programs under test
// and the dynamic-provider hosts they spawn (which inherit NODE_OPTIONS) all load ONE SDK, as in a
// user's project where it is a peer dependency. @grpc/grpc-js and google-protobuf follow the SDK, as
// npm dedupes them in a user's project: the engine harness must build its channel credentials and
// messages from the copies the SDK's generated gRPC code uses (grpc-js checks them with instanceof).
"use strict";
const Module = require("module");
const path = require("path");

const dir = process.env.PULUMI_SDK_DIR;
if (dir) {
  const root = path.resolve(dir);
  // Children may run elsewhere (a host's cwd is the project directory): hand them the absolute path.
  process.env.PULUMI_SDK_DIR = root;
  const followsSdk = /^(@pulumi\/pulumi|@grpc\/grpc-js|google-protobuf)(\/|$)/;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    if (followsSdk.test(request)) {
      return resolveFilename.call(this, request, parent, isMain, { ...options, paths: [root] });
    }
    return resolveFilename.call(this, request, parent, isMain, options);
  };
}
