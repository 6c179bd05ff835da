/** Starts fleet workers (fleetWorker.ts) as child processes and reads their outcome. */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { FleetJob, FleetOutcome } from "./fleetWorker";
import { REPO_ROOT } from "./benchEmulator";

/** Runs one fleet in a fresh Node process; rejects when the worker fails. */
export function runFleetWorker(job: FleetJob): Promise<FleetOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(__dirname, "fleetWorker.ts")],
      // The job holds the client secret: through the environment, not the (world-readable) command line.
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, BENCH_FLEET_JOB: JSON.stringify(job) },
      },
    );
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`fleet worker (${job.mode}, N=${job.count}) exited with ${code}: ${err || out}`));
        return;
      }
      resolve(JSON.parse(line) as FleetOutcome);
    });
  });
}
