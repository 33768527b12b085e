#!/usr/bin/env bash
# Debian packages the local stack runs on: PostgreSQL server, nginx (the gateway), Java 17+ and
# Maven (the Kafka broker from Maven Central). Installs only what is missing.
source "$(dirname "$0")/lib.sh"

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
[ ${#missing[@]} -eq 0 ] && exit 0

say "installing Debian packages: ${missing[*]}"
fetch_or_die "Debian's package archive" "update the package lists" as_root apt-get update
fetch_or_die "Debian's package archive" "install ${missing[*]}" \
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
# The Debian postgresql package starts a system cluster on 5432; ours is private and needs none.
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
  as_root service postgresql stop >/dev/null 2>&1 || true
fi
