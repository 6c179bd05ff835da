// A fleet: one AWS Single-Account Access gallery app per AWS account, each with its own provisioning job.
// The account list is stack config and the per-account credentials one secret config object, so adding an
// account is one config change and one `pulumi up`; removing one deletes only that account's app.
import * as pulumi from "@pulumi/pulumi";
import { AppProvisioning } from "pulumi-graph-provisioning";

/** Gallery template "AWS Single-Account Access" (the same id in every tenant). */
const AWS_TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";

/** What the AWS connector needs for one account (config `credentials["<account>"]`). */
interface AccountCredentials {
  clientSecret: string;
  secretToken: string;
}

const config = new pulumi.Config();
const accounts = checkAccounts(config.requireObject<unknown>("accounts"));
const credentials = config.requireSecretObject<Record<string, AccountCredentials>>("credentials");

const apps = accounts.map((account) => {
  // Stays secret: derived from a secret config value.
  const own = credentials.apply((all) => requireAccount(all, account));
  return new AppProvisioning(`aws-${account}`, {
    displayName: `AWS ${account}`,
    templateId: AWS_TEMPLATE_ID,
    jobTemplateId: "aws",
    credentials: { ClientSecret: own.clientSecret, SecretToken: own.secretToken },
    // A fleet does not wait for each job's first cycle; `graph-provisioning wait` can do that afterwards.
    waitFor: "none",
  });
});

/**
 * Config `accounts`: a list of distinct 12-digit AWS account ids (they name the resources). Ids are best
 * quoted in YAML; a number that `pulumi config set --path` stored unquoted is accepted, its leading zeros
 * restored.
 */
function checkAccounts(value: unknown): string[] {
  const ids = Array.isArray(value)
    ? value.map((a) => (Number.isSafeInteger(a) && (a as number) >= 0 ? String(a).padStart(12, "0") : a))
    : [];
  if (!Array.isArray(value) || !ids.every((a): a is string => typeof a === "string" && /^\d{12}$/.test(a))) {
    throw new Error(`config "accounts" must be a list of 12-digit AWS account ids, e.g. ["210987654321"]`);
  }
  const duplicate = ids.find((a, i) => ids.indexOf(a) !== i);
  if (duplicate !== undefined) throw new Error(`config "accounts" lists "${duplicate}" twice`);
  return ids;
}

/** The credentials of one listed account; names the missing account or field, never a value. */
function requireAccount(all: Record<string, AccountCredentials>, account: string): AccountCredentials {
  const found = all?.[account];
  if (!found) {
    throw new Error(`config "credentials" has no entry for account "${account}" (listed in "accounts")`);
  }
  for (const field of ["clientSecret", "secretToken"] as const) {
    if (typeof found[field] !== "string" || found[field] === "") {
      throw new Error(`config "credentials.${account}.${field}" must be a non-empty string`);
    }
  }
  return found;
}

/** Per account: the service principal and job ids (for `graph-provisioning status <spId> <jobId>`). */
export const fleet = Object.fromEntries(
  accounts.map((account, i) => [
    account,
    { servicePrincipalId: apps[i].servicePrincipalId, jobId: apps[i].jobId },
  ]),
);
export const appCount = apps.length;
