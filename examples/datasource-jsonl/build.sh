#!/bin/sh
# Builds the example plugin outside the framework's reactor and drops it into a plugins folder.
# First, once, at the chainrule root:  mvn -B -q install -DskipTests   (puts api and testkit in ~/.m2)
# Usage: examples/datasource-jsonl/build.sh [PLUGINS_DIR]   (default: plugins/ in the working directory)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-plugins}
mvn -B -q -f "$here/pom.xml" package
mkdir -p "$dest"
cp "$here/target/datasource-jsonl-0.1.0.jar" "$dest/"
echo "installed $dest/datasource-jsonl-0.1.0.jar; try: runner plugins, runner verify-plugin $dest/datasource-jsonl-0.1.0.jar"
