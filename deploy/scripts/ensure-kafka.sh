#!/usr/bin/env bash
# The Apache Kafka broker's runtime jars from Maven Central (deploy/kafka/pom.xml) into
# .local/kafka/libs; a warm rerun is a no-op.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."

libs=.local/kafka/libs
say "fetching the Kafka broker jars (deploy/kafka/pom.xml) into $libs"
rm -rf "$libs"
mkdir -p "$libs"
fetch_or_die "Maven Central" "fetch the Kafka broker jars" \
  mvn -B -q -f deploy/kafka/pom.xml \
  org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$PWD/$libs"
touch "$libs/.installed"
