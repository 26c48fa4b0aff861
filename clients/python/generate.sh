#!/usr/bin/env bash
# Regenerates the typed layer of the SDK (src/promptrefine/_api) from openapi/openapi.json with
# openapi-python-client (pinned: the output must not change between runs). CI runs it and fails
# when the result differs from what is committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="0.29.1"
if [ "$(openapi-python-client --version 2>/dev/null | awk '{print $NF}')" != "$version" ]; then
  echo "needs openapi-python-client $version: pip install openapi-python-client==$version" >&2
  exit 1
fi
openapi-python-client generate \
  --path "$here/../../openapi/openapi.json" \
  --config "$here/openapi-python-client.yml" \
  --meta none \
  --output-path "$here/src/promptrefine/_api" \
  --overwrite
