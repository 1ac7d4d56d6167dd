#!/usr/bin/env bash
# Refresh the browser libraries shipped in server/static/vendor/ from the npm registry:
# versions are pinned in server/static/package.json and package-lock.json. The copies are
# committed, so the UI works offline (no CDN at run time).
set -euo pipefail
cd "$(dirname "$0")/../server/static"
npm ci --ignore-scripts --no-audit --no-fund
rm -rf vendor && mkdir -p vendor/echarts vendor/yasgui
cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE \
   node_modules/echarts/NOTICE vendor/echarts/
cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css \
   vendor/yasgui/
cp ../../scripts/vendor-licences/yasgui-LICENSE vendor/yasgui/LICENSE
for pkg in echarts @zazuko/yasgui; do
  node -e "const p=require('./node_modules/$pkg/package.json'); console.log(p.name+'@'+p.version+' '+p.license)"
done > vendor/VERSIONS
cat vendor/VERSIONS
