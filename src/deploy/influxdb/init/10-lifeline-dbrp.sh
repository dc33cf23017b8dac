#!/bin/bash
# Runs once, when the InfluxDB 2.x container initialises its volume (DOCKER_INFLUXDB_INIT_MODE=setup), with the
# influx CLI signed in as the initial admin. Lifeline and Grafana read with InfluxQL on /query, which reaches a 2.x
# bucket through a DBRP mapping:
#   database INFLUX_BUCKET, retention policy autogen (the default) -> the raw bucket
#   database INFLUX_BUCKET, retention policy agg_2y               -> the bucket of the 1-minute aggregates
# The platform also creates the aggregate bucket and its downsampling task at start-up (when its token may);
# creating the bucket here too lets the mapping exist from the first start.
set -euo pipefail

org="${DOCKER_INFLUXDB_INIT_ORG}"
raw="${DOCKER_INFLUXDB_INIT_BUCKET}"
agg="${INFLUX_AGGREGATE_BUCKET:-${raw}_agg_2y}"
agg_retention="${INFLUX_AGGREGATE_RETENTION:-730d}"

bucket_id() {
  influx bucket list --org "$org" --name "$1" --hide-headers | cut -f1
}

if [ -z "$(bucket_id "$agg" || true)" ]; then
  influx bucket create --org "$org" --name "$agg" --retention "$agg_retention"
fi

influx v1 dbrp create --org "$org" --db "$raw" --rp autogen --bucket-id "$(bucket_id "$raw")" --default
influx v1 dbrp create --org "$org" --db "$raw" --rp agg_2y --bucket-id "$(bucket_id "$agg")"
echo "lifeline: DBRP mappings ${raw}/autogen -> ${raw}, ${raw}/agg_2y -> ${agg}"
