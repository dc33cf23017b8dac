#!/bin/sh
# Writes Mosquitto's password and ACL files from the environment, then runs the given command (the image's own
# entrypoint and mosquitto). Run as root: the files end up readable by the mosquitto user only.
#   MQTT_PLATFORM_USER / MQTT_PLATFORM_PASSWORD  the Lifeline server: reads telemetry and status, sends commands
#   MQTT_SIM_USER / MQTT_SIM_PASSWORD            field devices and firmware-sim: send telemetry and status, read commands
#   MOSQUITTO_AUTH_DIR                           where the files go (default /mosquitto/auth)
set -eu

: "${MQTT_PLATFORM_USER:?MQTT_PLATFORM_USER is not set}"
: "${MQTT_PLATFORM_PASSWORD:?MQTT_PLATFORM_PASSWORD is not set}"
: "${MQTT_SIM_USER:?MQTT_SIM_USER is not set}"
: "${MQTT_SIM_PASSWORD:?MQTT_SIM_PASSWORD is not set}"
if [ "$MQTT_PLATFORM_USER" = "$MQTT_SIM_USER" ]; then
  echo "MQTT_PLATFORM_USER and MQTT_SIM_USER must differ" >&2
  exit 2
fi

dir="${MOSQUITTO_AUTH_DIR:-/mosquitto/auth}"
mkdir -p "$dir"
umask 077
rm -f "$dir/passwd"
touch "$dir/passwd"
mosquitto_passwd -b "$dir/passwd" "$MQTT_PLATFORM_USER" "$MQTT_PLATFORM_PASSWORD"
mosquitto_passwd -b "$dir/passwd" "$MQTT_SIM_USER" "$MQTT_SIM_PASSWORD"

cat > "$dir/acl" <<ACL
# Written by entrypoint.sh at container start.
user $MQTT_PLATFORM_USER
topic read lifeline/+/+/telemetry
topic read lifeline/+/+/status
topic write lifeline/+/+/command
topic read lifeline/+/+/command/ack
topic readwrite lifeline-platform/#

user $MQTT_SIM_USER
topic write lifeline/+/+/telemetry
topic readwrite lifeline/+/+/status
topic read lifeline/+/+/command
topic write lifeline/+/+/command/ack
ACL

if id mosquitto >/dev/null 2>&1; then
  chown -R mosquitto:mosquitto "$dir"
fi
chmod 0700 "$dir"
chmod 0600 "$dir/passwd" "$dir/acl"
echo "mosquitto: users '$MQTT_PLATFORM_USER' (platform) and '$MQTT_SIM_USER' (devices) written to $dir"

exec "$@"
