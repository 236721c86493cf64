#!/usr/bin/env bash
# Make the files docker-compose.sasl-ssl.yml expects, for a development Kafka on this machine: a CA, Kafka's TLS
# key and certificate (names: kafka, localhost) in a PKCS#12 keystore, and a random password for the Kafka user
# "storywire", both in the JAAS file Kafka reads and in the file storywire reads. Needs openssl.
#
#   scripts/compose-secrets.sh [DIR]     # DIR defaults to ./secrets; an existing DIR is left alone
#
# For a real deployment, use certificates from your own CA and a password from your secret store.
set -euo pipefail
dir="${1:-secrets}"
if [[ -e "$dir" ]]; then
  echo "$dir exists: remove it first to make new secrets" >&2
  exit 1
fi
umask 077
mkdir -p "$dir/kafka"
cd "$dir"
openssl req -x509 -newkey rsa:3072 -nodes -days 825 -subj "/CN=storywire development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:3072 -nodes -subj "/CN=kafka" -keyout kafka.key -out kafka.csr 2>/dev/null
printf 'subjectAltName=DNS:kafka,DNS:localhost\nextendedKeyUsage=serverAuth\n' > kafka.ext
openssl x509 -req -in kafka.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -extfile kafka.ext \
  -out kafka.crt 2>/dev/null
openssl rand -hex 24 > kafka/keystore-password
openssl pkcs12 -export -in kafka.crt -inkey kafka.key -certfile ca.pem -name kafka \
  -passout "file:kafka/keystore-password" -out kafka/kafka.keystore.p12
openssl rand -hex 24 > storywire-kafka-password
printf 'KafkaServer {\n  org.apache.kafka.common.security.plain.PlainLoginModule required\n  user_storywire="%s";\n};\n' \
  "$(cat storywire-kafka-password)" > kafka/kafka_server_jaas.conf
rm -f kafka.csr kafka.ext ca.srl
# The containers run as other users (Kafka: appuser; storywire: nobody): they must be able to read their files.
chmod 0755 . kafka
chmod 0444 ca.pem storywire-kafka-password kafka/*
echo "made $(pwd): keep ca.key out of the containers; ca.pem is what clients trust"
