#!/usr/bin/env bash
# For the manual check in README.md: runs a local OCI registry (Debian's
# `docker-registry`, the CNCF distribution registry) on 127.0.0.1:PORT (default 5000)
# with its storage in a temporary folder, pushes a tiny image `demo/app:1.0` over the
# registry's HTTP API with curl (no Docker engine needed), prints its digest and a
# Dockerfile that uses it, and keeps the registry running until Ctrl-C.
#
#   sudo apt-get install docker-registry curl     # once
#   editors/vscode/scripts/demo-registry.sh [PORT]
#
# With Docker instead: docker run -d -p 5000:5000 registry:2, then
# docker pull alpine:3.20 && docker tag alpine:3.20 localhost:5000/alpine:3.20 && docker push localhost:5000/alpine:3.20
set -euo pipefail

port="${1:-5000}"
registry="127.0.0.1:$port"
command -v docker-registry >/dev/null || { echo "error: docker-registry is not installed (apt-get install docker-registry)" >&2; exit 1; }
command -v curl >/dev/null || { echo "error: curl is not installed" >&2; exit 1; }

dir="$(mktemp -d)"
cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
http:
  addr: $registry
  secret: dockerfile-lsp-demo
EOF
docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do
    curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "http://$registry/v2/" >/dev/null || { cat "$dir/registry.log" >&2; exit 1; }

# A config blob, then a manifest that names it (an image with no layers).
config='{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}'
config_digest="sha256:$(printf %s "$config" | sha256sum | cut -d' ' -f1)"
location="$(curl -fsSi -X POST "http://$registry/v2/demo/app/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')"
case "$location" in http*) ;; *) location="http://$registry$location" ;; esac
case "$location" in *\?*) sep='&' ;; *) sep='?' ;; esac
curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "$config" \
    "$location${sep}digest=$config_digest" >/dev/null
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$config_digest\",\"size\":${#config}},\"layers\":[]}"
curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$manifest" \
    "http://$registry/v2/demo/app/manifests/1.0" >/dev/null
digest="sha256:$(printf %s "$manifest" | sha256sum | cut -d' ' -f1)"

cat <<EOF
registry: http://$registry (log: $dir/registry.log)
pushed:   $registry/demo/app:1.0 -> $digest

A Dockerfile to pin (Dockerfile: Pin All Images in This File):

  FROM localhost:$port/demo/app:1.0
  FROM localhost:$port/demo/app:1.0 AS second
  COPY --from=second /etc /etc

After pinning, the FROM lines read localhost:$port/demo/app:1.0@$digest
Ctrl-C stops the registry.
EOF
wait "$pid"
