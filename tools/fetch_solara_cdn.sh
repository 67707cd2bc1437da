#!/usr/bin/env bash
# Fill solara's CDN proxy cache (<venv>/share/solara/cdn) from the npm registry, so that
# `circsim dashboard` works on machines that cannot reach cdn.jsdelivr.net (solara then
# serves 404s after long retries and the page stays blank). Users whose browser and
# server reach the CDN never need it. Rerun after upgrading solara.
# Usage: PY=.venv/bin/python bash tools/fetch_solara_cdn.sh [extra pkg@version ...]
set -euo pipefail
PY=${PY:-.venv/bin/python}
if ! command -v npm >/dev/null; then
  echo "fetch_solara_cdn: npm not found; solara will load its front-end from the public CDN"
  exit 0
fi
read -r CDN SOLARA FA VUE3 < <("$PY" - <<'PYEOF'
import os, solara, ipyvue
from solara.server import settings as s
print(s.assets.proxy_cache_dir, os.path.dirname(solara.__file__),
      s.assets.fontawesome_path.strip("/").split("/")[0],
      int(ipyvue.__version__.startswith("3")))
PYEOF
)
# every "pkg@version" the page template and solara's vue widgets load through the proxy
PKGS=$(grep -rhoE '(\{\{ ?cdn ?\}\}|\$\{this\.getCdn\(\)\})/(@[a-z0-9-]+/)?[a-z0-9.-]+@[0-9][a-z0-9.-]*' \
         "$SOLARA/server/templates" "$SOLARA/widgets/vue" | sed -E 's#^[^/]*/##' | sort -u)
# only the app bundle matching the installed ipyvue major (vue2 vs vue3) is used
if [ "$VUE3" = 1 ]; then PKGS=$(echo "$PKGS" | grep -v 'solara-vuetify-app@'); else PKGS=$(echo "$PKGS" | grep -v 'solara-vuetify3-app@'); fi
PKGS="$PKGS $FA $*"
mkdir -p "$CDN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in $PKGS; do
  dest="$CDN/$spec"
  if [ -f "$dest/package.json" ]; then continue; fi
  echo "fetch_solara_cdn: npm pack $spec"
  tgz=$(cd "$tmp" && npm pack --silent "$spec" | tail -1)
  mkdir -p "$dest"
  tar xzf "$tmp/$tgz" -C "$dest" --strip-components=1
done
echo "fetch_solara_cdn: cache ready in $CDN"
