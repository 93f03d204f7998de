// Validates Kubernetes objects against the JSON schemas of the kubernetes-models packages
// (generated from Kubernetes' and the Prometheus Operator's OpenAPI): types, required fields,
// enums, formats. Input: a JSON array of objects (what `kubectl kustomize` built, converted by
// KustomizeBuildTest). Unknown fields are KubernetesManifestsTest's job (fabric8, strictly).
// Prints one line per object and exits 1 if any is invalid.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
const packages = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator/monitoring.coreos.com" };

let failed = 0;
for (const object of objects) {
  const [group, version] = object.apiVersion.includes("/")
    ? object.apiVersion.split("/")
    : [null, object.apiVersion];
  const base = group === null ? "kubernetes-models" : packages[group] ?? `kubernetes-models/${group}`;
  const name = `${object.kind} ${object.metadata?.name}`;
  let Model;
  try {
    Model = (await import(`${base}/${version}/${object.kind}`))[object.kind];
  } catch (e) {
    console.log(`UNKNOWN ${name} (${object.apiVersion}): no schema for this kind and version`);
    failed++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`valid   ${name} (${object.apiVersion})`);
  } catch (e) {
    console.log(`INVALID ${name} (${object.apiVersion}): ${e.message}`);
    failed++;
  }
}
console.log(`${objects.length - failed} valid, ${failed} invalid`);
process.exit(failed === 0 ? 0 : 1);
