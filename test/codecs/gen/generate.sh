#!/usr/bin/env bash
# Regenerates fixtures/codecs/ with the Java libraries Spark uses, from Debian:
#   apt-get install liblz4-java libsnappy-java libcompress-lzf-java libzstd-jni-java   (Java 17)
# The outputs are committed; CI does not run this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../../fixtures/codecs"
mkdir -p "$out"
node "$here/make-source.mjs" "$out/source.jsonl"
cp=/usr/share/java/lz4-java.jar:/usr/share/java/snappy-java.jar:/usr/share/java/compress-lzf.jar:/usr/share/java/zstd-jni.jar
tmp=$(mktemp -d)
javac -d "$tmp" -cp "$cp" "$here/SparkCodecs.java"
java -Djava.library.path=/usr/lib/x86_64-linux-gnu/jni:/usr/lib/x86_64-linux-gnu -cp "$tmp:$cp" SparkCodecs "$out/source.jsonl" "$out"
rm -rf "$tmp"
ls -l "$out"
